// How sessions end and begin again, through the built bundle: a stopped session is never revived, a deleted or
// closed ticket never leaves the user or the plugin stuck, and the setup is never rolled back by a late write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'
import { commentEvent, setupOf, signedWebhook } from './webhooks'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(async () => {
  await loop?.close()
})

const agent = () => loop.zendesk.agent(loop.zendesk.admin.id)
const texts = (ticketId: number) => (loop.zendesk.state.comments.get(ticketId) ?? []).map((c) => c.body)
type Session = { userId: string; conversationId: string; ticketId: number }
/**
 * The plugin's call for one user message, made directly: what it sends whatever it believes of the session (these
 * tests are about what the integration does with it, also after the plugin would have stopped relaying).
 */
const relay = (s: Session, text: string) =>
  loop.cloud.messageCreated({ conversationId: s.conversationId, userId: loop.cloud.botUserId, type: 'text', payload: { text, userId: s.userId } })
/** The plugin's notice before every stop: bot-authored, no payload.userId. */
const END_NOTICE = '( The user has ended the session. )'

/** The real plugin links a user once and sends the newest page of chat: the same user escalating twice sends this twice. */
async function linkedUser(name: string) {
  const { userId } = await loop.plugin.createUser({ name, email: `${name.toLowerCase().replace(/\s/g, '.')}@example.com` })
  const input = {
    userId,
    title: 'Help',
    messageHistory: [
      { source: { type: 'user', userId }, type: 'text', payload: { text: 'I need a human' } },
      { source: { type: 'bot' }, type: 'text', payload: { text: 'Transferring you to a human agent...' } },
    ],
  }
  const start = async (): Promise<Session> => {
    const { conversationId } = await loop.cloud.action('startHitl', input)
    return { userId, conversationId, ticketId: loop.plugin.ticketIdOf(conversationId) }
  }
  return { userId, input, start }
}

describe('a session begins again as a new session', () => {
  it('the same startHitl after a stop opens a new conversation and ticket: the stopped session is not revived', async () => {
    const { plugin, zendesk, cloud } = loop
    const ann = await linkedUser('Revived Ann')
    const first = await ann.start()
    await plugin.notice(first, END_NOTICE)
    await cloud.action('stopHitl', { conversationId: first.conversationId })
    expect(zendesk.state.tickets.get(first.ticketId)!.status).toBe('solved')

    const second = await ann.start()
    expect(second.conversationId).not.toBe(first.conversationId)
    expect(second.ticketId).not.toBe(first.ticketId)
    expect(zendesk.state.tickets.get(second.ticketId)!.status).toBe('new')
    // The new session ends as sessions do: the agent's solve reaches the plugin.
    agent().setStatus(second.ticketId, 'solved')
    await zendesk.settled()
    expect(plugin.events(second, 'hitlStopped')).toHaveLength(1)
  })

  it('two escalations of the same linked user with the same last page of chat share no conversation and no ticket', async () => {
    const bob = await linkedUser('Twice Bob')
    const a = await bob.start()
    const b = await bob.start()
    expect(b.conversationId).not.toBe(a.conversationId)
    expect(b.ticketId).not.toBe(a.ticketId)
    await relay(a, 'about my order')
    await relay(b, 'about my invoice')
    expect(texts(a.ticketId)).toContain('about my order')
    expect(texts(a.ticketId)).not.toContain('about my invoice')
    expect(texts(b.ticketId)).toContain('about my invoice')
  })

  it('a startHitl retried after its first attempt failed half-way opens one ticket, and the retry returns it', async () => {
    const { zendesk, botpress } = loop
    const cleo = await linkedUser('Retry Cleo')
    const before = zendesk.state.tickets.size
    // The ticket is made, then recording it on the conversation fails: Botpress sees a failed action and retries it.
    // Five 503s outlast the SDK client's three retries; Retry-After 0 keeps it from waiting 1 + 2 + 3 s between them.
    botpress.faults.serverError({ operation: 'updateConversation', count: 5, status: 503, retryAfter: 0 })
    await expect(cleo.start()).rejects.toMatchObject({ operation: 'action startHitl' })
    botpress.faults.clear()
    expect(zendesk.state.tickets.size).toBe(before + 1)

    const retried = await cleo.start()
    expect(zendesk.state.tickets.size).toBe(before + 1)
    expect(zendesk.state.tickets.get(retried.ticketId)!.external_id).toBe(retried.conversationId)
    // Once an attempt finished, the same input is a new session again.
    const next = await cleo.start()
    expect(next.ticketId).not.toBe(retried.ticketId)
  })
})

