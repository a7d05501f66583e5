import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startZendeskEmulator, type ZendeskEmulator } from '../../../emulators/zendesk/index.js'
import { apiClient, bearer } from './test-support.js'

let zd: ZendeskEmulator
let api: ReturnType<typeof apiClient>

beforeAll(async () => {
  zd = await startZendeskEmulator({ plan: 'enterprise' })
  api = apiClient(zd.url, bearer(zd.issueAccessToken()))
})

afterAll(() => zd.close())

beforeEach(() => {
  zd.faults.clear()
  zd.contractViolations.length = 0
})

const newTicket = async (extra: Record<string, unknown> = {}) => {
  const res = await api.post('/api/v2/tickets.json', {
    ticket: { subject: 'Printer on fire', comment: { body: 'Help!' }, requester: { name: 'Eve End', email: `eve${Math.random()}@example.com` }, ...extra },
  })
  expect(res.status).toBe(201)
  return res.body.ticket as { id: number; requester_id: number; status: string }
}

describe('contract: users', () => {
  it('shows the current user, a user by id, and updates one', async () => {
    const me = await api.get('/api/v2/users/me.json')
    expect(me.status).toBe(200)
    expect(me.body.user).toMatchObject({ id: zd.admin.id, role: 'admin', email: 'ada@example.com' })
    const shown = await api.get(`/api/v2/users/${zd.admin.id}`)
    expect(shown.body.user.name).toBe('Ada Admin')
    const updated = await api.put(`/api/v2/users/${zd.admin.id}.json`, { user: { details: 'Runs the desk' } })
    expect(updated.status).toBe(200)
    expect(updated.body.user.details).toBe('Runs the desk')
    expect((await api.get('/api/v2/users/1')).status).toBe(404)
    expect(zd.contractViolations).toEqual([])
  })

  it('create_or_update creates (201), then matches by external_id, then by email (200)', async () => {
    const created = await api.post('/api/v2/users/create_or_update.json', {
      user: { name: 'Bob', email: 'bob@example.com', external_id: 'bp-user-1', remote_photo_url: 'https://cdn.example.com/bob.png' },
    })
    expect(created.status).toBe(201)
    expect(created.body.user).toMatchObject({ name: 'Bob', role: 'end-user', external_id: 'bp-user-1' })
    expect(created.body.user.photo.content_url).toBe('https://cdn.example.com/bob.png')
    const byExternal = await api.post('/api/v2/users/create_or_update', { user: { external_id: 'bp-user-1', name: 'Bobby' } })
    expect(byExternal.status).toBe(200)
    expect(byExternal.body.user).toMatchObject({ id: created.body.user.id, name: 'Bobby', email: 'bob@example.com' })
    const byEmail = await api.post('/api/v2/users/create_or_update', { user: { email: 'BOB@example.com', name: 'Robert' } })
    expect(byEmail.status).toBe(200)
    expect(byEmail.body.user.id).toBe(created.body.user.id)
    const noEmail = await api.post('/api/v2/users/create_or_update', { user: { name: 'Chat Only', external_id: 'bp-user-2' } })
    expect(noEmail.status).toBe(201)
    expect(noEmail.body.user.email).toBeNull()
    expect(zd.contractViolations).toEqual([])
  })

  it.each([
    [{ name: 'X', email: 'not-an-email' }, 'email', 'Email: not-an-email is not properly formatted'],
    [{ name: 'X', email: 'x@example.com', remote_photo_url: `https://cdn.example.com/${'a'.repeat(240)}.png` }, 'remote_photo_url', 'Remote photo url: is too long (maximum is 255 characters)'],
    [{ name: 'X', email: 'y@example.com', remote_photo_url: 'not a url' }, 'remote_photo_url', 'Remote photo url: is invalid'],
    [{ email: 'nameless@example.com' }, 'name', 'Name: cannot be blank'],
  ])('create_or_update refuses %j with 422 RecordInvalid', async (user, field, description) => {
    const res = await api.post('/api/v2/users/create_or_update', { user })
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({ error: 'RecordInvalid', description: 'Record validation errors' })
    expect(res.body.details[field]).toEqual([expect.objectContaining({ description })])
  })

  it('searches by query and by external_id, and shows many', async () => {
    const a = await api.post('/api/v2/users/create_or_update', { user: { name: 'Searchable Sam', email: 'sam@example.com', external_id: 'sam-1' } })
    const byQuery = await api.get('/api/v2/users/search.json?query=email:sam@example.com')
    expect(byQuery.body.users.map((u: { id: number }) => u.id)).toEqual([a.body.user.id])
    const byExternal = await api.get('/api/v2/users/search?external_id=sam-1')
    expect(byExternal.body).toMatchObject({ count: 1, users: [{ id: a.body.user.id }] })
    const many = await api.get(`/api/v2/users/show_many.json?ids=${a.body.user.id},${zd.admin.id}`)
    expect(many.body.users).toHaveLength(2)
    expect(zd.contractViolations).toEqual([])
  })
})

