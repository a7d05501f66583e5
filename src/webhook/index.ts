// Zendesk → Botpress. Three stages that never mix: verify (signature, freshness), parse (schema), route (one
// handler per event). Whatever is refused is refused with a 4xx and leaves no trace but a log line.
import * as sdk from '@botpress/sdk'
import { finishAuthorization, startAuthorization } from '../auth/connect'
import { connect, readSetup, type Setup } from '../connection'
import { verifyWithRotation } from '../setup/signing-secret'
import { ARTICLE_EVENT_PATH, handleArticleEvent } from '../kb/live'
import type { WebhookProps } from '../types'
import { announceAssignment, announceStop, knownAgentUser } from './agents'
import { parseEvent, type WebhookEvent } from './events'
import { relayComments } from './relay'

/** Our trigger bodies are a few hundred bytes; anything this large is not from them. */
export const MAX_BODY_BYTES = 64 * 1024

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
  await route(props, setup, parsed.event)
  return reply(200, 'ok')
}

async function route(props: WebhookProps, setup: Setup, event: WebhookEvent): Promise<void> {
  const { client } = props
  const { zendesk } = connect(props)
  const target = { ticketId: event.ticket.id, conversationId: event.ticket.external_id, botUserId: setup.botUserId }
  switch (event.event) {
    case 'comment':
      await relayComments(client, zendesk, target)
      return
    case 'assigned': {
      const assigneeId = event.ticket.assignee_id
      if (!assigneeId) return
      const userId = await knownAgentUser(client, assigneeId, () => zendesk.showUser(assigneeId))
      await announceAssignment(client, target.conversationId, { zendeskId: assigneeId, userId }, { reassign: true })
      return
    }
    case 'stopped':
      // The update that solved the ticket may carry the agent's last words: they go first.
      await relayComments(client, zendesk, target)
      await announceStop(client, target.conversationId)
      return
  }
}
