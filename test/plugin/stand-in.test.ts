// The hitl plugin stand-in (emulators/plugin/hitl-plugin.ts) against what botpress/botpress `plugins/hitl` 1.4.2
// does, one test per statement, so that the player of the plugin's part cannot drift from the real one.
// Through the built bundle and the emulators, as every scenario that uses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TEXTS, startLoop, type Chat, type Loop, type Session } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(async () => {
  await loop?.close()
})

const seen = (chat: Chat) => loop.plugin.userSees(chat)
const texts = (chat: Chat) => seen(chat).map((m) => m.payload.text)
const callsOf = (action: string) => loop.plugin.calls.filter((c) => c.action === action)
let people = 0
const agent = () => {
  people++
  return loop.zendesk.createAgent({ name: `Agent ${people}`, email: `agent.${people}@acme.test`, photoUrl: `https://cdn.acme.test/a${people}.png` })
}
const reply = async (session: Session, agentId: number, body: string) => {
  loop.zendesk.agent(agentId).reply(session.ticketId, { body })
  await loop.zendesk.settled()
  await loop.plugin.settled()
}
/** A message as the integration creates it in the hitl conversation (a type ours never sends, say). */
const fromIntegration = async (session: Session, type: string, payload: Record<string, unknown>) => {
  const author = loop.botpress.createUserAsBot({ name: 'Direct Agent', pictureUrl: 'https://cdn.acme.test/d.png' })
  const message = loop.botpress.createIncomingMessage({ conversationId: session.conversationId, userId: author.id, type, payload })
  await loop.plugin.settled()
  return { author, message }
}