describe('contract: tickets and comments', () => {
  it('creates a ticket through the API (201, via web service) with a requester it creates', async () => {
    const res = await api.post('/api/v2/tickets', {
      ticket: {
        subject: 'Need help',
        comment: { html_body: '<p>Hello <b>there</b></p><p>Second &amp; last</p>' },
        requester: { name: 'Nina New', email: 'nina@example.com', locale_id: 1 },
        external_id: 'conv-1',
        tags: ['botpress', 'hitl'],
        priority: 'normal',
        type: 'question',
        custom_fields: [{ id: 901, value: 'from-bot' }],
      },
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe(res.body.ticket.url)
    const ticket = res.body.ticket
    expect(ticket).toMatchObject({ status: 'new', via: { channel: 'api' }, external_id: 'conv-1', tags: ['botpress', 'hitl'], custom_fields: [{ id: 901, value: 'from-bot' }] })
    expect(zd.state.users.get(ticket.requester_id)).toMatchObject({ name: 'Nina New', role: 'end-user' })
    expect(res.body.audit.events.find((e: { type: string }) => e.type === 'Comment')).toMatchObject({
      body: 'Hello there\nSecond & last',
      plain_body: 'Hello there\nSecond & last',
      html_body: '<div class="zd-comment" dir="auto"><p>Hello <b>there</b></p><p>Second &amp; last</p></div>',
      public: true,
    })
    expect(zd.contractViolations).toEqual([])
  })

  it('a deliberately wrong request is recorded as a violation and refused like Zendesk', async () => {
    const res = await api.post('/api/v2/tickets', { ticket: { subject: 'No comment', priority: 'super-urgent' } })
    expect(res.status).toBe(422)
    expect(res.body.details.base).toEqual([expect.objectContaining({ description: 'Description: cannot be blank' })])
    expect(zd.contractViolations).toEqual([
      expect.objectContaining({ direction: 'request', contract: 'CreateTicket', path: '/api/v2/tickets' }),
    ])
    const errors = zd.contractViolations[0]?.errors.join('\n') ?? ''
    expect(errors).toMatch(/comment/)
    expect(errors).toMatch(/priority/)
  })

  it('shows a ticket with sideloaded users and many tickets at once', async () => {
    const t = await newTicket()
    const shown = await api.get(`/api/v2/tickets/${t.id}.json?include=users`)
    expect(shown.status).toBe(200)
    expect(shown.body.ticket.id).toBe(t.id)
    expect(shown.body.users.map((u: { id: number }) => u.id)).toEqual(expect.arrayContaining([t.requester_id, zd.admin.id]))
    const t2 = await newTicket()
    const many = await api.get(`/api/v2/tickets/show_many.json?ids=${t.id},${t2.id}`)
    expect(many.body.tickets.map((x: { id: number }) => x.id)).toEqual([t.id, t2.id])
    expect((await api.get('/api/v2/tickets/999999')).body).toEqual({ error: 'RecordNotFound', description: 'Not found' })
    expect(zd.contractViolations).toEqual([])
  })

  it('updates a ticket and answers the audit with Comment and Change events', async () => {
    const t = await newTicket({ tags: ['one'] })
    const agent = zd.createAgent({ name: 'Alan Agent', email: 'alan@example.com' })
    const res = await api.put(`/api/v2/tickets/${t.id}`, {
      ticket: { comment: { body: 'On it <now>', public: false }, assignee_id: agent.id, additional_tags: ['two'], priority: 'high' },
    })
    expect(res.status).toBe(200)
    expect(res.body.ticket).toMatchObject({ status: 'open', assignee_id: agent.id, tags: ['one', 'two'], priority: 'high' })
    const { audit } = res.body
    expect(audit).toMatchObject({ ticket_id: t.id, author_id: zd.admin.id })
    expect(audit.events[0]).toMatchObject({
      type: 'Comment',
      body: 'On it <now>',
      html_body: '<div class="zd-comment" dir="auto">On it &lt;now&gt;</div>',
      public: false,
      author_id: zd.admin.id,
    })
    expect(audit.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Change', field_name: 'status', value: 'open', previous_value: 'new' }),
        expect.objectContaining({ type: 'Change', field_name: 'assignee_id', value: String(agent.id), previous_value: null }),
        expect.objectContaining({ type: 'Change', field_name: 'tags', value: ['one', 'two'], previous_value: ['one'] }),
      ]),
    )
    const unassigned = await api.put(`/api/v2/tickets/${t.id}.json`, { ticket: { assignee_id: null, remove_tags: ['one'] } })
    expect(unassigned.body.ticket).toMatchObject({ assignee_id: null, tags: ['two'] })
    expect(zd.requests.at(-1)).toMatchObject({ method: 'PUT', userId: zd.admin.id, headers: { authorization: 'Bearer [redacted]' } })
    expect(zd.contractViolations).toEqual([])
  })

  it('lists comments with offset and cursor pagination, both sort orders, and sideloaded authors', async () => {
    const t = await newTicket()
    for (const body of ['two', 'three', 'four']) await api.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: { body } } })
    const all = await api.get(`/api/v2/tickets/${t.id}/comments.json?include=users`)
    expect(all.body.comments.map((c: { body: string }) => c.body)).toEqual(['Help!', 'two', 'three', 'four'])
    expect(all.body).toMatchObject({ count: 4, next_page: null, previous_page: null })
    expect(all.body.users.map((u: { id: number }) => u.id)).toEqual(expect.arrayContaining([zd.admin.id]))
    const desc = await api.get(`/api/v2/tickets/${t.id}/comments?sort_order=desc&per_page=3`)
    expect(desc.body.comments.map((c: { body: string }) => c.body)).toEqual(['four', 'three', 'two'])
    expect(desc.body.next_page).toContain('page=2')

    const first = await api.get(`/api/v2/tickets/${t.id}/comments?page[size]=3`)
    expect(first.body.comments.map((c: { body: string }) => c.body)).toEqual(['Help!', 'two', 'three'])
    expect(first.body.meta.has_more).toBe(true)
    const next = await api.get(new URL(first.body.links.next).pathname + new URL(first.body.links.next).search)
    expect(next.body.comments.map((c: { body: string }) => c.body)).toEqual(['four'])
    expect(next.body.meta.has_more).toBe(false)
    const newest = await api.get(`/api/v2/tickets/${t.id}/comments?page[size]=1&sort=-created_at`)
    expect(newest.body.comments[0].body).toBe('four')
    expect(zd.contractViolations).toEqual([])
  })

  it('moves a new ticket to open on the first agent update; a requester reply reopens pending and solved', async () => {
    const t = await newTicket()
    const agentUpdate = await api.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'Looking' } } })
    expect(agentUpdate.body.ticket.status).toBe('open')
    for (const status of ['pending', 'solved'] as const) {
      zd.agent(zd.admin.id).setStatus(t.id, status, { comment: { body: `Now ${status}` } })
      expect(zd.state.tickets.get(t.id)?.status).toBe(status)
      const reply = zd.endUser(t.requester_id).reply(t.id, { body: 'Still broken' })
      expect(reply).toMatchObject({ public: true, author_id: t.requester_id, via: { channel: 'email' } })
      expect(zd.state.tickets.get(t.id)?.status).toBe('open')
    }
    zd.agent(zd.admin.id).setStatus(t.id, 'hold')
    zd.endUser(t.requester_id).reply(t.id, { body: 'Any news?' })
    expect(zd.state.tickets.get(t.id)?.status).toBe('hold')
  })

  it('refuses any update of a closed ticket with 422 and takes a follow-up for it', async () => {
    const t = await newTicket()
    zd.agent(zd.admin.id).setStatus(t.id, 'closed')
    const res = await api.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'too late' } } })
    expect(res.status).toBe(422)
    expect(res.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { status: [{ description: 'Status: closed prevents ticket update' }] },
    })
    expect(() => zd.agent(zd.admin.id).note(t.id, { body: 'x' })).toThrow(/closed prevents ticket update/)
    const followUp = await newTicket({ via_followup_source_id: t.id })
    expect(zd.state.tickets.get(t.id)?.followup_ids).toEqual([followUp.id])
    expect(zd.contractViolations).toEqual([])
  })

  it('deletes a ticket (204), after which every call naming it answers 404 RecordNotFound and no trigger runs', async () => {
    const t = await newTicket()
    const deliveries = zd.deliveries.length
    const res = await api.delete(`/api/v2/tickets/${t.id}`)
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    for (const answer of [await api.get(`/api/v2/tickets/${t.id}`), await api.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'x' } } })]) {
      expect(answer.status).toBe(404)
      expect(answer.body).toMatchObject({ error: 'RecordNotFound' })
    }
    expect((await api.delete(`/api/v2/tickets/${t.id}`)).status).toBe(404)
    const other = await newTicket()
    zd.agent(zd.admin.id).deleteTicket(other.id)
    expect((await api.get(`/api/v2/tickets/${other.id}/comments`)).status).toBe(404)
    await zd.settled()
    expect(zd.deliveries.length).toBe(deliveries)
    expect(zd.contractViolations).toEqual([])
  })

  it('honours Idempotency-Key on ticket creation', async () => {
    const body = { ticket: { subject: 'Once', comment: { body: 'only once' } } }
    const key = { 'idempotency-key': 'conv-42-create' }
    const first = await api.post('/api/v2/tickets', body, key)
    expect(first.status).toBe(201)
    expect(first.headers.get('x-idempotency-lookup')).toBe('miss')
    const again = await api.post('/api/v2/tickets', body, key)
    expect(again.status).toBe(201)
    expect(again.headers.get('x-idempotency-lookup')).toBe('hit')
    expect(again.body).toEqual(first.body)
    const count = zd.state.tickets.size
    const different = await api.post('/api/v2/tickets', { ticket: { subject: 'Other', comment: { body: 'x' } } }, key)
    expect(different.status).toBe(400)
    expect(different.body.error).toBe('IdempotentRequestError')
    expect(zd.state.tickets.size).toBe(count)
    zd.advanceClock(2 * 60 * 60 + 1)
    const expired = await api.post('/api/v2/tickets', body, key)
    expect(expired.headers.get('x-idempotency-lookup')).toBe('miss')
    expect(expired.body.ticket.id).not.toBe(first.body.ticket.id)
  })
})

