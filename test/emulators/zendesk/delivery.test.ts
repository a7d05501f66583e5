import { spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { signWebhook, startZendeskEmulator, type User, type ZendeskEmulator } from '../../../emulators/zendesk/index.js'
import { renderTemplate } from '../../../emulators/zendesk/placeholders.js'
import { apiClient, bearer, startReceiver, type Receiver } from './test-support.js'
import type { TicketUpdate } from '../../../emulators/zendesk/ticket-engine.js'
import { triggerMatches } from '../../../emulators/zendesk/triggers.js'
import type { Comment, Ticket, TriggerCondition } from '../../../emulators/zendesk/types.js'

function opensslSignature(secret: string, message: string): string {
  const run = spawnSync('sh', ['-c', 'openssl dgst -sha256 -hmac "$SECRET" -binary | base64'], {
    input: message,
    env: { ...process.env, SECRET: secret },
    encoding: 'utf8',
  })
  expect(run.status).toBe(0)
  return run.stdout.trim()
}

describe('webhook signature', () => {
  it('is base64(HMAC-SHA256(secret, timestamp + body)), as openssl computes it', () => {
    const secret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=='
    const timestamp = '2026-11-25T10:00:00Z'
    const body = '{"event":"comment","ticket":{"id":"7","status":"Open"},"text":"héllo \\"quoted\\""}'
    expect(signWebhook(secret, timestamp, body)).toBe(opensslSignature(secret, timestamp + body))
  })

  it("reproduces Zendesk's published example vector", () => {
    // Zendesk's example (secret, body, timestamp, signature) from its webhook verification page. That page
    // concatenates body then timestamp, while the Support webhooks page documents timestamp then body, which
    // is what the emulator and the integration use; the vector still pins the HMAC, the key taken as a UTF-8
    // string rather than decoded, and the base64 digest.
    const secret = 'HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA='
    const body = '{"say": "hello"}'
    const timestamp = '2021-07-25T10:00:00Z'
    const published = 'tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw='
    expect(createHmac('sha256', secret).update(body + timestamp).digest('base64')).toBe(published)
    expect(signWebhook(secret, body, timestamp)).toBe(published)
    expect(opensslSignature(secret, body + timestamp)).toBe(published)
  })
})

// Trigger conditions, evaluated on synthetic updates.
const baseTicket = { status: 'open', assignee_id: null, group_id: null, priority: null, requester_id: 10, tags: [] as string[] }
const agentUser = { id: 20, role: 'agent' } as User
const adminUser = { id: 21, role: 'admin' } as User
const endUser = { id: 10, role: 'end-user' } as User

function update(p: {
  now?: Partial<Ticket>
  before?: Partial<Ticket> | null
  user?: User
  via?: number
  comment?: { public: boolean }
}): TicketUpdate {
  const ticket = { ...baseTicket, ...p.now } as Ticket
  const previous = p.before === null ? undefined : ({ ...baseTicket, ...p.before } as Ticket)
  return {
    ticket,
    previous,
    updateType: previous ? 'Change' : 'Create',
    currentUser: p.user ?? agentUser,
    viaId: p.via ?? 0,
    comment: p.comment as Comment | undefined,
    audit: { id: 1, ticket_id: 1, created_at: '', author_id: 1, metadata: { system: {}, custom: {} }, via: { channel: 'web', source: { from: {}, to: {}, rel: null } }, events: [] },
  }
}

const cond = (field: string, operator: string, value: TriggerCondition['value'] = ''): TriggerCondition => ({ field, operator, value })

describe('trigger conditions', () => {
  it.each<[string, TriggerCondition, TicketUpdate, boolean]>([
    ['update_type is Create on creation', cond('update_type', 'is', 'Create'), update({ before: null }), true],
    ['update_type is Create on a change', cond('update_type', 'is', 'Create'), update({}), false],
    ['update_type is Change on a change', cond('update_type', 'is', 'Change'), update({}), true],
    ['status is open', cond('status', 'is', 'open'), update({}), true],
    ['status is_not open', cond('status', 'is_not', 'open'), update({}), false],
    ['status less_than solved (open)', cond('status', 'less_than', 'solved'), update({}), true],
    ['status less_than solved (closed)', cond('status', 'less_than', 'solved'), update({ now: { status: 'closed' } }), false],
    ['status greater_than pending (hold)', cond('status', 'greater_than', 'pending'), update({ now: { status: 'hold' } }), true],
    ['status greater_than pending (open)', cond('status', 'greater_than', 'pending'), update({}), false],
    ['status changed (open to pending)', cond('status', 'changed'), update({ now: { status: 'pending' } }), true],
    ['status changed (unchanged)', cond('status', 'changed'), update({}), false],
    ['status changed on creation', cond('status', 'changed'), update({ before: null }), true],
    ['status not_changed (unchanged)', cond('status', 'not_changed'), update({}), true],
    ['status value solved (changed to solved)', cond('status', 'value', 'solved'), update({ now: { status: 'solved' } }), true],
    ['status value solved (already solved)', cond('status', 'value', 'solved'), update({ now: { status: 'solved' }, before: { status: 'solved' } }), false],
    ['status value_previous pending', cond('status', 'value_previous', 'pending'), update({ now: { status: 'solved' }, before: { status: 'pending' } }), true],
    ['status value_previous pending (from open)', cond('status', 'value_previous', 'pending'), update({ now: { status: 'solved' } }), false],
    ['assignee_id is empty (unassigned)', cond('assignee_id', 'is', ''), update({}), true],
    ['assignee_id is_not empty (assigned)', cond('assignee_id', 'is_not', ''), update({ now: { assignee_id: 20 } }), true],
    ['assignee_id is_not empty (unassigned)', cond('assignee_id', 'is_not', ''), update({}), false],
    ['assignee_id changed (assigned now)', cond('assignee_id', 'changed'), update({ now: { assignee_id: 20 } }), true],
    ['assignee_id changed (same assignee)', cond('assignee_id', 'changed'), update({ now: { assignee_id: 20 }, before: { assignee_id: 20 } }), false],
    ['assignee_id not_changed', cond('assignee_id', 'not_changed'), update({}), true],
    ['assignee_id is current_user', cond('assignee_id', 'is', 'current_user'), update({ now: { assignee_id: 20 } }), true],
    ['assignee_id is a given id', cond('assignee_id', 'is', '21'), update({ now: { assignee_id: 20 } }), false],
    ['comment_is_public true (public)', cond('comment_is_public', 'is', 'true'), update({ comment: { public: true } }), true],
    ['comment_is_public true (note)', cond('comment_is_public', 'is', 'true'), update({ comment: { public: false } }), false],
    ['comment_is_public true (no comment)', cond('comment_is_public', 'is', 'true'), update({}), false],
    ['comment_is_public false (note)', cond('comment_is_public', 'is', 'false'), update({ comment: { public: false } }), true],
    ['comment_is_public not_relevant (note)', cond('comment_is_public', 'is', 'not_relevant'), update({ comment: { public: false } }), true],
    ['comment_is_public not_relevant (no comment)', cond('comment_is_public', 'is', 'not_relevant'), update({}), false],
    ['current_via_id is 5 (API)', cond('current_via_id', 'is', '5'), update({ via: 5 }), true],
    ['current_via_id is 5 (web)', cond('current_via_id', 'is', '5'), update({ via: 0 }), false],
    ['current_via_id is_not 5 (mail)', cond('current_via_id', 'is_not', '5'), update({ via: 4 }), true],
    ['current_via_id is_not 5 (API)', cond('current_via_id', 'is_not', 5), update({ via: 5 }), false],
    ['current_tags includes one of two', cond('current_tags', 'includes', 'bp_a bp_b'), update({ now: { tags: ['x', 'bp_b'] } }), true],
    ['current_tags includes none', cond('current_tags', 'includes', 'bp_a bp_b'), update({ now: { tags: ['x'] } }), false],
    ['current_tags not_includes', cond('current_tags', 'not_includes', 'bp_a'), update({ now: { tags: ['x'] } }), true],
    ['current_tags not_includes (present)', cond('current_tags', 'not_includes', 'bp_a'), update({ now: { tags: ['bp_a'] } }), false],
    ['role is end_user (end user)', cond('role', 'is', 'end_user'), update({ user: endUser }), true],
    ['role is end_user (agent)', cond('role', 'is', 'end_user'), update({ user: agentUser }), false],
    ['role is agent (admin)', cond('role', 'is', 'agent'), update({ user: adminUser }), true],
    ['role is_not agent (end user)', cond('role', 'is_not', 'agent'), update({ user: endUser }), true],
    ['priority less_than high (normal)', cond('priority', 'less_than', 'high'), update({ now: { priority: 'normal' } }), true],
  ])('%s', (_name, condition, subject, expected) => {
    expect(triggerMatches({ conditions: { all: [condition], any: [] } }, subject)).toBe(expected)
  })

  it('needs every "all" condition and, when there are any, one "any" condition', () => {
    const conditions = {
      all: [cond('update_type', 'is', 'Change'), cond('status', 'changed')],
      any: [cond('status', 'is', 'solved'), cond('status', 'is', 'closed')],
    }
    expect(triggerMatches({ conditions }, update({ now: { status: 'solved' } }))).toBe(true)
    expect(triggerMatches({ conditions }, update({ now: { status: 'pending' } }))).toBe(false)
    expect(triggerMatches({ conditions }, update({ now: { status: 'closed' }, before: { status: 'closed' } }))).toBe(false)
  })
})

describe('placeholder rendering', () => {
  const values = { 'ticket.id': '7', 'ticket.title': 'He said "hi"\nthen left \\ fast', 'ticket.assignee.id': '' }
  it.each<[string, string, boolean, string]>([
    ['substitutes inside a JSON string', '{"id":"{{ticket.id}}"}', true, '{"id":"7"}'],
    ['accepts spaces inside the braces', '{"id":"{{ ticket.id }}"}', true, '{"id":"7"}'],
    ['substitutes a bare JSON number', '{"id":{{ticket.id}}}', true, '{"id":7}'],
    ['escapes quotes, newlines and backslashes in JSON strings', '{"t":"{{ticket.title}}"}', true, '{"t":"He said \\"hi\\"\\nthen left \\\\ fast"}'],
    ['leaves values raw outside JSON', 'Subject: {{ticket.title}}', false, 'Subject: He said "hi"\nthen left \\ fast'],
    ['renders unknown placeholders as empty', '{"x":"{{ticket.nope}}","y":"{{satisfaction.current_rating}}"}', true, '{"x":"","y":""}'],
    ['renders an empty nested id as empty', '{"a":"{{ticket.assignee.id}}"}', true, '{"a":""}'],
    ['keeps escaped quotes of the template itself', '{"q":"say \\"{{ticket.id}}\\""}', true, '{"q":"say \\"7\\""}'],
  ])('%s', (_name, template, json, expected) => {
    const rendered = renderTemplate(template, values, json)
    expect(rendered).toBe(expected)
    if (json) expect(() => JSON.parse(rendered)).not.toThrow()
  })
})

describe('triggers and webhook delivery', () => {
  let zd: ZendeskEmulator
  let api: ReturnType<typeof apiClient>
  let receiver: Receiver
  let answer: (n: number) => { status: number; headers?: Record<string, string>; delayMs?: number }
  let webhookId: string
  let agent: User

  beforeAll(async () => {
    zd = await startZendeskEmulator({ webhookRetryBackoffMs: 1, webhookTimeoutMs: 5000 })
    api = apiClient(zd.url, bearer(zd.issueAccessToken()))
    receiver = await startReceiver((n) => answer(n))
    agent = zd.createAgent({ name: 'Alan Agent', email: 'alan@example.com' })
  })

  afterAll(async () => {
    await zd.close()
    await receiver.close()
  })

  beforeEach(async () => {
    answer = () => ({ status: 200 })
    zd.faults.clear()
    await zd.settled()
    zd.state.triggers.clear()
    zd.deliveries.length = 0
    receiver.received.length = 0
    zd.contractViolations.length = 0
    const hook = await api.post('/api/v2/webhooks', {
      webhook: { name: 'bp', endpoint: receiver.url, http_method: 'POST', request_format: 'json', status: 'active', subscriptions: ['conditional_ticket_events'] },
    })
    webhookId = hook.body.webhook.id
  })

  const addTrigger = async (title: string, all: TriggerCondition[], body: string, any: TriggerCondition[] = []) => {
    const res = await api.post('/api/v2/triggers', {
      trigger: { title, conditions: { all, any }, actions: [{ field: 'notification_webhook', value: [webhookId, body] }] },
    })
    expect(res.status).toBe(201)
    return res.body.trigger.id as number
  }

  const createTicket = async (tags = ['bp_1']) => {
    const res = await api.post('/api/v2/tickets', {
      ticket: { subject: 'Bot handoff', comment: { body: 'Conversation so far' }, requester: { name: 'Eve End', email: 'eve@example.com' }, tags, external_id: 'conv-9' },
    })
    return res.body.ticket as { id: number; requester_id: number }
  }

  const body = JSON.stringify({
    event: 'comment',
    ticket: { id: '{{ticket.id}}', external_id: '{{ticket.external_id}}', status: '{{ticket.status}}', assignee_id: '{{ticket.assignee.id}}' },
    comment: '{{ticket.latest_public_comment}}',
    by: { id: '{{current_user.id}}', name: '{{current_user.name}}', role: '{{current_user.role}}' },
  })

  it('delivers after the API has answered, without making it wait', async () => {
    await addTrigger('any change', [cond('update_type', 'is', 'Change')], '{"id":"{{ticket.id}}"}')
    const t = await createTicket()
    answer = () => ({ status: 200, delayMs: 400 })
    const res = await api.put(`/api/v2/tickets/${t.id}`, { ticket: { status: 'pending' } })
    expect(res.status).toBe(200)
    // The endpoint takes 400 ms to answer the delivery: none has an answer yet when the API call is done.
    expect(zd.deliveries.filter((d) => d.status !== undefined)).toHaveLength(0)
    await zd.settled()
    expect(zd.deliveries).toEqual([expect.objectContaining({ status: 200, attempt: 1, ticketId: t.id })])
  })

  it('posts a signed JSON body with Zendesk headers, for a public agent reply only', async () => {
    await addTrigger(
      'comment',
      [cond('current_tags', 'includes', 'bp_1'), cond('update_type', 'is', 'Change'), cond('comment_is_public', 'is', 'true'), cond('current_via_id', 'is_not', '5')],
      body,
    )
    const t = await createTicket()
    await api.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'from the bot', author_id: t.requester_id } } })
    zd.agent(agent.id).note(t.id, { body: 'internal' })
    zd.agent(agent.id).assignToMe(t.id)
    zd.agent(agent.id).reply(t.id, { body: 'Hi "Eve"\nHow can I help?' })
    await zd.settled()

    expect(receiver.received).toHaveLength(1)
    const [got] = receiver.received
    const headers = got?.headers ?? {}
    expect(headers['content-type']).toBe('application/json; charset=utf-8')
    expect(headers['user-agent']).toBe('Zendesk Webhook')
    expect(headers['x-zendesk-webhook-id']).toBe(webhookId)
    expect(headers['x-zendesk-account-id']).toMatch(/^\d+$/)
    expect(headers['x-zendesk-webhook-invocation-id']).toMatch(/^\d+$/)
    const timestamp = String(headers['x-zendesk-webhook-signature-timestamp'])
    expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    expect(Math.abs(Date.parse(timestamp) - Date.now())).toBeLessThan(5000)
    const secret = (await api.get(`/api/v2/webhooks/${webhookId}/signing_secret`)).body.signing_secret.secret
    expect(headers['x-zendesk-webhook-signature']).toBe(opensslSignature(secret, timestamp + (got?.body ?? '')))

    const payload = JSON.parse(got?.body ?? '')
    expect(payload).toMatchObject({
      event: 'comment',
      ticket: { id: String(t.id), external_id: 'conv-9', status: 'Open', assignee_id: String(agent.id) },
      by: { id: String(agent.id), name: 'Alan Agent', role: 'agent' },
    })
    expect(payload.comment).toMatch(/^Alan Agent, [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}\n\nHi "Eve"\nHow can I help\?$/)
    expect(zd.deliveries).toEqual([expect.objectContaining({ webhookId, ticketId: t.id, attempt: 1, status: 200 })])
  })

  it('fires the integration-style triggers once each: assignment, end-user reply by mail, and solving', async () => {
    const tag = [cond('current_tags', 'includes', 'bp_1')]
    await addTrigger('assigned', [...tag, cond('assignee_id', 'changed'), cond('assignee_id', 'is_not', '')], '{"e":"assigned","a":"{{ticket.assignee.email}}"}')
    await addTrigger('stopped', [...tag, cond('status', 'changed')], '{"e":"stopped","s":"{{ticket.status}}"}', [
      cond('status', 'is', 'solved'),
      cond('status', 'is', 'closed'),
    ])
    await addTrigger('mail', [...tag, cond('role', 'is', 'end_user'), cond('current_via_id', 'is', '4')], '{"e":"mail","who":"{{ticket.requester.email}}"}')
    const t = await createTicket()
    const other = await createTicket(['other'])
    zd.agent(agent.id).assignToMe(t.id)
    zd.agent(agent.id).assignToMe(other.id)
    zd.endUser(t.requester_id).reply(t.id, { body: 'thanks' })
    zd.agent(agent.id).setStatus(t.id, 'solved', { comment: { body: 'Solved!' } })
    await zd.settled()
    expect(receiver.received.map((r) => JSON.parse(r.body))).toEqual([
      { e: 'assigned', a: 'alan@example.com' },
      { e: 'mail', who: 'eve@example.com' },
      { e: 'stopped', s: 'Solved' },
    ])
  })

  it('sends nothing for inactive triggers or inactive webhooks', async () => {
    const id = await addTrigger('any change', [cond('update_type', 'is', 'Change')], '{}')
    await api.put(`/api/v2/triggers/${id}`, { trigger: { active: false } })
    const t = await createTicket()
    zd.agent(agent.id).note(t.id, { body: 'x' })
    await api.put(`/api/v2/triggers/${id}`, { trigger: { active: true } })
    await api.patch(`/api/v2/webhooks/${webhookId}`, { webhook: { status: 'inactive' } })
    zd.agent(agent.id).note(t.id, { body: 'y' })
    await zd.settled()
    expect(receiver.received).toHaveLength(0)
  })

  it.each<[string, (n: number) => { status: number; headers?: Record<string, string>; delayMs?: number }, number]>([
    ['retries a 409 until it succeeds', (n) => ({ status: n === 1 ? 409 : 200 }), 2],
    ['retries a 409 at most three times', () => ({ status: 409 }), 4],
    ['retries a 503 with a short Retry-After', (n) => (n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }), 2],
    ['does not retry a 503 without Retry-After', () => ({ status: 503 }), 1],
    ['does not retry a 429 asking for a minute or more', () => ({ status: 429, headers: { 'retry-after': '60' } }), 1],
    ['does not retry a 500', () => ({ status: 500 }), 1],
  ])('%s', async (_name, behaviour, attempts) => {
    answer = behaviour
    await addTrigger('any change', [cond('update_type', 'is', 'Change')], '{"id":"{{ticket.id}}"}')
    const t = await createTicket()
    zd.agent(agent.id).note(t.id, { body: 'x' })
    await zd.settled()
    expect(zd.deliveries.map((d) => d.attempt)).toEqual(Array.from({ length: attempts }, (_v, i) => i + 1))
    expect(new Set(zd.deliveries.map((d) => d.invocationId)).size).toBe(1)
  })

  it('retries a timed-out delivery at most five times', async () => {
    const quick = await startZendeskEmulator({ validate: false, webhookRetryBackoffMs: 1, webhookTimeoutMs: 100 })
    const slow = await startReceiver(() => ({ status: 200, delayMs: 1000 }))
    try {
      const admin = apiClient(quick.url, bearer(quick.issueAccessToken()))
      const hook = await admin.post('/api/v2/webhooks', {
        webhook: { name: 'slow', endpoint: slow.url, http_method: 'POST', request_format: 'json', status: 'active' },
      })
      await admin.post('/api/v2/triggers', {
        trigger: { title: 't', conditions: { all: [cond('update_type', 'is', 'Create')] }, actions: [{ field: 'notification_webhook', value: [hook.body.webhook.id, '{}'] }] },
      })
      await admin.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } })
      await quick.settled()
      expect(quick.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6])
      expect(quick.deliveries.every((d) => d.status === undefined && /timeout|abort/i.test(d.error ?? ''))).toBe(true)
    } finally {
      await quick.close()
      await slow.close()
    }
  })

  it('duplicates, reorders, holds and stale-signs deliveries on demand', async () => {
    await addTrigger('first', [cond('update_type', 'is', 'Change')], '{"n":"first","s":"{{ticket.status}}"}')
    await addTrigger('second', [cond('update_type', 'is', 'Change')], '{"n":"second","s":"{{ticket.status}}"}')
    const t = await createTicket()
    const names = () => receiver.received.map((r) => JSON.parse(r.body).n as string)

    zd.faults.duplicateDeliveries(2)
    zd.agent(agent.id).note(t.id, { body: 'dup' })
    await zd.settled()
    expect(names()).toEqual(['first', 'first', 'second', 'second'])
    expect(receiver.received[0]?.headers['x-zendesk-webhook-invocation-id']).toBe(receiver.received[1]?.headers['x-zendesk-webhook-invocation-id'])

    zd.faults.clear()
    receiver.received.length = 0
    zd.faults.reorderDeliveries(true)
    zd.agent(agent.id).note(t.id, { body: 'reorder' })
    await zd.settled()
    expect(names()).toEqual(['second', 'first'])

    receiver.received.length = 0
    zd.faults.holdDeliveries()
    zd.agent(agent.id).setStatus(t.id, 'pending')
    zd.agent(agent.id).setStatus(t.id, 'open')
    await zd.settled()
    expect(receiver.received).toHaveLength(0)
    await zd.faults.releaseDeliveries()
    expect(receiver.received.map((r) => JSON.parse(r.body))).toEqual([
      { n: 'second', s: 'Open' },
      { n: 'first', s: 'Open' },
      { n: 'second', s: 'Pending' },
      { n: 'first', s: 'Pending' },
    ])

    zd.faults.clear()
    receiver.received.length = 0
    zd.faults.staleSignatureTimestamp(600)
    zd.agent(agent.id).note(t.id, { body: 'stale' })
    await zd.settled()
    const stale = receiver.received[0]
    const timestamp = String(stale?.headers['x-zendesk-webhook-signature-timestamp'])
    expect(Date.now() - Date.parse(timestamp)).toBeGreaterThan(590_000)
    const secret = (await api.get(`/api/v2/webhooks/${webhookId}/signing_secret`)).body.signing_secret.secret
    expect(stale?.headers['x-zendesk-webhook-signature']).toBe(signWebhook(secret, timestamp, stale?.body ?? ''))
  })

  it('signs with the new secret once it is reset', async () => {
    await addTrigger('any change', [cond('update_type', 'is', 'Change')], '{}')
    const before = (await api.get(`/api/v2/webhooks/${webhookId}/signing_secret`)).body.signing_secret.secret
    const after = (await api.post(`/api/v2/webhooks/${webhookId}/signing_secret`)).body.signing_secret.secret
    expect(after).not.toBe(before)
    const t = await createTicket()
    zd.agent(agent.id).note(t.id, { body: 'x' })
    await zd.settled()
    const got = receiver.received[0]
    const timestamp = String(got?.headers['x-zendesk-webhook-signature-timestamp'])
    expect(got?.headers['x-zendesk-webhook-signature']).toBe(signWebhook(after, timestamp, got?.body ?? ''))
    expect(zd.contractViolations).toEqual([])
  })
})
