// The actions beside HITL, through the built bundle as Botpress Cloud invokes it, against the Zendesk emulator that
// checks every request and answer against Zendesk's OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvocationError } from '../../emulators/cloud'
import { startLoop, type Loop } from '../../emulators/plugin/index'
import { setupOf } from './webhooks'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(async () => {
  await loop?.close()
})

const action = <T = any>(type: string, input: unknown) => loop.cloud.action<T>(type, input)
/** The message of the error the action answered with, as a bot builder reads it in Botpress. */
const refusal = async (type: string, input: unknown): Promise<{ status: number; message: string }> => {
  try {
    await action(type, input)
  } catch (thrown) {
    if (thrown instanceof InvocationError) return { status: thrown.status, message: String(thrown.json?.message ?? thrown.body) }
    throw thrown
  }
  throw new Error(`${type} succeeded`)
}

async function allPages<T>(type: string, input: Record<string, unknown>, key: string): Promise<{ pages: T[][] }> {
  const pages: T[][] = []
  let cursor: string | undefined
  do {
    const out = await action(type, { ...input, ...(cursor ? { cursor } : {}) })
    pages.push(out[key])
    cursor = out.nextCursor
  } while (cursor && pages.length < 20)
  return { pages }
}

describe('createTicket and getTicket', () => {
  it('opens a ticket requested by the email given, and reads it back typed', async () => {
    const { ticket } = await action('createTicket', {
      subject: 'Invoice copy',
      comment: 'Please send me the invoice of March',
      requesterName: 'Ivy Invoice',
      requesterEmail: 'ivy@customer.test',
      priority: 'high',
      type: 'question',
      tags: ['Billing'],
    })
    const stored = loop.zendesk.state.tickets.get(ticket.id)!
    const requester = loop.zendesk.state.users.get(stored.requester_id)!
    expect(requester).toMatchObject({ name: 'Ivy Invoice', email: 'ivy@customer.test', role: 'end-user' })
    expect(ticket).toMatchObject({
      subject: 'Invoice copy',
      description: 'Please send me the invoice of March',
      status: 'new',
      priority: 'high',
      type: 'question',
      requesterId: requester.id,
      assigneeId: null,
      tags: ['billing'],
      url: `${loop.zendesk.url}/agent/tickets/${ticket.id}`,
      via: { channel: 'api' },
    })
    const read = await action('getTicket', { ticketId: String(ticket.id) })
    expect(read.ticket).toEqual(ticket)
  })

  it('a ticket that does not exist is an error saying so and what to check', async () => {
    const { status, message } = await refusal('getTicket', { ticketId: '987654321' })
    expect(status).toBe(400)
    expect(message).toBe("Zendesk has no ticket 987654321: check the ticket ID (the number in the ticket's address); a deleted ticket cannot be read.")
  })

  it.each(['ticket-12', '99999999999999999999999', '0', '000'])('an ID that is not a Zendesk number (%s) is refused naming the field, before any Zendesk call', async (ticketId) => {
    const before = loop.zendesk.requests.length
    const { status, message } = await refusal('getTicket', { ticketId })
    expect(status).toBe(400)
    expect(message).toContain('ticketId')
    expect(loop.zendesk.requests.length).toBe(before)
  })

  it('an invalid requester email is refused naming the field', async () => {
    const { message } = await refusal('createTicket', { subject: 's', comment: 'c', requesterName: 'N', requesterEmail: 'not-an-email' })
    expect(message).toContain('requesterEmail')
  })
})