describe('contract: uploads and attachments', () => {
  it('uploads files, attaches them to the comment naming the token, and serves them without credentials', async () => {
    const bytes = Buffer.from('%PDF-1.4 emulator test')
    const upload = await fetch(`${zd.url}/api/v2/uploads.json?filename=${encodeURIComponent('report 1.pdf')}`, {
      method: 'POST',
      headers: { authorization: bearer(zd.issueAccessToken()), 'content-type': 'application/binary' },
      body: bytes,
    })
    expect(upload.status).toBe(201)
    const { upload: first } = (await upload.json()) as { upload: { token: string; attachment: { content_type: string; size: number } } }
    expect(first.attachment).toMatchObject({ content_type: 'application/pdf', size: bytes.length })
    const second = await fetch(`${zd.url}/api/v2/uploads?filename=note.txt&token=${first.token}`, {
      method: 'POST',
      headers: { authorization: bearer(zd.issueAccessToken()), 'content-type': 'text/plain' },
      body: 'hello',
    })
    const { upload: both } = (await second.json()) as { upload: { token: string; attachments: unknown[] } }
    expect(both.token).toBe(first.token)
    expect(both.attachments).toHaveLength(2)

    const t = await newTicket()
    const res = await api.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'see files', uploads: [first.token] } } })
    const comment = zd.state.comments.get(t.id)?.at(-1)
    expect(comment?.attachments.map((a) => a.file_name)).toEqual(['report 1.pdf', 'note.txt'])
    expect(res.body.audit.events[0].attachments).toHaveLength(2)
    const download = await fetch(comment?.attachments[0]?.content_url ?? '')
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes)
    const reused = await api.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'again', uploads: [first.token] } } })
    expect(reused.status).toBe(422)
    const shown = await api.get(`/api/v2/attachments/${comment?.attachments[0]?.id}.json`)
    expect(shown.body.attachment).toMatchObject({ file_name: 'report 1.pdf', content_url: comment?.attachments[0]?.content_url })
    const spare = await fetch(`${zd.url}/api/v2/uploads?filename=spare.txt`, { method: 'POST', headers: { authorization: bearer(zd.issueAccessToken()) }, body: 'x' })
    const spareToken = ((await spare.json()) as { upload: { token: string } }).upload.token
    expect((await api.delete(`/api/v2/uploads/${spareToken}.json`)).status).toBe(204)
    expect(zd.state.uploads.has(spareToken)).toBe(false)
    expect(zd.contractViolations).toEqual([])
  })

  it('refuses empty and oversized uploads', async () => {
    const post = (body: Buffer) =>
      fetch(`${zd.url}/api/v2/uploads?filename=x.bin`, { method: 'POST', headers: { authorization: bearer(zd.issueAccessToken()) }, body })
    const empty = await post(Buffer.alloc(0))
    expect(empty.status).toBe(422)
    const huge = await post(Buffer.alloc(50 * 1024 * 1024 + 1))
    expect(huge.status).toBe(413)
    expect(zd.state.attachments.size).toBeGreaterThanOrEqual(0)
    expect(zd.contractViolations).toEqual([])
  })
})

