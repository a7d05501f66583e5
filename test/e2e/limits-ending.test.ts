// Held messages at the end of a session, against what a second attacker tried (issue 13): a stop racing a message,
// a stopped session's ticket merged, an agent reopening after the stop, a deleted ticket under the plugin's stop,
// and a stop status that closes the ticket.
import { afterEach, describe, expect, it } from 'vitest'
import { startZendeskEmulator } from '../../emulators/zendesk'
import { countOn, onTicket, spentSession, status } from '../support/limits'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop | undefined
afterEach(async () => {
  await loop?.close()
  loop = undefined
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))


describe('held messages when the session ends', () => {
  it('a stopped session\'s ticket merged into another live session\'s: the live ticket is left alone', async () => {
    loop = await startLoop()
    const l = loop
    const session = await l.plugin.escalate({ name: 'Ann Lee' })
    const other = await l.plugin.escalate({ name: 'Bob Live' })
    expect((await l.plugin.userSays(session, 'hello')).status).toBe(200)
    expect((await l.plugin.userSays(other, 'live hello')).status).toBe(200)
    const ticketPut = new RegExp(`/api/v2/tickets/${session.ticketId}$`)
    l.zendesk.faults.rateLimit({ count: 8, retryAfterSeconds: 1, method: 'PUT', path: ticketPut })
    await l.plugin.stopHitl(session.chat)
    // The stop stays held: Zendesk refused it for longer than an invocation waits.
    l.zendesk.faults.clear()
    l.zendesk.advanceClock(5)
    const agent = l.zendesk.createAgent({ name: 'Mer', email: 'mer@example.com' })
    l.zendesk.agent(agent.id).merge(other.ticketId, { ids: [session.ticketId] } as never)
    await l.zendesk.settled()
    await l.plugin.settled()
    l.zendesk.agent(agent.id).reply(other.ticketId, { body: 'reply for Bob' })
    await l.zendesk.settled()
    await l.plugin.settled()
    const bobGot = l.plugin.toUser(other).map((m) => (m.payload as { text?: string }).text)
    expect(status(l, other.ticketId)).not.toBe('solved')
    // Bob's session goes on: the agent's reply reaches him.
    expect(bobGot).toContain('reply for Bob')
  }, 60_000)

  it('a user message Zendesk writes just after the stop\'s update: the ticket stays solved', async () => {
    loop = await startLoop()
    const l = loop
    const session = await l.plugin.escalate()
    expect((await l.plugin.userSays(session, 'hello')).status).toBe(200)
    l.zendesk.faults.delay({ ms: 2000, count: 1, method: 'PUT', path: new RegExp(`/api/v2/tickets/${session.ticketId}$`) })
    const racing = l.plugin.relay(session, 'text', { text: 'typed as the bot stopped' })
    await sleep(500)
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect((await racing).status).toBe(200)
    await l.zendesk.settled()
    expect(countOn(l, session.ticketId, 'typed as the bot stopped')).toBe(1)
    expect(status(l, session.ticketId)).toBe('solved')
  }, 60_000)

  it('after a stop that left held messages, the agent reopens the ticket and replies: it stays open', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    const long = Array.from({ length: 23 }, (_, n) => String.fromCharCode(65 + n).repeat(40_000))
    for (const t of long) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    l.zendesk.advanceClock(11 * 60)
    const agent = l.zendesk.createAgent({ name: 'Reo', email: 'reo@example.com' })
    l.zendesk.agent(agent.id).setStatus(session.ticketId, 'open', { comment: { body: 'Reopening to follow up with you', public: true } })
    await l.zendesk.settled()
    await l.plugin.settled()
    const present = long.map((t) => onTicket(l, session.ticketId).filter((x) => x === t).length)
    expect(present).toEqual(long.map(() => 1))
    expect(status(l, session.ticketId)).toBe('open')
  }, 120_000)

  it('the ticket deleted while user messages are held: the plugin\'s stop (notice, then stopHitl) does not fail', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    for (const t of ['held 1', 'held 2']) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    l.zendesk.agent(l.zendesk.createAgent({ name: 'Del', email: 'del2@example.com' }).id).deleteTicket(session.ticketId)
    await l.zendesk.settled()
    l.zendesk.advanceClock(120)
    let err: unknown
    await l.plugin.stopHitl(session.chat).catch((e: unknown) => (err = e))
    await l.plugin.settled()
    expect(err).toBeUndefined()
  }, 60_000)

  it('stop status closed: messages racing the stop open at most one follow-up ticket', async () => {
    const zendesk = await startZendeskEmulator({ webhookRetryBackoffMs: 20 })
    loop = await startLoop({ zendesk, configuration: { subdomain: zendesk.url, accessToken: zendesk.issueAccessToken(), stopStatus: 'closed' } })
    const l = loop
    try {
      const session = await l.plugin.escalate()
      expect((await l.plugin.userSays(session, 'hello')).status).toBe(200)
      expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
      const before = new Set(l.zendesk.state.tickets.keys())
      const answers: number[] = []
      for (let k = 0; k < 3; k++) answers.push((await l.plugin.relay(session, 'text', { text: `racing ${k}` })).status)
      const created = [...l.zendesk.state.tickets.values()].filter((t) => !before.has(t.id))
      expect(created.length).toBeLessThanOrEqual(1)
    } finally {
      await zendesk.close()
    }
  }, 60_000)

  it('stop status closed, four long held messages: each reaches the ticket, and no ticket is opened', async () => {
    const zendesk = await startZendeskEmulator({ webhookRetryBackoffMs: 20 })
    loop = await startLoop({ zendesk, configuration: { subdomain: zendesk.url, accessToken: zendesk.issueAccessToken(), stopStatus: 'closed' } })
    const l = loop
    try {
      const session = await l.plugin.escalate()
      for (let n = 0; n < 10; n++) expect((await l.plugin.userSays(session, `alone ${n + 1}`)).status).toBe(200)
      const long = ['a', 'b', 'c', 'd'].map((c) => c.repeat(40_000))
      for (const t of long) expect((await l.plugin.userSays(session, t)).status).toBe(200)
      const before = new Set(l.zendesk.state.tickets.keys())
      const r = await l.cloud.invoke('action_triggered', { type: 'stopHitl', input: { conversationId: session.conversationId } })
      const all = [...l.zendesk.state.comments.values()].flat().flatMap((c) => (c.body ?? '').split('\n\n'))
      const present = long.map((t) => all.filter((x) => x === t).length)
      const created = [...l.zendesk.state.tickets.values()].filter((t) => !before.has(t.id))
      const held = l.botpress.messagesIn(session.conversationId).filter((m) => l.plugin.tagsOf(m as never).zendeskHeld === 'yes').length
      expect(r.status).toBe(200)
      expect(present).toEqual([1, 1, 1, 1])
      expect(created).toEqual([])
      expect(held).toBe(0)
    } finally {
      await zendesk.close()
    }
  }, 60_000)
})
