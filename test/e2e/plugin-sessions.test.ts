// What the real hitl plugin's timing does to a session, through the built bundle: an assignment made before the
// plugin's session is active, the plugin's own notices, and its separate runs overlapping (a double escalation
// while the user types, `/end` racing an agent's reply).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TEXTS, startLoop, type Chat, type Loop } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop({ plugin: { agentAssignedTimeoutSeconds: 120 } })
})
afterAll(async () => {
  await loop?.close()
})

const texts = (chat: Chat) => loop.plugin.userSees(chat).map((m) => m.payload.text)
const joined = (chat: Chat) => texts(chat).filter((t) => t === DEFAULT_TEXTS.onHumanAgentAssignedMessage)
let agents = 0
const newAgent = () => {
  agents++
  return loop.zendesk.createAgent({ name: `Router ${agents}`, email: `router.${agents}@acme.test`, photoUrl: `https://cdn.acme.test/r${agents}.png` })
}

describe('an agent assigned by Zendesk routing before the plugin\'s session is active', () => {
  // Zendesk routing assigns the ticket while startHitl is still running (its last Botpress call held back): the
  // plugin activates the session only after startHitl answers, so an announcement then would be dropped.
  const escalateWhileRouted = async (agentId: number, name: string) => {
    const { plugin, zendesk, botpress } = loop
    botpress.faults.delay({ operation: 'updateConversation', ms: 2000, count: 1 })
    let answered = false
    const escalating = plugin.escalate({ name }).finally(() => {
      answered = true
    })
    const ticket = await botpress.waitFor(() => [...zendesk.state.tickets.values()].find((t) => t.subject === `Conversation with ${name}`))
    zendesk.agent(agentId).assignToMe(ticket.id)
    await zendesk.settled()
    expect(answered, 'the assignment was handled while startHitl ran').toBe(false)
    const session = await escalating
    await plugin.settled()
    return session
  }

  it('is announced once the user writes, so the assignment timeout leaves the agent\'s session alone', async () => {
    const { plugin, zendesk } = loop
    const agent = newAgent()
    const session = await escalateWhileRouted(agent.id, 'Routed Rosa')
    expect((await plugin.userSays(session, 'Hello? Anyone?')).status).toBe(200)
    await plugin.settled()
    await plugin.elapseAssignmentTimeouts()
    await plugin.settled()
    expect(plugin.isActive(session.conversationId)).toBe(true)
    expect(zendesk.state.tickets.get(session.ticketId)!.status).not.toBe('solved')
    expect(joined(session.chat)).toHaveLength(1)
    expect(texts(session.chat)).not.toContain(DEFAULT_TEXTS.onAgentAssignedTimeoutMessage)

    zendesk.agent(agent.id).reply(session.ticketId, { body: 'Rosa, I am here.' })
    await zendesk.settled()
    await plugin.settled()
    expect(joined(session.chat)).toHaveLength(1)
    expect(texts(session.chat).at(-1)).toBe('Rosa, I am here.')
    expect(plugin.errors).toEqual([])
  })

  it('is announced at the latest before the agent\'s first reply, with one "joined"', async () => {
    const { plugin, zendesk } = loop
    const agent = newAgent()
    const session = await escalateWhileRouted(agent.id, 'Quiet Quinn')
    zendesk.agent(agent.id).reply(session.ticketId, { body: 'Quinn, how can I help?' })
    await zendesk.settled()
    await plugin.settled()
    expect(texts(session.chat).slice(-2)).toEqual([DEFAULT_TEXTS.onHumanAgentAssignedMessage, 'Quinn, how can I help?'])
    // The plugin took the reply's author as its agent and said "joined" itself; the held assignment is dropped.
    expect(plugin.events(session, 'hitlAssigned').length).toBeLessThanOrEqual(1)
    // A later message of the user finds nothing held any more: no second announcement.
    await plugin.userSays(session, 'Thanks')
    await plugin.settled()
    expect(joined(session.chat)).toHaveLength(1)
  })
})