describe('contract: webhooks and triggers endpoints', () => {
  it('creates, lists, shows, patches, replaces and deletes a webhook; shows and resets its signing secret', async () => {
    const created = await api.post('/api/v2/webhooks', {
      webhook: {
        name: 'Botpress HITL',
        endpoint: 'https://hooks.example.com/zendesk',
        http_method: 'POST',
        request_format: 'json',
        status: 'active',
        subscriptions: ['conditional_ticket_events'],
        authentication: { type: 'bearer_token', add_position: 'header', data: { token: 's3cret' } },
      },
    })
    expect(created.status).toBe(201)
    const id: string = created.body.webhook.id
    expect(id).toMatch(/^01[0-9A-HJKMNP-TV-Z]{24}$/)
    expect(created.body.webhook.authentication).toEqual({ type: 'bearer_token', add_position: 'header', data: {} })
    const listed = await api.get('/api/v2/webhooks?filter[name_contains]=hitl')
    expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toEqual([id])
    expect((await api.get('/api/v2/webhooks?filter[name_contains]=nothing')).body.webhooks).toEqual([])
    const secret = await api.get(`/api/v2/webhooks/${id}/signing_secret`)
    expect(secret.body.signing_secret.algorithm).toBe('SHA256')
    const reset = await api.post(`/api/v2/webhooks/${id}/signing_secret`)
    expect(reset.status).toBe(201)
    expect(reset.body.signing_secret.secret).not.toBe(secret.body.signing_secret.secret)
    expect((await api.patch(`/api/v2/webhooks/${id}`, { webhook: { status: 'inactive' } })).status).toBe(204)
    expect((await api.get(`/api/v2/webhooks/${id}`)).body.webhook.status).toBe('inactive')
    const replaced = await api.put(`/api/v2/webhooks/${id}`, {
      webhook: { name: 'Renamed', endpoint: 'https://hooks.example.com/v2', http_method: 'POST', request_format: 'json', status: 'active' },
    })
    expect(replaced.status).toBe(204)
    expect((await api.get(`/api/v2/webhooks/${id}`)).body.webhook).toMatchObject({ name: 'Renamed', endpoint: 'https://hooks.example.com/v2' })
    expect((await api.delete(`/api/v2/webhooks/${id}`)).status).toBe(204)
    const gone = await api.get(`/api/v2/webhooks/${id}`)
    expect(gone.status).toBe(404)
    expect(gone.body.errors[0].code).toBe('WebhookNotFound')
    expect(zd.contractViolations).toEqual([])
  })

  it('checks webhook requests against the contract written from the docs', async () => {
    const res = await api.post('/api/v2/webhooks', { webhook: { name: 'Bad', endpoint: 'not a url', http_method: 'POST', request_format: 'json', status: 'active' } })
    expect(res.status).toBe(400)
    expect(zd.contractViolations).toEqual([expect.objectContaining({ direction: 'request', contract: 'CreateWebhook' })])
  })

  it('creates, lists (active filter), shows, updates and deletes triggers', async () => {
    const hook = await api.post('/api/v2/webhooks', {
      webhook: { name: 'T', endpoint: 'https://hooks.example.com/t', http_method: 'POST', request_format: 'json', status: 'active', subscriptions: ['conditional_ticket_events'] },
    })
    const trigger = {
      title: 'Notify bot',
      active: true,
      conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Change' }], any: [] },
      actions: [{ field: 'notification_webhook', value: [hook.body.webhook.id, '{"id": "{{ticket.id}}"}'] }],
    }
    const created = await api.post('/api/v2/triggers.json', { trigger })
    expect(created.status).toBe(201)
    const id = created.body.trigger.id
    const inactive = await api.post('/api/v2/triggers', { trigger: { ...trigger, title: 'Off', active: false } })
    const active = await api.get('/api/v2/triggers?active=true')
    expect(active.body.triggers.map((t: { id: number }) => t.id)).toContain(id)
    expect(active.body.triggers.map((t: { id: number }) => t.id)).not.toContain(inactive.body.trigger.id)
    const updated = await api.put(`/api/v2/triggers/${id}`, { trigger: { ...trigger, title: 'Renamed' } })
    expect(updated.body.trigger.title).toBe('Renamed')
    expect((await api.get(`/api/v2/triggers/${id}`)).body.trigger.title).toBe('Renamed')
    const unsupported = await api.post('/api/v2/triggers', { trigger: { ...trigger, conditions: { all: [{ field: 'satisfaction_score', operator: 'is', value: 'good' }] } } })
    expect(unsupported.status).toBe(422)
    expect((await api.delete(`/api/v2/triggers/destroy_many?ids=${id},${inactive.body.trigger.id}`)).status).toBe(204)
    expect((await api.get(`/api/v2/triggers/${id}`)).status).toBe(404)
    expect(zd.contractViolations).toEqual([])
  })
})

