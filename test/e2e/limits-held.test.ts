// Held messages against what an attacker tried (issue 13): the end of the session, dead claims, tickets deleted,
// closed or merged, agents solving, media, redeliveries and everything at once. Each case spends the ticket's
// budget first (ten messages in a row), so that what follows is held.
import { afterEach, describe, expect, it } from 'vitest'
import { countOn, heldTagged, onTicket, spentSession, status } from '../support/limits'
import { startLoop, startFileServer, PNG, type Loop } from '../../emulators/plugin/index'

let loop: Loop | undefined
afterEach(async () => {
  await loop?.close()
  loop = undefined
})



describe('held messages, attacked', () => {
  it('a message held while the last allowed comment is being written stays flagged, and the stop sends it', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    expect((await l.plugin.userSays(session, 'first held')).status).toBe(200)
    // One update's worth of budget again.
    l.zendesk.advanceClock(40)
    const agent = l.zendesk.createAgent({ name: 'Ray', email: 'ray@example.com' })
    const hold = l.zendesk.faults.hold({ method: 'PUT', path: /\/api\/v2\/tickets\/\d+/, count: 1 })
    // The agent's reply: its delivery sends what is held, and Zendesk is slow to answer that update.
    l.zendesk.agent(agent.id).reply(session.ticketId, { body: 'On it' })
    await hold.reached
    // Meanwhile the user writes again.
    expect((await l.plugin.userSays(session, 'second held')).status).toBe(200)
    hold.release()
    await l.zendesk.settled()
    await l.plugin.settled()
    l.zendesk.advanceClock(120)
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(onTicket(l, session.ticketId).filter((t) => t.endsWith('held'))).toEqual(['first held', 'second held'])
  }, 60_000)

  it('a message relayed right after stopHitl keeps the ticket solved', async () => {
    loop = await startLoop()
    const l = loop
    const session = await l.plugin.escalate()
    expect((await l.plugin.userSays(session, 'hello')).status).toBe(200)
    await l.cloud.action('stopHitl', { conversationId: session.conversationId })
    expect(status(l, session.ticketId)).toBe('solved')
    // The plugin's relay of a message that raced the stop (invoked before the plugin saw the session end).
    expect((await l.plugin.relay(session, 'text', { text: 'racing after stop' })).status).toBe(200)
    expect(countOn(l, session.ticketId, 'racing after stop')).toBe(1)
    expect(status(l, session.ticketId)).toBe('solved')
  }, 60_000)

  it('held messages too long to combine outnumber the stop\'s reserve: the status goes first, then all of them', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    const long = Array.from({ length: 6 }, (_, n) => `${n}`.repeat(40_000))
    for (const t of long) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    const held = heldTagged(l, session).length
    expect(status(l, session.ticketId)).toBe('solved')
    expect(held).toBe(0)
  }, 90_000)

  it('notices between held user messages: each once, in order, and the status applied', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    const seq = ['user A', 'notice 1', 'user B', 'notice 2', 'user C']
    for (const t of seq) {
      const r = t.startsWith('notice') ? await l.plugin.notice(session, t) : await l.plugin.userSays(session, t)
      expect(r.status).toBe(200)
    }
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(onTicket(l, session.ticketId).slice(10)).toEqual(seq)
    expect(status(l, session.ticketId)).toBe('solved')
  }, 60_000)

  it('a claim left by an invocation that died: stopHitl still applies its status', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    for (const t of ['held p', 'held q']) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    // An invocation took the claim and died (the process was killed) a second ago.
    const anyState = [...l.botpress.state.states.values()][0]!
    const key = `conversation/${session.conversationId}/outbox`
    const at = new Date().toISOString()
    l.botpress.state.states.set(key, { ...structuredClone(anyState), id: 'state_dead', createdAt: at, updatedAt: at, name: 'outbox', type: 'conversation', conversationId: session.conversationId, payload: { claim: 'dead', claimedAt: Date.now() - 1000 } } as never)
    l.zendesk.advanceClock(120)
    const r = await l.cloud.invoke('action_triggered', { type: 'stopHitl', input: { conversationId: session.conversationId } })
    expect(r.status).toBe(200)
    expect(status(l, session.ticketId)).toBe('solved')
  }, 60_000)

  it('a claim over a minute old, noting held messages as being written: taken over, each sent once', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    for (const t of ['held r', 'held s']) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    const ids = heldTagged(l, session).map((m) => m.id)
    const anyState = [...l.botpress.state.states.values()][0]!
    const at = new Date().toISOString()
    l.botpress.state.states.set(`conversation/${session.conversationId}/outbox`, { ...structuredClone(anyState), id: 'state_dead2', createdAt: at, updatedAt: at, name: 'outbox', type: 'conversation', conversationId: session.conversationId, payload: { claim: 'dead', claimedAt: Date.now() - 61_000, sending: { ids, at: Date.now() - 61_000 } } } as never)
    l.zendesk.advanceClock(120)
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(onTicket(l, session.ticketId).filter((t) => t.startsWith('held'))).toEqual(['held r', 'held s'])
    expect(status(l, session.ticketId)).toBe('solved')
  }, 60_000)

  it('the ticket deleted while messages are held: stopHitl succeeds', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    for (const t of ['held 1', 'held 2']) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    const agent = l.zendesk.createAgent({ name: 'Del', email: 'del@example.com' })
    l.zendesk.agent(agent.id).deleteTicket(session.ticketId)
    await l.zendesk.settled()
    l.zendesk.advanceClock(120)
    const r = await l.cloud.invoke('action_triggered', { type: 'stopHitl', input: { conversationId: session.conversationId } })
    expect(r.status).toBe(200)
  }, 60_000)

  it('the ticket deleted while messages are held: later messages are refused as for any deleted ticket, the stop is announced once, and nothing is left held', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    expect((await l.plugin.userSays(session, 'held before delete')).status).toBe(200)
    l.zendesk.agent(l.zendesk.createAgent({ name: 'Del', email: 'del@example.com' }).id).deleteTicket(session.ticketId)
    l.zendesk.advanceClock(120)
    const statuses: number[] = []
    for (let k = 0; k < 3; k++) {
      statuses.push((await l.plugin.relay(session, 'text', { text: `after delete ${k}` })).status)
      l.zendesk.advanceClock(60)
    }
    const stopped = l.botpress.eventsOf(`${l.cloud.integrationAlias}:hitlStopped`).filter((e) => (e.payload as { conversationId?: string }).conversationId === session.conversationId).length
    const held = l.botpress.messagesIn(session.conversationId).filter((m) => l.plugin.tagsOf(m as never).zendeskHeld === 'yes').length
    expect(stopped).toBe(1)
    // Each is refused as any message to a deleted ticket is (it reached no agent), and none is left held.
    expect(statuses).toEqual([400, 400, 400])
    expect(held).toBe(0)
  }, 60_000)

  it('the ticket closed while messages are held: they go to a follow-up left in the stop\'s status', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    for (const t of ['held x', 'held y']) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    const agent = l.zendesk.createAgent({ name: 'Clo', email: 'clo@example.com' })
    l.zendesk.agent(agent.id).setStatus(session.ticketId, 'closed')
    await l.zendesk.settled()
    await l.plugin.settled()
    const before = new Set(l.zendesk.state.tickets.keys())
    l.zendesk.advanceClock(120)
    const r = await l.cloud.invoke('action_triggered', { type: 'stopHitl', input: { conversationId: session.conversationId } })
    const created = [...l.zendesk.state.tickets.values()].filter((t) => !before.has(t.id))
    expect(r.status).toBe(200)
    expect(created.filter((t) => t.status !== 'solved' && t.status !== 'closed')).toEqual([])
  }, 60_000)

  it('the ticket merged while messages are held: they reach the merge target', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    for (const t of ['merge held 1', 'merge held 2']) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    const agent = l.zendesk.createAgent({ name: 'Mer', email: 'mer@example.com' })
    const other = await l.plugin.escalate({ name: 'Target' })
    l.zendesk.advanceClock(120)
    const before = new Set(l.zendesk.state.tickets.keys())
    l.zendesk.agent(agent.id).merge(other.ticketId, { ids: [session.ticketId] } as never)
    await l.zendesk.settled()
    await l.plugin.settled()
    const created = [...l.zendesk.state.tickets.values()].filter((t) => !before.has(t.id))
    expect(created).toEqual([])
    expect(countOn(l, other.ticketId, 'merge held 1')).toBe(1)
  }, 60_000)

  it('the agent solves while messages are held and the budget is out: they reach the ticket with the solve', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    for (const t of ['last words 1', 'last words 2']) expect((await l.plugin.userSays(session, t)).status).toBe(200)
    const agent = l.zendesk.createAgent({ name: 'Sol', email: 'sol@example.com' })
    l.zendesk.agent(agent.id).setStatus(session.ticketId, 'solved', { comment: { body: 'Solved, bye' } })
    await l.zendesk.settled()
    await l.plugin.settled()
    // Days later Zendesk closes the solved ticket.
    l.zendesk.advanceClock(4 * 24 * 3600)
    const before = new Set(l.zendesk.state.tickets.keys())
    l.zendesk.agent(agent.id).setStatus(session.ticketId, 'closed')
    await l.zendesk.settled()
    await l.plugin.settled()
    const created = [...l.zendesk.state.tickets.values()].filter((t) => !before.has(t.id))
    expect(created).toEqual([])
    expect(onTicket(l, session.ticketId).filter((t) => t.startsWith('last words'))).toEqual(['last words 1', 'last words 2'])
  }, 60_000)

  it('held images are uploaded once each, however many invocations look at them', async () => {
    loop = await startLoop()
    const l = loop
    const files = await startFileServer({ '/a.png': { type: 'image/png', data: PNG }, '/b.png': { type: 'image/png', data: PNG } })
    try {
      const { session } = await spentSession(l)
      expect((await l.plugin.userSends(session, 'image', { imageUrl: `${files.url}/a.png` })).status).toBe(200)
      expect((await l.plugin.userSends(session, 'image', { imageUrl: `${files.url}/b.png` })).status).toBe(200)
      for (let k = 0; k < 5; k++) {
        l.zendesk.advanceClock(5)
        expect((await l.plugin.userSays(session, `text ${k}`)).status).toBe(200)
      }
      expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
      const uploads = l.zendesk.requests.filter((r) => r.method === 'POST' && r.path.includes('/uploads'))
      const attached = (l.zendesk.state.comments.get(session.ticketId) ?? []).flatMap((c) => c.attachments ?? [])
      expect(attached.length).toBe(2)
      expect(uploads.length).toBe(2)
    } finally {
      await files.close()
    }
  }, 90_000)

  it('Botpress delivers a held message again after it was sent: it is not written twice', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    expect((await l.plugin.userSays(session, 'held then redelivered')).status).toBe(200)
    const message = l.botpress.messagesIn(session.conversationId).filter((m) => m.direction === 'outgoing').at(-1)!
    const original = { ...structuredClone(l.botpress.asSeenByIntegration(message, l.cloud.integrationAlias)), tags: {} }
    const user = l.botpress.asSeenByIntegration(l.botpress.state.users.get(message.userId)!, l.cloud.integrationAlias)
    l.zendesk.advanceClock(300)
    expect((await l.plugin.userSays(session, 'next')).status).toBe(200)
    const conversationNow = l.botpress.asSeenByIntegration(l.botpress.state.conversations.get(session.conversationId)!, l.cloud.integrationAlias)
    const again = await l.cloud.invoke('message_created', { conversation: conversationNow, user, message: original, type: original.type, payload: original.payload })
    expect(again.status).toBe(200)
    l.zendesk.advanceClock(300)
    await l.cloud.action('stopHitl', { conversationId: session.conversationId })
    expect(countOn(l, session.ticketId, 'held then redelivered')).toBe(1)
  }, 60_000)

  it('held burst, stopHitl and an agent reply at once, three rounds: nothing lost or twice', async () => {
    for (let round = 0; round < 3; round++) {
      loop = await startLoop()
      const l = loop
      const { session } = await spentSession(l)
      const agent = l.zendesk.createAgent({ name: 'Chaos', email: `chaos${round}@example.com` })
      l.zendesk.advanceClock(40 + round * 20)
      const burst = Array.from({ length: 8 }, (_, n) => `chaos ${n}`)
      await Promise.all([
        ...burst.map((t) => l.plugin.userSays(session, t)),
        (async () => {
          l.zendesk.agent(agent.id).reply(session.ticketId, { body: 'agent here' })
        })(),
        l.cloud.invoke('action_triggered', { type: 'stopHitl', input: { conversationId: session.conversationId } }),
      ])
      await l.zendesk.settled()
      await l.plugin.settled()
      l.zendesk.advanceClock(300)
      l.zendesk.agent(agent.id).reply(session.ticketId, { body: 'later' })
      await l.zendesk.settled()
      await l.plugin.settled()
      const counts = Object.fromEntries(burst.map((t) => [t, onTicket(l, session.ticketId).filter((x) => x === t).length]))
      await l.close()
      loop = undefined
      expect(Object.values(counts).every((c) => c === 1)).toBe(true)
    }
  }, 200_000)
})
