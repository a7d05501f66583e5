import * as sdk from '@botpress/sdk'
import { connect } from '../connection'
import { ENDED_BY_BOT_TAG } from '../setup/triggers'
import { ZendeskError } from '../zendesk/errors'
import type { ActionOutput, ActionProps } from '../types'

export async function stopHitl(props: ActionProps<'stopHitl'>): Promise<ActionOutput<'stopHitl'>> {
  const { input, client } = props
  const { settings, zendesk } = connect(props)
  const { conversation } = await client.getConversation({ id: input.conversationId })
  const ticketId = Number(conversation.tags.ticketId)
  if (!ticketId) return {}
  try {
    await zendesk.updateTicket(ticketId, { status: settings.stopStatus, additional_tags: [ENDED_BY_BOT_TAG] })
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
