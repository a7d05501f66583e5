// Zendesk's rate limits are always on in the emulator (Team plan unless a test says otherwise). Under them no user
// message is refused or lost: each reaches the ticket once, in order, alone while the ticket's update budget
// lasts and combined with its neighbours when it runs low; stopHitl always applies its status.
import { afterEach, describe, expect, it } from 'vitest'
import { onTicket } from '../support/limits'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop | undefined
afterEach(async () => {
  await loop?.close()
  loop = undefined
})


const refusedUpdates = (l: Loop) => l.zendesk.requests.filter((r) => r.method === 'PUT' && r.status === 429)

describe('a user typing fast', () => {
  it('40 messages in a burst: none refused, all on the ticket once and in order, and stopHitl still solves it', async () => {
    loop = await startLoop()
    const session = await loop.plugin.escalate()
    const texts = Array.from({ length: 40 }, (_, n) => `burst ${n + 1}`)
    for (const text of texts) {
      expect((await loop.plugin.userSays(session, text)).status).toBe(200)
      loop.zendesk.advanceClock(1)
    }
    // The first ones went alone; the rest wait for the budget, combined.
    expect(onTicket(loop, session.ticketId).slice(0, 10)).toEqual(texts.slice(0, 10))
    expect(loop.cloud.logs.some((line) => /Held back \d+ message\(s\)/.test(line))).toBe(true)
    expect(await loop.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(onTicket(loop, session.ticketId)).toEqual(texts)
    expect(loop.zendesk.state.tickets.get(session.ticketId)!.status).toBe('solved')
    // Every held message went in one update with the status.
    const comments = loop.plugin.comments(session)
    expect(comments.length).toBeLessThan(texts.length)
    expect(loop.zendesk.state.users.get(comments.at(-1)!.author_id)!.external_id).toBe(session.userId)
    expect(refusedUpdates(loop)).toEqual([])
    expect(loop.zendesk.contractViolations).toEqual([])
    expect(loop.botpress.contractViolations).toEqual([])
  }, 120_000)

  it('one message every five seconds for 12 minutes: each on the ticket within a minute, none refused', async () => {
    loop = await startLoop()
    const session = await loop.plugin.escalate()
    const sent: { text: string; at: number }[] = []
    for (let second = 0; second < 12 * 60; second += 5) {
      const text = `tick ${second}`
      expect((await loop.plugin.userSays(session, text)).status).toBe(200)
      sent.push({ text, at: second })
      // What was sent a minute ago or more is on the ticket by now, in order.
      const due = sent.filter((m) => m.at <= second - 60).map((m) => m.text)
      expect(onTicket(loop, session.ticketId).slice(0, due.length)).toEqual(due)
      loop.zendesk.advanceClock(5)
    }
    expect(await loop.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(onTicket(loop, session.ticketId)).toEqual(sent.map((m) => m.text))
    // 144 messages in far fewer updates, and never one Zendesk refused.
    expect(loop.plugin.comments(session).length).toBeLessThan(60)
    expect(refusedUpdates(loop)).toEqual([])
  }, 240_000)
})

describe("the account's limits, shared with the agents", () => {
  it('12 sessions at once cross the Update Ticket account limit while agents work: nothing refused or lost', async () => {
    loop = await startLoop()
    const l = loop
    const agent = l.zendesk.createAgent({ name: 'Grace Hopper', email: 'grace@example.com' })
    const sessions = await Promise.all(Array.from({ length: 12 }, (_, n) => l.plugin.escalate({ name: `User ${n}` })))
    const texts = (n: number) => Array.from({ length: 10 }, (_, k) => `s${n} m${k}`)
    // Agents answer on every ticket meanwhile: their updates count toward the same 100 a minute.
    for (const s of sessions) l.zendesk.agent(agent.id).reply(s.ticketId, { body: 'Looking into it' })
    const answers = await Promise.all(
      sessions.map(async (s, n) => {
        const statuses: number[] = []
        for (const text of texts(n)) statuses.push((await l.plugin.userSays(s, text)).status)
        return statuses
      })
    )
    expect(answers.flat().every((status) => status === 200)).toBe(true)
    // Zendesk did refuse some updates: the account limit was crossed.
    expect(refusedUpdates(l).length).toBeGreaterThan(0)
    await l.zendesk.settled()
    l.zendesk.advanceClock(61)
    await Promise.all(sessions.map((s) => l.cloud.action('stopHitl', { conversationId: s.conversationId })))
    sessions.forEach((s, n) => {
      expect(onTicket(l, s.ticketId).filter((t) => t !== 'Looking into it')).toEqual(texts(n))
      expect(l.zendesk.state.tickets.get(s.ticketId)!.status).toBe('solved')
    })
  }, 240_000)
})
