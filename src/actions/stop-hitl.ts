import { outboxFor } from '../channels/hitl'
import { connect } from '../connection'
import { requestStop, stop } from '../limits/outbox'
import { isTransient } from '../webhook/failures'
import { isDeletedTicket } from '../zendesk/errors'
import type { ActionOutput, ActionProps } from '../types'

export async function stopHitl(props: ActionProps<'stopHitl'>): Promise<ActionOutput<'stopHitl'>> {
  const { input, client, logger } = props
  const { settings, zendesk } = connect(props)
  const conversation = await requestStop(client, input.conversationId, settings.stopStatus)
  const ticketId = Number(conversation.tags.ticketId)
  if (!ticketId) return {}
  try {
    // What the ticket update limits held back goes with the status, in the same update. The stop is written down
    // already, and sending it again finds what the first attempt did: a blip of Botpress or Zendesk gets one retry.
    const outbox = outboxFor({ ...props, zendesk, settings }, conversation)
    await stop(outbox, settings.stopStatus).catch((thrown: unknown) => {
      if (!isTransient(thrown)) throw thrown
      logger.forBot().warn(`Stopping the session on Zendesk ticket ${ticketId} failed once, tried again: ${thrown instanceof Error ? thrown.message : thrown}`)
      return stop(outbox, settings.stopStatus)
    })
  } catch (thrown) {
    // A deleted ticket, or a closed one (it refuses every update): the session is over already, which is what was
    // asked. Failing here would leave the plugin's session active, and every later stop would fail the same way.
    if (isDeletedTicket(thrown)) {
      logger.forBot().info(`Zendesk ticket ${ticketId} was deleted in Zendesk: the session ended with nothing to update.`)
      return {}
    }
    if (await zendesk.closedTicket(ticketId, thrown)) return {}
    throw thrown
  }
  return {}
}
