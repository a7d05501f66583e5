// A message in the HITL conversation becomes one comment on the ticket: public, authored by the end user, or an
// internal note for the plugin's notices; media become attachments (./prepare.ts).
import * as sdk from '@botpress/sdk'
import { connect, type Props } from '../connection'
import { deliver, isDelivered, type OutboxProps } from '../limits/outbox'
import { announceHeldAssignment } from '../webhook/held-assignment'
import type { ZendeskApi } from '../zendesk/client'
import type { Settings } from '../config'
import { commentOnEndedTicket } from './ended-ticket'
import { authorOf, prepare, type Conversation } from './prepare'
import type { HitlMessageProps, HitlMessageType, IntegrationProps } from '../types'

/**
 * What the outbox needs to write to the conversation's ticket: held messages are prepared when they go, and a
 * comment the ticket refuses because it has ended in Zendesk goes where ./ended-ticket.ts says.
 */
export function outboxFor(
  props: Props & { zendesk: ZendeskApi; settings: Settings },
  conversation: Conversation,
  extra: Pick<OutboxProps, 'keep' | 'withinMs' | 'ending'> = {}
): OutboxProps {
  const { zendesk } = props
  const ticketId = Number(conversation.tags.ticketId)
  const context = { ...props, conversation }
  return {
    ...props,
    ...extra,
    conversation,
    ticketId,
    prepare: (message) => prepare(context, message),
    send: async (comment, fields, from) => {
      try {
        return (await zendesk.addComment(ticketId, comment, fields)).commentId
      } catch (thrown) {
        return commentOnEndedTicket(context, zendesk, ticketId, comment, thrown, from === 'user', fields)
      }
    },
  }
}

async function sendToTicket(props: HitlMessageProps): Promise<void> {
  const { conversation, message, payload, type, logger } = props
  // Botpress may deliver a message again after a lost answer: once delivered, it is on the ticket already.
  if (isDelivered(conversation, message.id) || message.tags.zendeskCommentId) return
  const { zendesk, settings } = connect(props)
  if (!Number(conversation.tags.ticketId)) {
    throw new sdk.RuntimeError(`Conversation ${conversation.id} has no Zendesk ticket: start it with the startHitl action.`)
  }
  const author = await authorOf({ client: props.client, conversation }, payload)
  const context = { client: props.client, logger, zendesk, settings, conversation }
  // Zendesk's ticket update limits may hold the message back for a while: see src/limits/outbox.ts.
  await deliver(outboxFor({ ...props, zendesk, settings }, conversation), {
    id: message.id,
    sender: author.notice ? 'notice' : 'user',
    held: message.tags.zendeskHeld === 'yes',
    prepare: () => prepare(context, { id: message.id, type, payload }, author),
  })
  // The plugin relays a user's words only while its session is active: the moment to announce a held agent. The
  // user's words are on the ticket (or held) already; a failure here leaves the agent held for the next message.
  if (!author.notice) {
    await announceHeldAssignment(props.client, zendesk, conversation).catch((thrown: unknown) => {
      logger.forBot().warn(`The agent assigned before the session started is not announced yet: ${thrown instanceof Error ? thrown.message : String(thrown)}`)
    })
  }
}

const handlers = Object.fromEntries(
  (['text', 'image', 'audio', 'video', 'file', 'bloc'] as const satisfies readonly HitlMessageType[]).map((type) => [
    type,
    (props: HitlMessageProps) => sendToTicket(props),
  ])
) as unknown as IntegrationProps['channels']['hitl']['messages']

export const hitl = { messages: handlers }