describe('authentication and authorization', () => {
  it('answers 401 without credentials or with unknown ones, and accepts the legacy API token', async () => {
    const none = await fetch(`${zd.url}/api/v2/users/me.json`)
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({ error: "Couldn't authenticate you" })
    const wrongBasic = apiClient(zd.url, `Basic ${Buffer.from('ada@example.com/token:nope').toString('base64')}`)
    expect((await wrongBasic.get('/api/v2/users/me')).status).toBe(401)
    const unknownBearer = await apiClient(zd.url, bearer('nope')).get('/api/v2/users/me')
    expect(unknownBearer.status).toBe(401)
    expect(unknownBearer.body.error).toBe('invalid_token')
    const { email, token } = zd.createApiToken()
    const basic = apiClient(zd.url, `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`)
    expect((await basic.get('/api/v2/users/me')).body.user.id).toBe(zd.admin.id)
    expect(zd.contractViolations).toEqual([])
  })

  it('refuses writes to a read-only token and webhooks/triggers to agents who are not admins (403)', async () => {
    const readOnly = apiClient(zd.url, bearer(zd.issueAccessToken({ scopes: ['read'] })))
    expect((await readOnly.get('/api/v2/users/me')).status).toBe(200)
    const write = await readOnly.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } })
    expect(write.status).toBe(403)
    expect(write.body.error).toBe('Forbidden')
    const ticketsOnly = apiClient(zd.url, bearer(zd.issueAccessToken({ scopes: ['tickets:write', 'read'] })))
    expect((await ticketsOnly.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } })).status).toBe(201)
    expect((await ticketsOnly.post('/api/v2/users/create_or_update', { user: { name: 'n', email: 'n@example.com' } })).status).toBe(403)
    const agent = zd.createAgent({ name: 'Plain Agent', email: 'plain@example.com' })
    const asAgent = apiClient(zd.url, bearer(zd.issueAccessToken({ userId: agent.id })))
    expect((await asAgent.get('/api/v2/webhooks')).status).toBe(403)
    expect((await asAgent.get('/api/v2/triggers')).status).toBe(403)
    expect((await asAgent.get('/api/v2/tickets/show_many?ids=1')).status).toBe(200)
  })

  it('answers unknown paths with InvalidEndpoint', async () => {
    const res = await api.get('/api/v2/nothing/here')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: 'InvalidEndpoint', description: 'Not found' })
  })
})

