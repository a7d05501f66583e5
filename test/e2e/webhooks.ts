// Zendesk webhook requests made by hand, signed as Zendesk signs them, for tests that play Zendesk's part.
import { sign } from '../../src/webhook/verify'
import type { Loop, Session } from '../../emulators/plugin/index'

/** The integration's Zendesk setup, as register stored it in the Botpress emulator. */
export function setupOf(l: Loop) {
  const state = [...l.botpress.state.states.values()].find((s) => s.name === 'zendesk')
  if (!state) throw new Error('register has not stored its setup')
  return state.payload as { signingSecret: string; instanceTag: string; webhookId: string }
}

export function signedWebhook(l: Loop, body: string, opts: { secret?: string; at?: Date } = {}) {
  const timestamp = (opts.at ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return fetch(l.cloud.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-signature': sign(opts.secret ?? setupOf(l).signingSecret, timestamp, body),
    },
    body,
  })
}

export const commentEvent = (l: Loop, s: Pick<Session, 'ticketId' | 'conversationId'>, instance = setupOf(l).instanceTag) =>
  JSON.stringify({ event: 'comment', instance, ticket: { id: String(s.ticketId), external_id: s.conversationId, status: 'Open', assignee_id: '' } })
