// Held messages under concurrency and failures (issue 13's attack): Botpress may run invocations of one
// conversation at the same moment, fail half-way, and the agent may end the ticket while messages wait. Each case
// spends the ticket's budget first (ten messages in a row), so that what follows is held.
import { afterEach, describe, expect, it } from 'vitest'
import { onTicket, spentSession } from '../support/limits'
import { startLoop, type Loop, type Session } from '../../emulators/plugin/index'

let loop: Loop | undefined
afterEach(async () => {
  await loop?.close()
  loop = undefined
})

/** Each text, and how many times the ticket shows it. */
const counted = (l: Loop, session: Session, texts: string[]) => Object.fromEntries(texts.map((t) => [t, onTicket(l, session.ticketId).filter((x) => x === t).length]))
const once = (texts: string[]) => Object.fromEntries(texts.map((t) => [t, 1]))

/** The user's messages in the HITL conversation, in the order Botpress created them. */
const botpressOrder = (l: Loop, session: Session, texts: string[]) =>
  l.botpress
    .messagesIn(session.conversationId)
    .filter((m) => m.direction === 'outgoing')
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .map((m) => (m.payload as { text?: string }).text ?? '')
    .filter((t) => texts.includes(t))

const solved = (l: Loop, session: Session) => l.zendesk.state.tickets.get(session.ticketId)!.status

describe('messages held at the same moment', () => {
  it('ten messages at once with the budget spent: every one answered 200, then on the ticket once, in Botpress order', async () => {
    loop = await startLoop()
    const l = loop
    const { session, first } = await spentSession(l)
    const burst = Array.from({ length: 10 }, (_, n) => `together ${n + 1}`)
    const answers = await Promise.all(burst.map((text) => l.plugin.userSays(session, text)))
    expect(answers.map((a) => a.status)).toEqual(burst.map(() => 200))
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(counted(l, session, [...first, ...burst])).toEqual(once([...first, ...burst]))
    expect(onTicket(l, session.ticketId)).toEqual(botpressOrder(l, session, [...first, ...burst]))
    expect(solved(l, session)).toBe('solved')
  }, 60_000)

  it('two conversations holding at once: a webhook for each ticket sends each one\'s held messages', async () => {
    loop = await startLoop()
    const l = loop
    const agent = l.zendesk.createAgent({ name: 'Ada', email: 'ada@example.com' })
    const [a, b] = [await spentSession(l), await spentSession(l)]
    const held = (n: string) => Array.from({ length: 4 }, (_, k) => `${n} held ${k}`)
    await Promise.all([
      ...held('a').map((t) => l.plugin.userSays(a.session, t)),
      ...held('b').map((t) => l.plugin.userSays(b.session, t)),
    ])
    expect(onTicket(l, a.session.ticketId).filter((t) => t.includes('held'))).toEqual([])
    // The budget has room again; the agent's reply is the first invocation about each ticket.
    l.zendesk.advanceClock(120)
    l.zendesk.agent(agent.id).reply(a.session.ticketId, { body: 'Reply A' })
    l.zendesk.agent(agent.id).reply(b.session.ticketId, { body: 'Reply B' })
    await l.zendesk.settled()
    expect(counted(l, a.session, held('a'))).toEqual(once(held('a')))
    expect(counted(l, b.session, held('b'))).toEqual(once(held('b')))
  }, 60_000)
})