describe('closeTicket', () => {
  it('closes a ticket with a last public comment authored by the bot', async () => {
    const { ticket } = await action('createTicket', { subject: 'Close me', comment: 'x', requesterName: 'C', requesterEmail: 'c@customer.test' })
    const out = await action('closeTicket', { ticketId: String(ticket.id), comment: 'We are closing this request.' })
    expect(out.ticket).toMatchObject({ id: ticket.id, status: 'closed' })
    expect(loop.zendesk.state.tickets.get(ticket.id)!.status).toBe('closed')
    const last = loop.zendesk.state.comments.get(ticket.id)!.at(-1)!
    const bot = loop.zendesk.state.users.get(last.author_id)!
    expect(last).toMatchObject({ public: true, body: 'We are closing this request.' })
    expect(bot).toMatchObject({ name: 'Botpress', role: 'end-user' })
  })

  it('closing a closed ticket again is done, but a comment on it is refused rather than lost', async () => {
    const { ticket } = await action('createTicket', { subject: 'Twice', comment: 'x', requesterName: 'T', requesterEmail: 't@customer.test' })
    await action('closeTicket', { ticketId: String(ticket.id) })
    expect((await action('closeTicket', { ticketId: String(ticket.id) })).ticket.status).toBe('closed')
    const { message } = await refusal('closeTicket', { ticketId: String(ticket.id), comment: 'one more thing' })
    expect(message).toBe(`Zendesk ticket ${ticket.id} is closed already and takes no more comments: leave the closing comment empty.`)
  })

  it('losing a race to close the ticket with a comment is the same refusal as coming second', async () => {
    const { ticket } = await action('createTicket', { subject: 'Race', comment: 'x', requesterName: 'R', requesterEmail: 'r@customer.test' })
    // The loser's read is answered before the winner closes the ticket, so it sends its update to a closed ticket.
    const held = loop.zendesk.faults.hold({ method: 'GET', path: new RegExp(`/tickets/${ticket.id}(\\.json)?$`) })
    const loser = refusal('closeTicket', { ticketId: String(ticket.id), comment: 'Closing from the second flow' })
    await held.reached
    await action('closeTicket', { ticketId: String(ticket.id), comment: 'Closing from the first flow' })
    held.release()
    expect((await loser).message).toBe(`Zendesk ticket ${ticket.id} is closed already and takes no more comments: leave the closing comment empty.`)
    expect(loop.zendesk.state.comments.get(ticket.id)!.map((c) => c.body)).not.toContain('Closing from the second flow')
  })

  it('a ticket that does not exist is an error saying so', async () => {
    const { message } = await refusal('closeTicket', { ticketId: '987654322' })
    expect(message).toContain('Zendesk has no ticket 987654322: check the ticket ID')
  })
})

describe('findCustomer', () => {
  it('finds users by part of their name or email, page after page until the last', async () => {
    // End users Zendesk knows by email, linked to chat users (createUser no longer sets a typed address).
    for (let i = 1; i <= 5; i++) {
      const user = loop.zendesk.createAgent({ name: `Quincy Query ${i}`, email: `quincy${i}@customer.test`, role: 'end-user' as never })
      user.external_id = `user_quincy_${i}`
    }
    const { pages } = await allPages<{ name: string; email: string; role: string }>('findCustomer', { query: 'quincy', pageSize: 2 }, 'customers')
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1])
    const found = pages.flat()
    expect(found.map((c) => c.email).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `quincy${i}@customer.test`))
    expect(found[0]).toMatchObject({ role: 'end-user', phone: null, userFields: {} })
    expect(typeof (found[0] as unknown as { externalId: string }).externalId).toBe('string')
  })

  it.each([
    ['their role', 'role:admin'],
    ['an admin\'s name', 'Adam Admin'],
    ['an agent\'s email', 'email:agnes@acme.test'],
    ['a role term that widens the search', 'role:agent role:end-user'],
  ])('finds end users only, never an agent or admin, by %s', async (_what, query) => {
    loop.zendesk.createAgent({ name: 'Adam Admin', email: 'adam@acme.test', role: 'admin' })
    loop.zendesk.createAgent({ name: 'Agnes Agent', email: 'agnes@acme.test' })
    const { customers } = await action('findCustomer', { query })
    expect(customers.filter((c: { role: string }) => c.role !== 'end-user')).toEqual([])
  })

  it('no match is an empty list with no next page', async () => {
    expect(await action('findCustomer', { query: 'nobody-has-this-name' })).toEqual({ customers: [] })
  })

  it('a cursor it did not give is an error saying what to pass', async () => {
    const { message } = await refusal('findCustomer', { query: 'quincy', cursor: 'abc' })
    expect(message).toContain('is not one findCustomer returned')
  })
})