describe('rate limits and injected faults', () => {
  it('sends Zendesk rate-limit headers on every answer', async () => {
    for (const res of [await api.get('/api/v2/users/me'), await api.get('/api/v2/nothing')]) {
      expect(res.headers.get('x-rate-limit')).toBe('700')
      expect(Number(res.headers.get('x-rate-limit-remaining'))).toBeLessThan(700)
      expect(res.headers.get('ratelimit-limit')).toBe('700')
      expect(res.headers.get('ratelimit-remaining')).toBe(res.headers.get('x-rate-limit-remaining'))
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0)
    }
    expect((await api.get('/api/v2/tickets')).headers.get('zendesk-ratelimit-tickets-index')).toMatch(/^total=100; remaining=\d+; resets=\d+$/)
  })

  it('answers 429 with Retry-After to the next matching requests only', async () => {
    zd.faults.rateLimit({ count: 2, retryAfterSeconds: 7, path: /\/tickets/, method: 'POST' })
    expect((await api.get('/api/v2/users/me')).status).toBe(200)
    for (let i = 0; i < 2; i++) {
      const res = await api.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } })
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toBe('7')
      expect(res.headers.get('x-rate-limit-remaining')).toBe('0')
      expect(res.body).toEqual({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' })
    }
    expect((await api.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } })).status).toBe(201)
    expect(zd.contractViolations).toEqual([])
  })

  it('answers server errors, after the write when asked, and delays answers', async () => {
    zd.faults.serverError({ count: 1, status: 503, path: /tickets/ })
    const before = zd.state.tickets.size
    const refused = await api.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } })
    expect(refused.status).toBe(503)
    expect(zd.state.tickets.size).toBe(before)
    zd.faults.serverError({ count: 1, status: 504, afterWrite: true })
    const written = await api.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } })
    expect(written.status).toBe(504)
    expect(zd.state.tickets.size).toBe(before + 1)
    zd.faults.delay({ ms: 150, count: 1 })
    let slowAnswered = false
    const slow = api.get('/api/v2/users/me').then(() => (slowAnswered = true))
    await api.get('/api/v2/users/me')
    // The delayed request is still waiting when the next one, not delayed, has its answer.
    expect(slowAnswered).toBe(false)
    await slow
  })

  it('holds an answer, the request already done, until released', async () => {
    const before = zd.state.tickets.size
    const held = zd.faults.hold({ method: 'POST', path: /\/tickets/ })
    let answered = false
    const creation = api.post('/api/v2/tickets', { ticket: { comment: { body: 'held' } } }).then((r) => ((answered = true), r))
    await held.reached
    expect(zd.state.tickets.size).toBe(before + 1)
    expect((await api.get('/api/v2/users/me')).status).toBe(200)
    expect(answered).toBe(false)
    held.release()
    expect((await creation).status).toBe(201)
  })
})