describe('held messages and the end of the session', () => {
  it('stopHitl racing held messages: none lost, none twice, and the ticket solved', async () => {
    loop = await startLoop()
    const l = loop
    const { session, first } = await spentSession(l)
    const racing = Array.from({ length: 5 }, (_, n) => `racing ${n + 1}`)
    const [answers] = await Promise.all([
      Promise.all(racing.map((text) => l.plugin.userSays(session, text))),
      l.cloud.action('stopHitl', { conversationId: session.conversationId }),
    ])
    expect(answers.map((a) => a.status)).toEqual(racing.map(() => 200))
    // A message held after the stop went waits for the next invocation about the ticket: the agent's next action.
    l.zendesk.advanceClock(120)
    l.zendesk.agent(l.zendesk.createAgent({ name: 'Bo', email: 'bo@example.com' }).id).reply(session.ticketId, { body: 'checking' })
    await l.zendesk.settled()
    expect(counted(l, session, [...first, ...racing])).toEqual(once([...first, ...racing]))
    expect(solved(l, session)).toBe('solved')
  }, 60_000)

  it('"/end" typed while messages are held: each held message once, before the plugin\'s notice', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    const held = ['one more', 'and another']
    await Promise.all([...held.map((t) => l.plugin.userSays(session, t)), l.plugin.userWrites(session.chat, 'text', { text: '/end' })])
    await l.plugin.settled()
    expect(counted(l, session, held)).toEqual(once(held))
    expect(solved(l, session)).toBe('solved')
  }, 60_000)

  it('the agent solves the ticket while messages are held: they reach it once and it stays solved', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    const held = ['wait', 'one last thing']
    for (const text of held) expect((await l.plugin.userSays(session, text)).status).toBe(200)
    l.zendesk.advanceClock(120)
    const agent = l.zendesk.createAgent({ name: 'Cy', email: 'cy@example.com' })
    l.zendesk.agent(agent.id).setStatus(session.ticketId, 'solved', { comment: { body: 'Solved, bye' } })
    await l.zendesk.settled()
    await l.plugin.settled()
    expect(counted(l, session, held)).toEqual(once(held))
    expect(solved(l, session)).toBe('solved')
  }, 60_000)
})

describe('Botpress failing half-way through held messages', () => {
  it('marking them sent fails after their comment is written: stopHitl succeeds, and no later invocation writes them again', async () => {
    loop = await startLoop()
    const l = loop
    const { session, first } = await spentSession(l)
    const held = ['held a', 'held b', 'held c']
    for (const text of held) expect((await l.plugin.userSays(session, text)).status).toBe(200)
    // Every try fails, the SDK's three retries of each update included, until the stop has answered.
    l.botpress.faults.serverError({ operation: 'updateMessage', count: 1000, status: 500 })
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    l.botpress.faults.clear()
    expect(solved(l, session)).toBe('solved')
    // The next invocations about the conversation find the comment on the ticket instead of writing it again.
    l.zendesk.advanceClock(120)
    l.zendesk.agent(l.zendesk.createAgent({ name: 'Di', email: 'di@example.com' }).id).reply(session.ticketId, { body: 'checking' })
    await l.zendesk.settled()
    await l.cloud.action('stopHitl', { conversationId: session.conversationId })
    expect(counted(l, session, [...first, ...held])).toEqual(once([...first, ...held]))
  }, 60_000)

  it("the outbox's own record answers 500 after it was written: stopHitl succeeds, and nothing is written twice", async () => {
    loop = await startLoop()
    const l = loop
    const { session, first } = await spentSession(l)
    const held = ['held d', 'held e']
    for (const text of held) expect((await l.plugin.userSays(session, text)).status).toBe(200)
    l.botpress.faults.serverError({ operation: 'setState', path: /\/outbox$/, count: 1, status: 500, afterWrite: true })
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    l.zendesk.advanceClock(120)
    l.zendesk.agent(l.zendesk.createAgent({ name: 'Ed', email: 'ed@example.com' }).id).reply(session.ticketId, { body: 'checking' })
    await l.zendesk.settled()
    expect(counted(l, session, [...first, ...held])).toEqual(once([...first, ...held]))
    expect(solved(l, session)).toBe('solved')
  }, 60_000)

  it('a one-off Botpress failure on the outbox claim: stopHitl still applies its status and sends what is held', async () => {
    loop = await startLoop()
    const l = loop
    const { session } = await spentSession(l)
    const held = ['x', 'y']
    for (const text of held) expect((await l.plugin.userSays(session, text)).status).toBe(200)
    l.botpress.faults.serverError({ operation: 'setState', path: /\/outbox$/, count: 1, status: 500 })
    expect(await l.cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(counted(l, session, held)).toEqual(once(held))
    expect(solved(l, session)).toBe('solved')
  }, 60_000)
})
