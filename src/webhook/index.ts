// Zendesk → Botpress. Three stages that never mix: verify (signature, freshness), parse (schema), route (one
// handler per event). Whatever is refused is refused with a 4xx and leaves no trace but a log line.
import * as sdk from '@botpress/sdk'
import { finishAuthorization, startAuthorization } from '../auth/connect'
import { connect, readSetup, type Setup } from '../connection'
import { outboxFor } from '../channels/hitl'
import { sendHeldFor } from '../limits/outbox'
import { verifyWithRotation } from '../setup/signing-secret'
import { ENDED_BY_BOT_TAG } from '../setup/triggers'
import { ARTICLE_EVENT_PATH, handleArticleEvent } from '../kb/live'
import type { WebhookProps } from '../types'
import { agentUser, announceAssignment, announceStop } from './agents'
import { bindingOf, type Bound } from './binding'
import { parseEvent, type WebhookEvent } from './events'
import { failureAnswer } from './failures'
import { followMerge, mergeTargetOf } from './merge'
import { holdIfStarting } from './held-assignment'
import { relayComments } from './relay'

/** Our trigger bodies are a few hundred bytes; anything this large is not from them. */
export const MAX_BODY_BYTES = 64 * 1024
/** What a delivery may spend sending held messages before it relays, well within Zendesk's wait for its answer. */
const WEBHOOK_SENDING_MS = 4_000

const reply = (status: number, message: string): sdk.Response => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
})

export async function handler(props: WebhookProps): Promise<sdk.Response> {
  const { req, logger } = props
  const path = req.path.replace(/\/+$/, '')
  if (path === '/oauth/start') return startAuthorization(props)
  if (path === '/oauth') return finishAuthorization(props)
  if (path === ARTICLE_EVENT_PATH) return handleArticleEvent(props)
  if (req.method.toUpperCase() !== 'POST') return reply(405, 'Zendesk webhooks are POST requests')
  const raw = req.body ?? ''
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) return reply(413, 'the body is larger than any Zendesk trigger sends')

  const setup = await readSetup(props)
  const verdict = await verifyWithRotation(props, raw, setup)
  if (!verdict.ok) {
    logger.forBot().warn(`Refused a webhook request: ${verdict.reason}.`)
    return reply(401, `refused: ${verdict.reason}`)
  }
  const parsed = parseEvent(raw)
  if (!parsed.ok) {
    logger.forBot().warn(`Refused a webhook body: ${parsed.reason}.`)
    return reply(400, `refused: ${parsed.reason}`)
  }
  // Another bot's ticket, on the same Zendesk account: not ours to relay.
  if (parsed.event.instance !== setup.instanceTag) return reply(200, 'ignored: ticket of another integration instance')
  const { event } = parsed
  try {
    const bound = await bindingOf(props.client, event.ticket.id, event.ticket.external_id)
    if (!bound) {
      if (event.event === 'assigned' && (await holdIfStarting(props.client, event.ticket.external_id, event.ticket.assignee_id))) {
        return reply(200, 'held: the session is still starting')
      }
      logger.forBot().warn(`Ignored a "${event.event}" webhook of ticket ${event.ticket.id}: its external_id names no conversation bound to it.`)
      return reply(200, 'ignored: the ticket is not bound to that conversation')
    }
    await route(props, setup, event, bound)
  } catch (thrown) {
    return failureAnswer(props, event, thrown)
  }
  return reply(200, 'ok')
}

async function route(props: WebhookProps, setup: Setup, event: WebhookEvent, bound: Bound): Promise<void> {
  const { client } = props
  const { zendesk, settings } = connect(props)
  const target = { ticketId: event.ticket.id, bound, botUserId: setup.botUserId }
  const ended = ['solved', 'closed'].includes(event.ticket.status?.toLowerCase() ?? '')
  // The conversation holds messages Zendesk's limits kept back: this delivery is a chance to send them. On a ticket
  // the agent ended they keep it ended (a closed one passes them to a solved follow-up); the end of the session may
  // spend the stop's reserve on them. Zendesk waits only some ten seconds for the answer: the rest waits.
  const sendHeld = async (b: Bound, onEnded = ended) => {
    if (!b.outboxHeld) return
    const { conversation } = await client.getConversation({ id: b.conversationId })
    const extra = { withinMs: WEBHOOK_SENDING_MS, ending: event.event === 'stopped' && onEnded, ...(onEnded ? { keep: { status: 'solved' } } : {}) }
    await sendHeldFor(outboxFor({ ...props, zendesk, settings }, conversation, extra))
  }
  switch (event.event) {
    case 'comment':
      await sendHeld(bound)
      await relayComments(client, zendesk, { ...target, endedByBot: (event.ticket.tags ?? '').split(/\s+/).includes(ENDED_BY_BOT_TAG) })
      return
    case 'assigned': {
      await sendHeld(bound)
      // Deliveries may come in any order: the ticket says who is assigned now, not the delivery.
      const { ticket, users } = await zendesk.ticketWithUsers(event.ticket.id)
      const assignee = users.find((u) => u.id === ticket.assignee_id)
      if (!ticket.assignee_id || !assignee) return
      const userId = bound.relay.agents[String(assignee.id)] ?? (await agentUser(client, assignee))
      const firstAgentId = bound.relay.firstAgentId
      await announceAssignment(client, bound.conversationId, { zendeskId: assignee.id, userId }, { ...(firstAgentId ? { firstAgentId } : {}) })
      return
    }
    case 'stopped': {
      const mergedInto = event.ticket.status?.toLowerCase() === 'closed' ? await mergeTargetOf(zendesk, event.ticket.id) : undefined
      if (mergedInto) {
        await relayComments(client, zendesk, target)
        const latest = (await bindingOf(client, event.ticket.id, bound.conversationId)) ?? bound
        await followMerge(client, zendesk, { bound: latest, targetId: mergedInto, instanceTag: setup.instanceTag })
        // Held messages follow the session to the target, not to a follow-up of the closed source.
        await sendHeld(latest, false)
        props.logger.forBot().info(`Ticket ${event.ticket.id} was merged into ticket ${mergedInto}: the conversation follows it.`)
        return
      }
      await sendHeld(bound)
      // The update that solved the ticket may carry the agent's last words: they go first.
      await relayComments(client, zendesk, { ...target, ending: true })
      await announceStop(client, bound.conversationId)
      return
    }
  }
}