describe('listAgents', () => {
  it('lists every agent and admin, never an end user, a page at a time', async () => {
    for (let i = 1; i <= 4; i++) loop.zendesk.createAgent({ name: `Agent ${i}`, email: `agent${i}@acme.test` })
    const { pages } = await allPages<{ id: number; role: string }>('listAgents', { pageSize: 2 }, 'agents')
    const agents = pages.flat()
    const expected = [...loop.zendesk.state.users.values()].filter((u) => u.role !== 'end-user').map((u) => u.id)
    expect(pages.length).toBe(Math.ceil(expected.length / 2))
    expect(agents.map((a) => a.id).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b))
    expect(agents.every((a) => a.role === 'agent' || a.role === 'admin')).toBe(true)
  })

  it('a cursor it did not give is an error saying what to pass', async () => {
    const { message } = await refusal('listAgents', { cursor: 'not-a-cursor' })
    expect(message).toBe('Cursor "not-a-cursor" is not one listAgents returned: pass its nextCursor, or nothing for the first page.')
  })

  it('isOnline keeps the agents whose availability field is "online"', async () => {
    const online = loop.zendesk.createAgent({ name: 'Olive Online', email: 'olive@acme.test' })
    online.user_fields = { availability: 'online' }
    const { agents } = await action('listAgents', { isOnline: true })
    expect(agents.map((a: { id: number }) => a.id)).toEqual([online.id])
  })
})

