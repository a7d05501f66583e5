// Comments no person typed, as Zendesk writes them: a trigger's comment actions, automations, Zendesk itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startZendeskEmulator, type ZendeskEmulator } from '../../../emulators/zendesk/index.js'
import { apiClient, bearer, startReceiver, type Receiver } from './test-support.js'

let zd: ZendeskEmulator
let api: ReturnType<typeof apiClient>
let receiver: Receiver
let webhookId: string

beforeAll(async () => {
  zd = await startZendeskEmulator()
  api = apiClient(zd.url, bearer(zd.issueAccessToken()))
  receiver = await startReceiver()
  const created = await api.post('/api/v2/webhooks', {
    webhook: { name: 'watch', endpoint: receiver.url, http_method: 'POST', request_format: 'json', status: 'active', subscriptions: ['conditional_ticket_events'] },
  })
  webhookId = created.body.webhook.id
  // Watches every public comment of an update that is not the API's, as the integration's comment trigger does.
  const watching = await api.post('/api/v2/triggers', {
    trigger: {
      title: 'Public comments',
      conditions: { all: [{ field: 'comment_is_public', operator: 'is', value: 'true' }, { field: 'current_via_id', operator: 'is_not', value: '5' }], any: [] },
      actions: [{ field: 'notification_webhook', value: [webhookId, '{"ticket":"{{ticket.id}}"}'] }],
    },
  })
  expect(watching.status).toBe(201)
})
afterAll(async () => {
  await zd.close()
  await receiver.close()
})

const newTicket = async () => {
  const res = await api.post('/api/v2/tickets.json', {
    ticket: { subject: 'Rules', comment: { body: 'Help!' }, requester: { name: 'Rita Rule', email: `rita${Math.random()}@example.com` } },
  })
  return res.body.ticket as { id: number }
}

const deliveriesFor = (ticketId: number) => receiver.received.filter((r) => r.body === `{"ticket":"${ticketId}"}`)

describe('business rules writing comments', () => {
  it('a trigger\'s comment action writes via rule, in the name of the agent whose update fired it, within that one update', async () => {
    const agent = zd.createAgent({ name: 'Tess Trigger', email: 'tess@example.com' })
    const trigger = await api.post('/api/v2/triggers', {
      trigger: {
        title: 'Thank on public comments',
        conditions: { all: [{ field: 'comment_is_public', operator: 'is', value: 'true' }], any: [] },
        actions: [
          { field: 'comment_value', value: ['channel:all', 'Thanks, we got your message'] },
          { field: 'comment_mode_is_public', value: 'true' },
        ],
      },
    })
    expect(trigger.status).toBe(201)
    try {
      const ticket = await newTicket()
      const before = zd.state.comments.get(ticket.id)!.length
      zd.agent(agent.id).reply(ticket.id, { body: 'Looking into it' })
      await zd.settled()
      const added = zd.state.comments.get(ticket.id)!.slice(before)
      // The rule's own public comment does not fire it again: a trigger fires once per update cycle.
      expect(added.map((c) => c.body)).toEqual(['Looking into it', 'Thanks, we got your message'])
      expect(added[1]).toMatchObject({
        public: true,
        author_id: agent.id,
        via: { channel: 'rule', source: { from: { id: trigger.body.trigger.id, title: 'Thank on public comments', deleted: false }, rel: 'trigger' } },
      })
      // One update, one delivery: the creation was the API's, and the reply's cycle includes the rule's comment.
      expect(deliveriesFor(ticket.id)).toHaveLength(1)
    } finally {
      await api.delete(`/api/v2/triggers/${trigger.body.trigger.id}`)
    }
  })

  it('a trigger writing an internal note with comment_value_html', async () => {
    const trigger = await api.post('/api/v2/triggers', {
      trigger: {
        title: 'Note on solve',
        conditions: { all: [{ field: 'status', operator: 'value', value: 'solved' }], any: [] },
        actions: [
          { field: 'comment_value_html', value: '<p>Solved, <b>check</b> the survey</p>' },
          { field: 'comment_mode_is_public', value: 'false' },
        ],
      },
    })
    try {
      const ticket = await newTicket()
      zd.agent(zd.admin.id).setStatus(ticket.id, 'solved')
      expect(zd.state.comments.get(ticket.id)!.at(-1)).toMatchObject({ public: false, body: 'Solved, check the survey', via: { channel: 'rule' } })
    } finally {
      await api.delete(`/api/v2/triggers/${trigger.body.trigger.id}`)
    }
  })

  it('a comment action without a value is refused when the trigger is saved', async () => {
    const refused = await api.post('/api/v2/triggers', {
      trigger: { title: 'Broken', conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }], any: [] }, actions: [{ field: 'comment_value' }] },
    })
    expect(refused.status).toBe(422)
  })

  it.each([
    ['automation', { channel: 'rule', source: { rel: 'automation', from: { title: 'Nudge after 24 h', deleted: false } } }],
    ['system', { channel: 'system', source: { rel: null } }],
    ['sample_ticket', { channel: 'sample_ticket', source: { rel: null } }],
  ] as const)('a %s comment carries its via and is delivered to the triggers', async (kind, via) => {
    const agent = zd.createAgent({ name: `Agent ${kind}`, email: `${kind}@example.com` })
    const ticket = await newTicket()
    zd.agent(agent.id).assignToMe(ticket.id)
    const comment = zd.automaticComment(ticket.id, { kind, body: 'Still there?', title: 'Nudge after 24 h' })
    await zd.settled()
    expect(comment).toMatchObject({ public: true, author_id: agent.id, via })
    expect(deliveriesFor(ticket.id)).toHaveLength(1)
  })

  it('kept every answer inside the published contract', () => {
    expect(zd.contractViolations).toEqual([])
  })
})