describe('starting a session', () => {
  it('tells the user before calling the integration, and takes nothing back when it throws', async () => {
    const chat = loop.plugin.openChat({ name: 'Refused Ray' })
    await expect(loop.plugin.startHitl(chat, { hitlSession: { groupId: 'not a number' } })).rejects.toMatchObject({ status: 400 })
    expect(texts(chat)).toEqual([DEFAULT_TEXTS.onHitlHandoffMessage])
    expect(loop.plugin.isActive(chat.conversationId)).toBe(false)
  })

  it('links the user with createUser({name, pictureUrl, email}), the fallback address when the channel knows none, and tags both users', async () => {
    const chat = loop.plugin.openChat({ name: 'Linked Lin', pictureUrl: 'https://cdn.test/lin.png' })
    const session = await loop.plugin.escalate({ chat })
    expect(callsOf('createUser').at(-1)!.input).toEqual({
      name: 'Linked Lin',
      pictureUrl: 'https://cdn.test/lin.png',
      email: `${chat.userId}@no-reply.${loop.botpress.botId.replaceAll('_', '-')}.botpress.com`,
    })
    const upstream = loop.botpress.state.users.get(chat.userId)!.tags
    const downstream = loop.botpress.state.users.get(session.userId)!.tags
    expect(upstream).toMatchObject({ 'hitl#downstream': session.userId, 'hitl#integrationName': 'zendesk-hitl', 'hitl#integrationAlias': 'zendesk-hitl' })
    expect(downstream).toMatchObject({ 'hitl#upstream': chat.userId, 'hitl#integrationAlias': 'zendesk-hitl' })
  })

  it('names the user "Unknown User" when the channel knows no name, and uses the email the channel knows', async () => {
    const chat = loop.plugin.openChat({ email: 'nameless@example.com' })
    await loop.plugin.escalate({ chat })
    expect(callsOf('createUser').at(-1)!.input).toEqual({ name: 'Unknown User', email: 'nameless@example.com' })
  })

  it('sends one page of the newest messages as history, oldest first, {source, type, payload} with no ids, any type', async () => {
    const before = Array.from({ length: 24 }, (_, i) => ({ from: i % 2 ? ('bot' as const) : ('user' as const), type: 'text', payload: { text: `line ${i}` } }))
    before.push({ from: 'bot', type: 'carousel', payload: { items: [{ title: 'A card', actions: [] }] } as never })
    const session = await loop.plugin.escalate({ name: 'Paged Pam', before })
    const { messageHistory } = callsOf('startHitl').at(-1)!.input as { messageHistory: Record<string, unknown>[] }
    // The emulator's page is 20 messages: the 25 written and the handoff message, newest 20 of them.
    expect(messageHistory).toHaveLength(20)
    expect(messageHistory[0]).toEqual({ source: { type: 'user', userId: session.userId }, type: 'text', payload: { text: 'line 6' } })
    expect(messageHistory.at(-2)).toMatchObject({ source: { type: 'bot' }, type: 'carousel' })
    expect(messageHistory.at(-1)).toEqual({ source: { type: 'bot' }, type: 'text', payload: { text: DEFAULT_TEXTS.onHitlHandoffMessage } })
    for (const item of messageHistory) expect(Object.keys(item).sort()).toEqual(['payload', 'source', 'type'])
  })

  it('calls startHitl with {title, description, hitlSession, userId, messageHistory} and gets an existing hitl conversation', async () => {
    const session = await loop.plugin.escalate({ name: 'Input Ida', title: 'T', description: 'D', hitlSession: { priority: 'high' } })
    expect(Object.keys(callsOf('startHitl').at(-1)!.input).sort()).toEqual(['description', 'hitlSession', 'messageHistory', 'title', 'userId'])
    expect(loop.botpress.state.conversations.get(session.conversationId)).toMatchObject({ channel: 'hitl', integration: 'zendesk-hitl' })
  })

  it('tags both conversations upstream/downstream and marks the session active after startHitl answers', async () => {
    let activeDuringWindow: boolean | undefined
    loop.plugin.onceBeforeActivation(async (id) => {
      activeDuringWindow = loop.plugin.isActive(id)
    })
    const session = await loop.plugin.escalate({ name: 'Tagged Ted' })
    expect(activeDuringWindow).toBe(false)
    expect(loop.plugin.isActive(session.conversationId)).toBe(true)
    expect(loop.botpress.state.conversations.get(session.chat.conversationId)!.tags['hitl#downstream']).toBe(session.conversationId)
    expect(loop.botpress.state.conversations.get(session.conversationId)!.tags['hitl#upstream']).toBe(session.chat.conversationId)
  })

  it('says nothing to the user after startHitl returns', async () => {
    const session = await loop.plugin.escalate({ name: 'Silent Sal' })
    expect(texts(session.chat)).toEqual([DEFAULT_TEXTS.onHitlHandoffMessage])
  })

  it('links a user once: a second escalation of the same user reuses the link and calls no createUser', async () => {
    const first = await loop.plugin.escalate({ name: 'Twice Tom' })
    await loop.plugin.userSays(first, '/end')
    const creates = callsOf('createUser').length
    const second = await loop.plugin.escalate({ chat: first.chat })
    expect(callsOf('createUser')).toHaveLength(creates)
    expect(second.userId).toBe(first.userId)
  })

  it('sends identical startHitl inputs for two escalations of the same user with the same last page of chat', async () => {
    const chat = loop.plugin.openChat({ name: 'Same Sue' })
    const other = loop.plugin.openChatOf(chat.userId)
    const line = { from: 'user' as const, type: 'text', payload: { text: 'I need a person' } }
    await loop.plugin.escalate({ chat, before: [line], title: 'Help' })
    await loop.plugin.escalate({ chat: other, before: [line], title: 'Help' })
    const [a, b] = callsOf('startHitl').slice(-2)
    expect(b!.input).toEqual(a!.input)
  })

  it('has no lock: a message the user sends while startHitl runs goes to the bot', async () => {
    const chat = loop.plugin.openChat({ name: 'Typing Tia' })
    const starting = loop.plugin.startHitl(chat, { title: 'Help' })
    const turn = await loop.plugin.userWrites(chat, 'text', { text: 'still there?' })
    await starting
    expect(turn).toEqual({ handledBy: 'bot' })
  })
})

