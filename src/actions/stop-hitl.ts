import * as sdk from '@botpress/sdk'
import { connect } from '../connection'
import { stopWithOutbox } from '../limits/outbox'
import { ENDED_BY_BOT_TAG } from '../setup/triggers'
import { ZendeskError } from '../zendesk/errors'
import type { NewComment } from '../zendesk/client'
import type { ActionOutput, ActionProps } from '../types'

export async function stopHitl(props: ActionProps<'stopHitl'>): Promise<ActionOutput<'stopHitl'>> {
  const { input, client } = props
  const { settings, zendesk } = connect(props)
  const { conversation } = await client.getConversation({ id: input.conversationId })
  const ticketId = Number(conversation.tags.ticketId)
  if (!ticketId) return {}
  try {
    // What the ticket update limits held back goes with the status, in the same update.
    const send = async (comment: NewComment, fields?: Record<string, unknown>) => (await zendesk.addComment(ticketId, comment, fields)).commentId
    await stopWithOutbox({ ...props, zendesk, conversation, ticketId, send }, { status: settings.stopStatus, additional_tags: [ENDED_BY_BOT_TAG] })
  } catch (thrown) {
    // A closed ticket refuses every update: the session is over already, which is what was asked.
    if (await zendesk.closedTicket(ticketId, thrown)) return {}
    if (thrown instanceof ZendeskError && thrown.status === 404) {
      throw new sdk.RuntimeError(`Zendesk ticket ${ticketId} no longer exists: it was deleted in Zendesk.`)
    }
    throw thrown
  }
  return {}
}
