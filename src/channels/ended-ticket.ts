// Where a message goes when the session's ticket refused it because the ticket has ended in Zendesk: closed
// (422, final) or deleted (404).
import * as sdk from '@botpress/sdk'
import { instanceTag } from '../connection'
import { fitSubject } from '../mapping/hygiene'
import { announceStop } from '../webhook/agents'
import type { NewComment, ZendeskApi } from '../zendesk/client'
import { isDeletedTicket, TicketDeleted } from '../zendesk/errors'
import type { ZendeskTicket } from '../zendesk/schemas'
import type { Props } from '../connection'
import type { Conversation } from './prepare'

type EndedProps = Props & { conversation: Conversation }

/**
 * The id of the comment the message became, or undefined when it has nowhere to go. `thrown` is what Zendesk
 * answered to the comment on ticket `ticketId`; anything but an ended ticket is thrown again.
 *
 * Only the user's own words (`fromUser`) open a follow-up: a plugin notice (such as the one it posts before every
 * stop) to an ended ticket is dropped, so it never opens a ticket nor fails the plugin's stop.
 */
export async function commentOnEndedTicket(
  props: EndedProps,
  zendesk: ZendeskApi,
  ticketId: number,
  comment: NewComment,
  thrown: unknown,
  fromUser: boolean,
  fields: Record<string, unknown> = {}
): Promise<number | undefined> {
  const { conversation, client, logger } = props
  if (isDeletedTicket(thrown)) {
    if (!fromUser) {
      logger.forBot().info(`Zendesk ticket ${ticketId} was deleted: the plugin's notice was not added to any ticket.`)
      return undefined
    }
    await announceStop(client, conversation.id)
    throw new TicketDeleted(
      `Zendesk ticket ${ticketId} was deleted in Zendesk, so the message reached no agent: the session has ended and the user is back with the bot.`
    )
  }
  const closed = await zendesk.closedTicket(ticketId, thrown)
  if (!closed) throw thrown
  if (!fromUser) {
    logger.forBot().info(`Zendesk ticket ${ticketId} is closed: the plugin's notice opened no follow-up ticket.`)
    return undefined
  }
  return commentOnFollowUp(props, zendesk, closed, comment, fields)
}

/**
 * A closed ticket refuses comments for good. The message is not lost: it goes to a follow-up ticket linked to the
 * closed one and to the same conversation, and the agent continues there. Every message meeting the closed ticket
 * (at once, or later with a conversation read before the follow-up existed) sends the same creation under the
 * same Idempotency-Key, so Zendesk makes one follow-up for them all; each message is then a comment of its own.
 */
async function commentOnFollowUp(
  props: EndedProps,
  zendesk: ZendeskApi,
  closed: ZendeskTicket,
  comment: NewComment,
  fields: Record<string, unknown>
): Promise<number> {
  const { conversation, client, ctx } = props
  const closedId = closed.id
  const requesterId = Number(conversation.tags.requesterZendeskId) || closed.requester_id
  if (!requesterId) throw new sdk.RuntimeError(`Ticket ${closedId} is closed and its requester is unknown: start a new session.`)
  const { ticket } = await zendesk.createTicket(
    {
      subject: fitSubject(`Follow-up: ${closed.subject ?? `ticket ${closedId}`}`),
      comment: { body: `The user wrote again after ticket #${closedId} was closed: the conversation continues here.`, public: false },
      requester_id: requesterId,
      external_id: conversation.id,
      tags: [instanceTag(ctx.webhookId), 'botpress_hitl'],
      via_followup_source_id: closedId,
    },
    `${conversation.id}:follow-up:${closedId}`
  )
  if (conversation.tags.ticketId !== String(ticket.id)) {
    await client.updateConversation({ id: conversation.id, tags: { ticketId: String(ticket.id) } })
  }
  // The update's other fields go with it: a session that has ended leaves the follow-up in the stop's status.
  return (await zendesk.addComment(ticket.id, comment, fields)).commentId
}