describe('user → agent', () => {
  it('relays a message as the bot, the user in payload.userId, payload {type, ...payload, userId}, tagged hitl#upstream', async () => {
    const session = await loop.plugin.escalate({ name: 'Relayed Rita' })
    await loop.plugin.userSays(session, 'hello')
    const down = loop.botpress.messagesIn(session.conversationId).at(-1)!
    const up = seen(session.chat).filter((m) => m.direction === 'incoming').at(-1)!
    expect(down).toMatchObject({ userId: loop.cloud.botUserId, type: 'text', payload: { type: 'text', text: 'hello', userId: session.userId } })
    expect(down.tags['hitl#upstream']).toBe(up.id)
  })

  it('refuses the types it does not support, telling the user, without calling the integration', async () => {
    const session = await loop.plugin.escalate({ name: 'Located Lou' })
    const comments = loop.plugin.comments(session).length
    const turn = await loop.plugin.userWrites(session.chat, 'location', { latitude: 1, longitude: 2 })
    expect(turn).toEqual({ handledBy: 'plugin' })
    expect(texts(session.chat).at(-1)).toBe('Sorry, I can only handle one of the following message types: text, image, video, audio, file, bloc')
    expect(loop.plugin.comments(session)).toHaveLength(comments)
  })

  it('ends on the close command trimmed and in any case: the notice into the channel, the session inactive, then stopHitl', async () => {
    const session = await loop.plugin.escalate({ name: 'Closing Cal' })
    await loop.plugin.userSays(session, '  /END ')
    const comments = loop.plugin.comments(session)
    expect(comments.at(-1)!.body).toBe(DEFAULT_TEXTS.onUserHitlCancelledMessage)
    expect(callsOf('stopHitl').at(-1)!.input).toEqual({ conversationId: session.conversationId })
    expect(loop.plugin.isActive(session.conversationId)).toBe(false)
    expect(texts(session.chat).at(-1)).toBe(DEFAULT_TEXTS.onUserHitlCloseMessage)
  })

  it('takes the close command the bot builder configured instead of /end', async () => {
    const session = await loop.plugin.escalate({ name: 'Custom Cleo', configurationOverrides: { userHitlCloseCommand: '#bye' } })
    await loop.plugin.userSays(session, '/end')
    expect(loop.plugin.isActive(session.conversationId)).toBe(true)
    expect(loop.plugin.comments(session).at(-1)!.body).toBe('/end')
    await loop.plugin.userSays(session, '#BYE')
    expect(loop.plugin.isActive(session.conversationId)).toBe(false)
  })

  it('stays active when posting the end-of-session notice fails, and surfaces the integration\'s error as it is', async () => {
    const session = await loop.plugin.escalate({ name: 'Stuck Stu' })
    loop.zendesk.faults.serverError({ count: 50, status: 503, method: 'PUT' })
    let delivery
    try {
      delivery = await loop.plugin.userSays(session, '/end')
    } finally {
      loop.zendesk.faults.clear()
    }
    expect(delivery.status).toBeGreaterThanOrEqual(400)
    expect(delivery.json.message).toMatch(/Zendesk/)
    expect(loop.plugin.isActive(session.conversationId)).toBe(true)
    expect(callsOf('stopHitl').filter((c) => c.input.conversationId === session.conversationId)).toHaveLength(0)
  })

  it('posts the notice before the bot\'s stopHitl card too, and says nothing to the user', async () => {
    const session = await loop.plugin.escalate({ name: 'Carded Cora' })
    await loop.plugin.stopHitl(session.chat)
    expect(loop.plugin.comments(session).at(-1)!.body).toBe(DEFAULT_TEXTS.onUserHitlCancelledMessage)
    expect(loop.plugin.isActive(session.conversationId)).toBe(false)
    expect(texts(session.chat)).toEqual([DEFAULT_TEXTS.onHitlHandoffMessage])
  })
})

describe('agent → user', () => {
  it('forwards the integration\'s messages while active, tagged hitl#downstream', async () => {
    const session = await loop.plugin.escalate({ name: 'Forward Fay' })
    const a = agent()
    await reply(session, a.id, 'On it')
    const up = seen(session.chat).at(-1)!
    expect(up).toMatchObject({ direction: 'outgoing', payload: { type: 'text', text: 'On it' } })
    expect(up.tags['hitl#downstream']).toBe(loop.plugin.toUser(session).at(-1)!.id)
  })

  it('answers an unsupported type with the incompatible-type notice into the channel', async () => {
    const session = await loop.plugin.escalate({ name: 'Odd Otto' })
    await fromIntegration(session, 'location', { latitude: 1, longitude: 2 })
    expect(loop.plugin.comments(session).at(-1)!.body).toBe(DEFAULT_TEXTS.onIncompatibleMsgTypeMessage)
    expect(texts(session.chat)).toEqual([DEFAULT_TEXTS.onHitlHandoffMessage])
  })

  it('takes the first message\'s author as the agent when none is assigned, posting "A human agent has joined the conversation."', async () => {
    const session = await loop.plugin.escalate({ name: 'First Flo' })
    const { author } = await fromIntegration(session, 'text', { text: 'Hi there' })
    expect(texts(session.chat).slice(-2)).toEqual([DEFAULT_TEXTS.onHumanAgentAssignedMessage, 'Hi there'])
    expect(loop.botpress.state.conversations.get(session.conversationId)!.tags['hitl#humanAgentId']).toBe(author.id)
  })

  it('on webchat, shows the agent\'s name and picture through a linked user in payload.userId', async () => {
    const session = await loop.plugin.escalate({ name: 'Webchat Wyn' })
    const a = agent()
    await reply(session, a.id, 'Hello from me')
    const shown = loop.botpress.state.users.get(seen(session.chat).at(-1)!.payload.userId as string)!
    expect(shown).toMatchObject({ name: a.name, pictureUrl: expect.stringContaining('cdn.acme.test') })
  })

  it('stores an agent payload\'s additionalData as a tag of the upstream message', async () => {
    const session = await loop.plugin.escalate({ name: 'Data Dee' })
    await fromIntegration(session, 'text', { text: 'With data', additionalData: '{"k":1}' })
    expect(seen(session.chat).at(-1)!.tags['hitl#additionalData']).toBe('{"k":1}')
  })
})