describe('a ticket deleted in Zendesk', () => {
  it('answers the user with a RuntimeError saying so, ends the session with one hitlStopped, and stopHitl succeeds', async () => {
    const { plugin, zendesk, cloud } = loop
    const session = await plugin.escalate()
    agent().deleteTicket(session.ticketId)
    const before = zendesk.state.tickets.size

    const sent = await relay(session, 'hello?')
    expect(sent.status).toBe(400)
    expect(sent.json.message).toMatch(new RegExp(`^Zendesk ticket ${session.ticketId} was deleted in Zendesk`))
    expect(sent.json.message).not.toMatch(/subdomain/)
    const again = await relay(session, 'anyone?')
    expect(again.json.message).toMatch(/was deleted in Zendesk/)
    expect(plugin.events(session, 'hitlStopped')).toHaveLength(1)

    // The plugin's own stop: its notice, then stopHitl. Neither fails, so the plugin's session ends.
    expect((await plugin.notice(session, END_NOTICE)).status).toBe(200)
    expect(await cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(zendesk.state.tickets.size).toBe(before)
    expect(plugin.events(session, 'hitlStopped')).toHaveLength(1)
  })
})

describe('a closed ticket', () => {
  it('messages sent at once all land, once each, on one follow-up ticket', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    agent().setStatus(session.ticketId, 'closed')
    const before = zendesk.state.tickets.size
    const words = ['one', 'two', 'three', 'four']
    const answers = await Promise.all(words.map((w) => relay(session, w)))
    expect(answers.map((a) => a.status)).toEqual(words.map(() => 200))

    expect(zendesk.state.tickets.size).toBe(before + 1)
    const followUpId = plugin.ticketIdOf(session.conversationId)
    expect(zendesk.state.tickets.get(session.ticketId)!.followup_ids).toEqual([followUpId])
    const landed = texts(followUpId)
    for (const w of words) expect(landed.filter((t) => t === w)).toHaveLength(1)
    // Each message is one comment the agent can read as the user's; the follow-up opens with an internal note.
    expect(zendesk.state.comments.get(followUpId)![0]!.public).toBe(false)
    const requester = zendesk.state.tickets.get(followUpId)!.requester_id
    expect(zendesk.state.comments.get(followUpId)!.filter((c) => words.includes(c.body)).every((c) => c.author_id === requester)).toBe(true)
  })

  it('the plugin\'s bot-authored notice opens no follow-up and does not fail its stop; the user\'s words still do', async () => {
    const { plugin, zendesk, cloud } = loop
    const session = await plugin.escalate()
    agent().setStatus(session.ticketId, 'closed')
    const before = zendesk.state.tickets.size
    expect((await plugin.notice(session, END_NOTICE)).status).toBe(200)
    expect(await cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    expect(zendesk.state.tickets.size).toBe(before)
    expect(plugin.ticketIdOf(session.conversationId)).toBe(session.ticketId)

    const gone = await plugin.escalate()
    agent().deleteTicket(gone.ticketId)
    expect((await plugin.notice(gone, END_NOTICE)).status).toBe(200)
    expect(await cloud.action('stopHitl', { conversationId: gone.conversationId })).toEqual({})
    expect(zendesk.state.tickets.size).toBe(before)

    const other = await plugin.escalate()
    agent().setStatus(other.ticketId, 'closed')
    expect((await relay(other, 'still there?')).status).toBe(200)
    expect(texts(plugin.ticketIdOf(other.conversationId))).toContain('still there?')
  })
})

describe('the setup', () => {
  it('a mismatching webhook while register runs does not write the old setup over the new one', async () => {
    const own = await startLoop()
    try {
      const { plugin, zendesk, cloud } = own
      const session = await plugin.escalate()
      const old = setupOf(own)
      // The forged request makes the bundle re-read the signing secret; Zendesk answers, the answer is slow to come.
      const slow = zendesk.faults.hold({ method: 'GET', path: new RegExp(`/webhooks/${old.webhookId}/signing_secret`) })
      const forged = signedWebhook(own, commentEvent(own, session), { secret: 'not the secret' })
      await slow.reached
      expect((await cloud.register()).status).toBe(200)
      const registered = setupOf(own)
      expect(registered.webhookId).not.toBe(old.webhookId)
      slow.release()
      expect((await forged).status).toBe(401)

      expect(setupOf(own).webhookId).toBe(registered.webhookId)
      expect(setupOf(own)).toEqual(registered)
      zendesk.agent(zendesk.createAgent({ name: 'Reg', email: 'reg@acme.test' }).id).reply(session.ticketId, { body: 'after register' })
      await zendesk.settled()
      expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['after register'])
    } finally {
      await own.close()
    }
  })
})

describe('the emulators saw only what the published APIs allow', () => {
  it('no request or response broke the Zendesk or Botpress OpenAPI contracts', () => {
    expect(loop.zendesk.contractViolations).toEqual([])
    expect(loop.botpress.contractViolations).toEqual([])
  })
})
