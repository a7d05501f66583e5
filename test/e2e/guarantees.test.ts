// Nothing lost, nothing doubled, nobody let in: each guarantee of README "Guarantees", shown by injecting the
// fault through the emulators.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startLoop, type Loop, type Session } from '../../emulators/plugin/index'
import { commentEvent, setupOf, signedWebhook } from './webhooks'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())
afterEach(() => loop.zendesk.faults.clear())

const agent = () => loop.zendesk.createAgent({ name: 'Fault Finder', email: `ff${Math.random()}@acme.test` })

describe('exactly once, Zendesk → Botpress', () => {
  it('duplicated and concurrent deliveries relay each comment once, in order', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    const a = agent()
    zendesk.faults.holdDeliveries()
    zendesk.faults.duplicateDeliveries(3)
    for (const text of ['one', 'two', 'three']) zendesk.agent(a.id).reply(session.ticketId, { body: text })
    const held = zendesk.deliveries.length
    await zendesk.faults.releaseDeliveries()
    await zendesk.settled()
    expect(zendesk.deliveries.length - held).toBeGreaterThanOrEqual(9)
    expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['one', 'two', 'three'])
  })

  it('deliveries sent newest first still relay the comments in the order agents wrote them', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    const a = agent()
    zendesk.faults.holdDeliveries()
    zendesk.faults.reorderDeliveries(true)
    zendesk.agent(a.id).reply(session.ticketId, { body: 'first' })
    zendesk.agent(a.id).reply(session.ticketId, { body: 'second' })
    await zendesk.faults.releaseDeliveries()
    await zendesk.settled()
    expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['first', 'second'])
  })

  it('the same signed request sent 20 times at once relays one message', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    zendesk.faults.holdDeliveries()
    zendesk.agent(agent().id).reply(session.ticketId, { body: 'racing' })
    const body = commentEvent(loop, session)
    const answers = await Promise.all(Array.from({ length: 20 }, () => signedWebhook(loop, body)))
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))
    expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['racing'])
  })
})

describe('exactly once, Botpress → Zendesk', () => {
  const commentsSaying = (session: Session, text: string) => loop.plugin.comments(session).filter((c) => c.body === text)

  it('a 429 is waited out and the message becomes one comment', async () => {
    const session = await loop.plugin.escalate()
    loop.zendesk.faults.rateLimit({ count: 1, retryAfterSeconds: 1, method: 'PUT' })
    expect((await loop.plugin.userSays(session, 'after the limit')).status).toBe(200)
    expect(commentsSaying(session, 'after the limit')).toHaveLength(1)
  })

  it.each([
    ['a 500 before writing', { status: 500 as const, afterWrite: false }],
    ['a 502 after writing', { status: 502 as const, afterWrite: true }],
    ['a gateway timeout (504) after writing', { status: 504 as const, afterWrite: true }],
  ])('%s still makes exactly one comment', async (_, fault) => {
    const session = await loop.plugin.escalate()
    loop.zendesk.faults.serverError({ count: 1, method: 'PUT', ...fault })
    const text = `despite ${fault.status} ${fault.afterWrite}`
    expect((await loop.plugin.userSays(session, text)).status).toBe(200)
    expect(commentsSaying(session, text)).toHaveLength(1)
    const message = loop.botpress.messagesIn(session.conversationId).at(-1)!
    expect(loop.plugin.delivered(session)).toContain(`${message.id}=${commentsSaying(session, text)[0]!.id}`)
  })

  it('a message Botpress delivers again after it was acknowledged makes no second comment', async () => {
    const { plugin, botpress, cloud } = loop
    const session = await plugin.escalate()
    await plugin.userSays(session, 'delivered twice')
    const acked = botpress.messagesIn(session.conversationId).at(-1)!
    const redelivery = await cloud.invoke('message_created', {
      conversation: botpress.asSeenByIntegration(botpress.state.conversations.get(session.conversationId)!, 'zendesk-hitl'),
      user: botpress.asSeenByIntegration(botpress.state.users.get(cloud.botUserId)!, 'zendesk-hitl'),
      message: botpress.asSeenByIntegration(acked, 'zendesk-hitl'),
      type: 'text',
      payload: acked.payload,
    })
    expect(redelivery.status).toBe(200)
    expect(commentsSaying(session, 'delivered twice')).toHaveLength(1)
  })

  it('a ticket creation that failed after writing opens one ticket, thanks to the Idempotency-Key', async () => {
    const before = loop.zendesk.state.tickets.size
    loop.zendesk.faults.serverError({ count: 1, status: 502, afterWrite: true, method: 'POST', path: /\/tickets/ })
    await loop.plugin.escalate()
    expect(loop.zendesk.state.tickets.size).toBe(before + 1)
  })

  it('a Zendesk that keeps failing gives up after a bounded number of tries, with a message naming its error', async () => {
    const session = await loop.plugin.escalate()
    const before = loop.zendesk.requests.length
    loop.zendesk.faults.serverError({ count: 50, status: 503, method: 'PUT' })
    const answer = await loop.plugin.userSays(session, 'into the void')
    expect(answer.status).toBeGreaterThanOrEqual(400)
    expect(answer.json.message).toMatch(/^Zendesk add comment to ticket \d+ failed: 503/)
    expect(loop.zendesk.requests.length - before).toBeLessThan(12)
  })
})