describe('the plugin\'s own notices', () => {
  const lastComment = (session: Parameters<Loop['plugin']['comments']>[0]) => loop.plugin.comments(session).at(-1)!

  it('the end-of-session notice of /end is an internal note, never emailed to the requester', async () => {
    const { plugin } = loop
    const session = await plugin.escalate({ name: 'Ending Eve' })
    await plugin.userSays(session, '/end')
    const note = plugin.comments(session).find((c) => c.body === DEFAULT_TEXTS.onUserHitlCancelledMessage)!
    expect(note).toMatchObject({ public: false })
    // End users cannot write internal notes: the note is the connected account's.
    expect(loop.zendesk.state.users.get(note.author_id)).toMatchObject({ role: 'admin' })
  })

  it('the notice before the bot\'s stopHitl card is an internal note', async () => {
    const { plugin } = loop
    const session = await plugin.escalate({ name: 'Carded Cy' })
    await plugin.stopHitl(session.chat)
    expect(lastComment(session)).toMatchObject({ body: DEFAULT_TEXTS.onUserHitlCancelledMessage, public: false })
  })

  it('the assignment timeout\'s notice is an internal note, and the user is told no agent came', async () => {
    const { plugin } = loop
    const session = await plugin.escalate({ name: 'Waiting Wes' })
    await plugin.elapseAssignmentTimeouts()
    expect(lastComment(session)).toMatchObject({ body: DEFAULT_TEXTS.onUserHitlCancelledMessage, public: false })
    expect(texts(session.chat).at(-1)).toBe(DEFAULT_TEXTS.onAgentAssignedTimeoutMessage)
    expect(plugin.isActive(session.conversationId)).toBe(false)
  })

  it('the user\'s own words stay public comments', async () => {
    const { plugin } = loop
    const session = await plugin.escalate({ name: 'Public Pia' })
    await plugin.userSays(session, 'My words')
    expect(lastComment(session)).toMatchObject({ body: 'My words', public: true })
  })
})

describe('the plugin\'s runs overlapping', () => {
  it('a double "talk to a human" while the user keeps typing: what is typed before activation goes to the bot, after it to one ticket, once', async () => {
    const { plugin } = loop
    const chat = plugin.openChat({ name: 'Double Dora' })
    await plugin.userWrites(chat, 'text', { text: 'Talk to a human' })
    const first = plugin.startHitl(chat, { title: 'Help' })
    const typed = plugin.userWrites(chat, 'text', { text: 'Talk to a human' })
    const second = plugin.startHitl(chat, { title: 'Help' })
    const meanwhile = plugin.userWrites(chat, 'text', { text: 'are you there?' })
    const [a, b] = await Promise.all([first, second])
    expect((await typed).handledBy).toBe('bot')
    expect((await meanwhile).handledBy).toBe('bot')
    expect(a).toBeDefined()
    expect(b).toBeDefined()
    // No lock in the plugin: two startHitl, two handoff messages, and the last link wins.
    expect(texts(chat).filter((t) => t === DEFAULT_TEXTS.onHitlHandoffMessage)).toHaveLength(2)
    const turn = await plugin.userWrites(chat, 'text', { text: 'after the escalation' })
    expect(turn).toMatchObject({ handledBy: 'plugin', delivery: { status: 200 } })
    const tickets = new Set([a!.ticketId, b!.ticketId])
    const landed = [...tickets].flatMap((id) => (loop.zendesk.state.comments.get(id) ?? []).filter((c) => c.body === 'after the escalation'))
    expect(landed).toHaveLength(1)
    await plugin.settled()
    expect(plugin.errors).toEqual([])
  })

  it('/end racing an agent\'s reply: the session ends cleanly, and nothing reaches the user after it ended', async () => {
    const { plugin, zendesk } = loop
    const agent = newAgent()
    const session = await plugin.escalate({ name: 'Racing Rae' })
    zendesk.agent(agent.id).assignToMe(session.ticketId)
    await zendesk.settled()
    await plugin.settled()
    const ending = plugin.userSays(session, '/END')
    zendesk.agent(agent.id).reply(session.ticketId, { body: 'One more thing before you go' })
    await ending
    await zendesk.settled()
    await plugin.settled()
    expect(plugin.isActive(session.conversationId)).toBe(false)
    expect(zendesk.state.tickets.get(session.ticketId)!.status).toBe('solved')
    const seen = texts(session.chat)
    const ended = seen.indexOf(DEFAULT_TEXTS.onUserHitlCloseMessage)
    expect(ended).toBeGreaterThan(0)
    expect(seen.slice(ended + 1)).toEqual([])
    expect(plugin.errors).toEqual([])
  })
})