describe('events', () => {
  it('says "joined" for every hitlAssigned, with no de-duplication', async () => {
    const session = await loop.plugin.escalate({ name: 'Assigned Abe' })
    const [a, b] = [agent(), agent()]
    for (const who of [a, b, a]) {
      loop.zendesk.agent(who.id).assignToMe(session.ticketId)
      await loop.zendesk.settled()
      await loop.plugin.settled()
    }
    expect(loop.plugin.events(session, 'hitlAssigned')).toHaveLength(3)
    expect(texts(session.chat).filter((t) => t === DEFAULT_TEXTS.onHumanAgentAssignedMessage)).toHaveLength(3)
  })

  it('on hitlStopped, tells the user the agent closed, marks the session inactive and continues the flow', async () => {
    const session = await loop.plugin.escalate({ name: 'Solved Sol' })
    loop.zendesk.agent(agent().id).setStatus(session.ticketId, 'solved')
    await loop.zendesk.settled()
    await loop.plugin.settled()
    expect(texts(session.chat).at(-1)).toBe(DEFAULT_TEXTS.onHitlStoppedMessage)
    expect(loop.plugin.isActive(session.conversationId)).toBe(false)
    expect(loop.plugin.continued).toContain(session.chat.conversationId)
  })

  it('drops events and agent messages that arrive before the session is active', async () => {
    const a = agent()
    loop.plugin.onceBeforeActivation(async (id) => {
      loop.zendesk.agent(a.id).reply(loop.plugin.ticketIdOf(id), { body: 'Too early' })
      await loop.zendesk.settled()
      await loop.plugin.settled()
    })
    const session = await loop.plugin.escalate({ name: 'Early Ed' })
    expect(loop.plugin.toUser(session).map((m) => m.payload.text)).toEqual(['Too early'])
    expect(texts(session.chat)).toEqual([DEFAULT_TEXTS.onHitlHandoffMessage])
  })

  it('drops events and agent messages that arrive after the session stopped', async () => {
    const session = await loop.plugin.escalate({ name: 'Late Lia' })
    await loop.plugin.userSays(session, '/end')
    const shown = texts(session.chat)
    const a = agent()
    loop.zendesk.agent(a.id).assignToMe(session.ticketId)
    await reply(session, a.id, 'Too late')
    expect(texts(session.chat)).toEqual(shown)
  })
})

describe('the assignment timeout', () => {
  it('posts the cancel notice, calls stopHitl and tells the user, unless an agent is set by then', async () => {
    const idle = await loop.plugin.escalate({ name: 'Idle Ivy', configurationOverrides: { agentAssignedTimeoutSeconds: 30 } })
    const served = await loop.plugin.escalate({ name: 'Served Sam', configurationOverrides: { agentAssignedTimeoutSeconds: 30 } })
    loop.zendesk.agent(agent().id).assignToMe(served.ticketId)
    await loop.zendesk.settled()
    await loop.plugin.settled()
    await loop.plugin.elapseAssignmentTimeouts()
    expect(loop.plugin.comments(idle).at(-1)!.body).toBe(DEFAULT_TEXTS.onUserHitlCancelledMessage)
    expect(callsOf('stopHitl').at(-1)!.input).toEqual({ conversationId: idle.conversationId })
    expect(texts(idle.chat).at(-1)).toBe(DEFAULT_TEXTS.onAgentAssignedTimeoutMessage)
    expect(loop.plugin.isActive(served.conversationId)).toBe(true)
  })
})

describe('tags', () => {
  it('writes its own tags, prefixed hitl#, on our conversations, users and messages, which the integration does not see', async () => {
    const session = await loop.plugin.escalate({ name: 'Prefixed Pat' })
    await loop.plugin.userSays(session, 'tagged')
    const conversation = loop.botpress.state.conversations.get(session.conversationId)!
    const user = loop.botpress.state.users.get(session.userId)!
    const message = loop.botpress.messagesIn(session.conversationId).at(-1)!
    for (const entity of [conversation, user, message]) {
      expect(Object.keys(entity.tags).some((k) => k.startsWith('hitl#'))).toBe(true)
      expect(Object.keys(loop.plugin.tagsOf(entity)).some((k) => k.startsWith('hitl#'))).toBe(false)
    }
  })
})

it('no hook run of the plugin failed', () => {
  expect(loop.plugin.errors).toEqual([])
})