describe('webhook security', () => {
  const relayedCount = () => [...loop.botpress.state.messages.values()].length

  it('a forged signature is refused with 401 and changes nothing', async () => {
    const session = await loop.plugin.escalate()
    loop.zendesk.faults.holdDeliveries()
    loop.zendesk.agent(agent().id).reply(session.ticketId, { body: 'forged' })
    const before = relayedCount()
    const answer = await signedWebhook(loop, commentEvent(loop, session), { secret: 'guessed-secret' })
    expect(answer.status).toBe(401)
    expect(relayedCount()).toBe(before)
  })

  it('a stale (replayed) delivery is refused', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    zendesk.faults.staleSignatureTimestamp(600)
    zendesk.agent(agent().id).reply(session.ticketId, { body: 'from the past' })
    await zendesk.settled()
    expect(plugin.toUser(session)).toHaveLength(0)
    expect(zendesk.deliveries.at(-1)!.status).toBe(401)
  })

  it('an oversized or malformed body is refused without side effect', async () => {
    const before = relayedCount()
    expect((await signedWebhook(loop, JSON.stringify({ event: 'comment', pad: 'x'.repeat(100_000) }))).status).toBe(413)
    expect((await signedWebhook(loop, '{"event":"comment",')).status).toBe(400)
    expect((await signedWebhook(loop, JSON.stringify({ event: 'comment', instance: 'x', ticket: { id: '{{ticket.id}}', external_id: '' } }))).status).toBe(400)
    expect((await fetch(loop.cloud.webhookUrl, { method: 'GET' })).status).toBe(405)
    expect(relayedCount()).toBe(before)
  })

  it('a ticket of another integration instance is ignored', async () => {
    const session = await loop.plugin.escalate()
    loop.zendesk.faults.holdDeliveries()
    loop.zendesk.agent(agent().id).reply(session.ticketId, { body: 'not for you' })
    const answer = await signedWebhook(loop, commentEvent(loop, session, 'bphitl_someoneelse'))
    expect(answer.status).toBe(200)
    expect(loop.plugin.toUser(session)).toHaveLength(0)
  })

  it('a signing secret rotated in Zendesk is re-read once, and deliveries go on', async () => {
    // Its own installation: a forged request re-reads the secret too, and that is done at most once a minute.
    const own = await startLoop()
    try {
      const { plugin, zendesk } = own
      const session = await plugin.escalate()
      const { webhookId, signingSecret } = setupOf(own)
      const token = zendesk.issueAccessToken()
      const rotated = await fetch(`${zendesk.url}/api/v2/webhooks/${webhookId}/signing_secret`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
      expect(rotated.status).toBe(201)
      zendesk.agent(zendesk.createAgent({ name: 'Rota', email: 'rota@acme.test' }).id).reply(session.ticketId, { body: 'after rotation' })
      await zendesk.settled()
      expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['after rotation'])
      // register alone writes the setup; the re-read secret is kept beside it, bound to its webhook.
      expect(setupOf(own).signingSecret).toBe(signingSecret)
      const reRead = [...own.botpress.state.states.values()].find((s) => s.name === 'signingSecret')!.payload
      expect(reRead).toMatchObject({ webhookId })
      expect(reRead.secret).not.toBe(signingSecret)
    } finally {
      await own.close()
    }
  })
})

describe('stateless: two copies of the integration taking turns', () => {
  it('keeps every guarantee when each request may reach another process', async () => {
    const pair = await startLoop({ processes: 2 })
    try {
      const { plugin, zendesk, cloud } = pair
      expect(new Set(cloud.processes.map((p) => p.pid)).size).toBe(2)
      const session = await plugin.escalate()
      const a = zendesk.createAgent({ name: 'Twin Agent', email: 'twin@acme.test' })
      for (const text of ['u1', 'u2', 'u3']) await plugin.userSays(session, text)
      zendesk.faults.duplicateDeliveries(2)
      zendesk.agent(a.id).assignToMe(session.ticketId)
      zendesk.agent(a.id).reply(session.ticketId, { body: 'a1' })
      zendesk.agent(a.id).reply(session.ticketId, { body: 'a2' })
      zendesk.agent(a.id).setStatus(session.ticketId, 'solved', { comment: { body: 'a3' } })
      await zendesk.settled()
      expect(plugin.comments(session).filter((c) => /^u\d$/.test(c.body)).map((c) => c.body)).toEqual(['u1', 'u2', 'u3'])
      expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['a1', 'a2', 'a3'])
      expect(plugin.events(session, 'hitlAssigned')).toHaveLength(1)
      expect(plugin.events(session, 'hitlStopped')).toHaveLength(1)
      expect(new Set(cloud.invocations.map((i) => i.pid)).size).toBe(2)
    } finally {
      await pair.close()
    }
  })
})