describe('callApi', () => {
  it('reaches the configured Zendesk API with any method and a JSON body, and answers status, rate-limit headers and body', async () => {
    const { ticket } = await action('createTicket', { subject: 'Via API', comment: 'x', requesterName: 'A', requesterEmail: 'a@customer.test' })
    const put = await action('callApi', { method: 'PUT', path: `tickets/${ticket.id}.json`, requestBody: JSON.stringify({ ticket: { status: 'open' } }) })
    expect(put.status).toBe(200)
    expect(put.data.ticket).toMatchObject({ id: ticket.id, status: 'open' })
    const get = await action('callApi', { method: 'GET', path: `/api/v2/tickets/${ticket.id}.json` })
    expect(get.data.ticket.status).toBe('open')
    expect(get.headers).toMatchObject({ 'x-rate-limit': expect.any(String), 'x-rate-limit-remaining': expect.any(String) })
    expect(get.headers['content-type']).toContain('application/json')
    expect(Object.keys(get.headers).every((h) => /^(x-rate-limit|ratelimit-|zendesk-ratelimit-|retry-after|content-type|location|x-zendesk-api-warn)/.test(h))).toBe(true)
  })

  it('passes query parameters and answers Zendesk\'s own error status and body rather than failing', async () => {
    const page = await action('callApi', { method: 'GET', path: 'users.json', params: JSON.stringify({ 'page[size]': 1, role: 'admin' }) })
    expect(page.data.users).toHaveLength(1)
    expect(page.data.meta).toMatchObject({ has_more: expect.any(Boolean) })
    const missing = await action('callApi', { method: 'GET', path: 'tickets/987654323.json' })
    expect(missing).toMatchObject({ status: 404, data: { error: 'RecordNotFound' } })
  })

  it('waits out a 429 as every other call does', async () => {
    loop.zendesk.faults.rateLimit({ count: 1, retryAfterSeconds: 0, path: /\/api\/v2\/groups/ })
    const before = loop.zendesk.requests.length
    const out = await action('callApi', { method: 'GET', path: 'groups.json' })
    const sent = loop.zendesk.requests.slice(before).filter((r) => r.path.startsWith('/api/v2/groups'))
    expect(sent.map((r) => r.status)).toEqual([429, out.status])
  })

  it.each([
    ['an absolute URL', 'https://evil.test/api/v2/tickets.json'],
    ['another host, scheme-relative', '//other.zendesk.com/api/v2/tickets.json'],
    ['another Zendesk', 'https://other.zendesk.com/api/v2/users.json'],
    ['a way up with ..', '../../oauth/tokens'],
    ['a way up inside the path', 'tickets/../../../oauth/clients'],
    ['an encoded way up', 'tickets/%2e%2e/%2e%2e/oauth/tokens'],
    ['an encoded slash', '..%2f..%2foauth%2ftokens'],
    ['a double encoding', '%252e%252e/oauth'],
    ['a backslash', '..\\..\\oauth\\tokens'],
    ['a query smuggled in the path', 'users.json?role=admin'],
  ])('refuses %s, and sends nothing', async (_what, path) => {
    const before = loop.zendesk.requests.length
    const { status, message } = await refusal('callApi', { method: 'GET', path })
    expect(status).toBe(400)
    expect(message).toMatch(/^callApi reaches only the connected Zendesk's \/api\/v2: /)
    expect(loop.zendesk.requests.length).toBe(before)
  })

  it.each([
    ['GET', 'its signing secret', (id: string) => `webhooks/${id}/signing_secret`],
    ['POST', 'a rotation of its signing secret', (id: string) => `webhooks/${id}/signing_secret`],
    ['GET', 'another webhook\'s signing secret', () => 'webhooks/01OTHERWEBHOOK/signing_secret.json'],
    ['DELETE', 'the webhook', (id: string) => `webhooks/${id}`],
    ['PATCH', 'the webhook, in lower case under /api/v2', (id: string) => `/api/v2/webhooks/${id.toLowerCase()}.json`],
    ['GET', 'a sub-path of the webhook', (id: string) => `webhooks/${id}/invocations`],
  ])('refuses %s of %s (the integration\'s own webhook or a signing secret), and sends nothing', async (method, _what, path) => {
    const { webhookId } = setupOf(loop)
    const before = loop.zendesk.requests.length
    const { status, message } = await refusal('callApi', { method, path: path(webhookId), ...(method === 'PATCH' ? { requestBody: '{"webhook":{"status":"inactive"}}' } : {}) })
    expect(status).toBe(400)
    expect(message).toMatch(/^callApi does not touch the integration's own Zendesk machinery: (a webhook's signing secret|webhook \S+ delivers Zendesk's events)/)
    expect(loop.zendesk.requests.length).toBe(before)
    expect(loop.zendesk.state.webhooks.get(webhookId)?.status).toBe('active')
  })

  it('refuses to change or delete the integration\'s own triggers, one at a time or in bulk, yet reads them', async () => {
    const { triggerIds } = setupOf(loop) as unknown as { triggerIds: number[] }
    const [first] = triggerIds
    expect(first).toBeDefined()
    const before = loop.zendesk.requests.length
    for (const call of [
      { method: 'DELETE', path: `triggers/${first}.json` },
      { method: 'PUT', path: `triggers/${first}`, requestBody: '{"trigger":{"active":false}}' },
      { method: 'DELETE', path: 'triggers/destroy_many.json', params: JSON.stringify({ ids: `999,${first}` }) },
      { method: 'PUT', path: 'triggers/update_many.json', requestBody: JSON.stringify({ triggers: [{ id: first, active: false }] }) },
    ]) {
      expect((await refusal('callApi', call)).message).toMatch(`trigger ${first} is one this integration created`)
    }
    expect(loop.zendesk.requests.length).toBe(before)
    expect((await action('callApi', { method: 'GET', path: `triggers/${first}.json` })).data.trigger.active).toBe(true)
  })

  it.each([
    ['a value beyond ASCII', '{"X-A": "日本"}', 'X-A'],
    ['a control character in a value', '{"X-B": "a\\u0007b"}', 'X-B'],
    ['a name fetch forbids', '{"Keep-Alive": "timeout=5"}', 'Keep-Alive'],
    ['Expect', '{"Expect": "100-continue"}', 'Expect'],
    ['Connection', '{"Connection": "close"}', 'Connection'],
    ['Transfer-Encoding', '{"Transfer-Encoding": "chunked"}', 'Transfer-Encoding'],
    ['Host', '{"Host": "other.test"}', 'Host'],
    ['Content-Length', '{"Content-Length": "5"}', 'Content-Length'],
  ])('refuses a header with %s before sending, naming it', async (_what, headers, name) => {
    const before = loop.zendesk.requests.length
    const { status, message } = await refusal('callApi', { method: 'GET', path: 'users/me.json', headers })
    expect(status).toBe(400)
    expect(message).toContain(name)
    expect(message).not.toContain('network error')
    expect(loop.zendesk.requests.length).toBe(before)
  })

  it.each([
    ['"tickets:1"', 'tickets:1', 'has a colon in its first segment'],
    ['"/api/v2" alone', '/api/v2', 'is not a path under /api/v2'],
    ['of 400 KB', 'tickets/' + 'a'.repeat(400_000), 'more than 2000'],
  ])('refuses the path %s saying what is wrong, and sends nothing', async (_what, path, reason) => {
    const before = loop.zendesk.requests.length
    const { message } = await refusal('callApi', { method: 'GET', path })
    expect(message).toContain(reason)
    expect(loop.zendesk.requests.length).toBe(before)
  })

  it('refuses to set the credentials header, and a body that is not JSON, naming what to fix', async () => {
    expect((await refusal('callApi', { method: 'GET', path: 'users/me.json', headers: '{"Authorization": "Bearer x"}' })).message).toBe(
      'callApi sets Authorization itself: remove it from headers.'
    )
    expect((await refusal('callApi', { method: 'POST', path: 'tickets.json', requestBody: '{ticket:' })).message).toContain('requestBody is not JSON')
    expect((await refusal('callApi', { method: 'POST', path: 'tickets.json', requestBody: '"text"' })).message).toContain('requestBody must be a JSON object')
    expect((await refusal('callApi', { method: 'GET', path: 'users/me.json', headers: '{"X-A": "x\\r\\nHost: evil"}' })).message).toContain('a header is a plain name and a one-line value')
  })
})

describe('the ticket entity (Start HITL card)', () => {
  it('chatbotPhotoUrl becomes the photo of the "Botpress" Zendesk user that stands for the bot', async () => {
    await loop.plugin.escalate({ name: 'Photo Fan', hitlSession: { chatbotPhotoUrl: 'https://cdn.acme.test/bot.png' } })
    // The plugin's notices are internal notes of the connected account now; the bot's own end user keeps the photo.
    const bot = [...loop.zendesk.state.users.values()].find((u) => u.name === 'Botpress' && u.role === 'end-user')!
    expect(bot.photo?.content_url).toBe('https://cdn.acme.test/bot.png')
  })

  it('a photo address that is not a URL is refused naming the field', async () => {
    const { userId } = await loop.plugin.createUser({ name: 'No Photo' })
    const { message } = await refusal('startHitl', { userId, messageHistory: [], hitlSession: { chatbotPhotoUrl: 'bot.png' } })
    expect(message).toContain('chatbotPhotoUrl')
  })
})

describe('every Zendesk request the actions made', () => {
  it('matches Zendesk\'s OpenAPI document', () => {
    expect(loop.zendesk.contractViolations).toEqual([])
  })
})
