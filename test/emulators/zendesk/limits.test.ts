// Zendesk's rate limits, always on, on the emulator's clock: the Update Ticket limits (per user per ticket, per
// account, agents' interface updates included) and the plan's limit, with Zendesk's 429 and headers.
import { afterEach, describe, expect, it } from 'vitest'
import { startZendeskEmulator, type Plan, type ZendeskEmulator } from '../../../emulators/zendesk/index.js'
import { apiClient, bearer } from './test-support.js'

let zd: ZendeskEmulator | undefined
afterEach(() => zd?.close())

async function account(plan?: Plan) {
  zd = await startZendeskEmulator(plan ? { plan } : {})
  const api = apiClient(zd.url, bearer(zd.issueAccessToken()))
  const ticket = async () => {
    const res = await api.post('/api/v2/tickets', { ticket: { subject: 'Limits', comment: { body: 'Hi' }, requester: { name: 'Eve', email: `eve${Math.random()}@example.com` } } })
    return res.body.ticket.id as number
  }
  const say = (id: number, body: string) => api.put(`/api/v2/tickets/${id}`, { ticket: { comment: { body, public: true } } })
  return { zd, api, ticket, say }
}

describe('Update Ticket: 30 updates per 10 minutes per user per ticket', () => {
  it('refuses the 31st update of a ticket with Zendesk text/html 429 and the wait until a slot frees', async () => {
    const { zd, ticket, say } = await account('enterprise')
    const id = await ticket()
    for (let n = 1; n <= 30; n++) {
      expect((await say(id, `m${n}`)).status).toBe(200)
      zd.advanceClock(10)
    }
    const refused = await say(id, 'm31')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/)
    expect(refused.body).toBe('Rate limit for ticket updates exceeded, please wait before updating this ticket again')
    // The first update was 300 s ago on the emulator's clock (a little more, as it also runs with the wall's): it
    // leaves the 10-minute window in about 300 s.
    const wait = Number(refused.headers.get('retry-after'))
    expect(wait).toBeGreaterThan(240)
    expect(wait).toBeLessThanOrEqual(300)
    // Another ticket of the same user is not affected.
    expect((await say(await ticket(), 'elsewhere')).status).toBe(200)
    zd.advanceClock(wait)
    expect((await say(id, 'm31 again')).status).toBe(200)
    expect(zd.state.comments.get(id)?.map((c) => c.body)).not.toContain('m31')
    expect(zd.contractViolations).toEqual([])
  })
})

describe('Update Ticket: 100 per minute per account, agents included', () => {
  it('counts the agents’ updates in the Zendesk interface toward the account limit', async () => {
    const { zd, ticket, say } = await account('enterprise')
    const ids = await Promise.all(Array.from({ length: 5 }, () => ticket()))
    const agent = zd.createAgent({ name: 'Busy Agent', email: 'busy@example.com' })
    for (let n = 0; n < 40; n++) zd.agent(agent.id).reply(ids[n % 5]!, { body: `agent ${n}` })
    for (let n = 0; n < 60; n++) expect((await say(ids[n % 5]!, `api ${n}`)).status).toBe(200)
    const refused = await say(ids[0]!, 'one too many')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    zd.advanceClock(61)
    expect((await say(ids[0]!, 'next minute')).status).toBe(200)
  })

  it('allows 300 with the High Volume add-on', async () => {
    const { ticket, say } = await account('high-volume')
    const ids = await Promise.all(Array.from({ length: 11 }, () => ticket()))
    for (let n = 0; n < 300; n++) expect((await say(ids[n % 11]!, `api ${n}`)).status).toBe(200)
    expect((await say(ids[0]!, 'one too many')).status).toBe(429)
  })
})

describe("the plan's limit on every API request", () => {
  it.each([
    ['team', undefined, 200],
    ['growth', 'growth', 400],
  ] as const)('%s: its requests a minute, then 429 until the minute ends', async (_, plan, limit) => {
    const { zd, api } = await account(plan)
    // Zendesk counts per clock minute: the test starts at the beginning of one.
    zd.advanceClock(60 - ((Date.now() / 1000) % 60) + 0.5)
    let last = await api.get('/api/v2/users/me')
    expect(last.headers.get('x-rate-limit')).toBe(String(limit))
    expect(last.headers.get('ratelimit-limit')).toBe(String(limit))
    for (let n = 2; n <= limit; n++) last = await api.get('/api/v2/users/me')
    expect(last.status).toBe(200)
    expect(last.headers.get('x-rate-limit-remaining')).toBe('0')
    expect(last.headers.get('ratelimit-remaining')).toBe('0')
    const refused = await api.get('/api/v2/users/me')
    expect(refused.status).toBe(429)
    expect(refused.body).toEqual({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' })
    const wait = Number(refused.headers.get('retry-after'))
    expect(Math.abs(wait - Number(refused.headers.get('ratelimit-reset')))).toBeLessThanOrEqual(1)
    zd.advanceClock(wait)
    expect((await api.get('/api/v2/users/me')).status).toBe(200)
    expect(zd.contractViolations).toEqual([])
  })

  it.each([
    ['enterprise', 700],
    ['high-volume', 2500],
  ] as const)('%s announces %i a minute', async (plan, limit) => {
    const { api } = await account(plan)
    expect((await api.get('/api/v2/users/me')).headers.get('x-rate-limit')).toBe(String(limit))
  })

  it("dates every answer on the emulator's clock", async () => {
    const { zd, api } = await account()
    zd.advanceClock(3600)
    const date = Date.parse((await api.get('/api/v2/users/me')).headers.get('date') ?? '')
    expect(Math.abs(date - (Date.now() + 3600_000))).toBeLessThan(5_000)
  })
})
