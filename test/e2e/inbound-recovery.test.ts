// Issue 12, inbound findings 1, 2, 3 and 7: a delivery that fails half-way is answered so that Zendesk retries it,
// the retry finishes the work exactly once, events are emitted once, nothing is out of reach of the relay, and
// the last hitlAssigned names the ticket's actual assignee. Through the built bundle and both emulators.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startLoop, type Loop, type Session } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())
afterEach(() => {
  loop.zendesk.faults.clear()
  loop.botpress.faults.clear()
})

const agent = (name = 'Rita Retry') => loop.zendesk.createAgent({ name, email: `${name.replace(/\W/g, '')}${Math.random()}@acme.test` })
const texts = (s: Session) => loop.plugin.toUser(s).map((m) => m.payload.text)
const answersFor = (ticketId: number, since: number) => loop.zendesk.deliveries.slice(since).filter((d) => d.ticketId === ticketId).map((d) => d.status)

describe('Botpress failing during a relay (finding 1)', () => {
  it.each([500, 503])('a %i on the message is answered 503 with Retry-After, and the retry relays the reply once', async (status) => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    const since = zendesk.deliveries.length
    botpress.faults.serverError({ count: 1, status, operation: 'getOrCreateMessage' })
    zendesk.agent(agent().id).reply(session.ticketId, { body: `through a ${status}` })
    await zendesk.settled()
    expect(answersFor(session.ticketId, since)).toEqual([503, 200])
    expect(texts(session)).toEqual([`through a ${status}`])
  })

  it('a solve whose last comment meets a 503 delivers the last words and one hitlStopped on the retry', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    // Two: the solve sends a "comment" and a "stopped" delivery, and each meets one.
    botpress.faults.serverError({ count: 2, status: 503, operation: 'getOrCreateMessage' })
    zendesk.agent(agent().id).setStatus(session.ticketId, 'solved', { comment: { body: 'Last words' } })
    await zendesk.settled()
    expect(texts(session)).toEqual(['Last words'])
    expect(plugin.events(session, 'hitlStopped')).toHaveLength(1)
  })

  it('the 503 carries a Retry-After under Zendesk\'s one-minute limit', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    zendesk.faults.holdDeliveries()
    zendesk.agent(agent().id).reply(session.ticketId, { body: 'held' })
    botpress.faults.serverError({ count: 1, status: 500, operation: 'getOrCreateMessage' })
    const { commentEvent, signedWebhook } = await import('./webhooks')
    const answer = await signedWebhook(loop, commentEvent(loop, session))
    expect(answer.status).toBe(503)
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(answer.headers.get('retry-after'))).toBeLessThan(60)
  })
})

describe('events exactly once (finding 2)', () => {
  it.each([
    ['before', false],
    ['after', true],
  ])('hitlStopped whose creation fails %s the write is emitted once, on the retry', async (_, afterWrite) => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    botpress.faults.serverError({ count: 1, status: 500, operation: 'createEvent', afterWrite })
    zendesk.agent(agent().id).setStatus(session.ticketId, 'solved')
    await zendesk.settled()
    expect(plugin.events(session, 'hitlStopped')).toHaveLength(1)
  })

  it.each([
    ['before', false],
    ['after', true],
  ])('hitlAssigned whose creation fails %s the write is emitted once, on the retry', async (_, afterWrite) => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    const a = agent('Asa Assign')
    botpress.faults.serverError({ count: 1, status: 500, operation: 'createEvent', afterWrite })
    zendesk.agent(a.id).assignToMe(session.ticketId)
    await zendesk.settled()
    expect(plugin.events(session, 'hitlAssigned')).toHaveLength(1)
  })
})

describe('recovery (finding 3)', () => {
  it('relays every reply, however many came since the last delivery that got through', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    const a = agent()
    zendesk.faults.holdDeliveries()
    const sent = Array.from({ length: 25 }, (_, i) => `reply ${i + 1}`)
    for (const body of sent) zendesk.agent(a.id).reply(session.ticketId, { body })
    await zendesk.faults.releaseDeliveries()
    await zendesk.settled()
    expect(texts(session)).toEqual(sent)
  })
})

describe('reassignment (finding 7)', () => {
  it('deliveries of two assignments arriving in reverse order leave the actual assignee announced last', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    const first = agent('Ada First')
    const second = agent('Bo Second')
    zendesk.faults.holdDeliveries()
    zendesk.faults.reorderDeliveries(true)
    zendesk.agent(first.id).assignToMe(session.ticketId)
    zendesk.agent(second.id).assignToMe(session.ticketId)
    await zendesk.faults.releaseDeliveries()
    await zendesk.settled()
    const assigned = plugin.events(session, 'hitlAssigned')
    expect(assigned.length).toBeGreaterThanOrEqual(1)
    const last = botpress.state.users.get((assigned.at(-1)!.payload as { userId: string }).userId)!
    expect(last.name).toBe('Bo Second')
  })
})

it('broke no API contract', () => {
  expect(loop.zendesk.contractViolations).toEqual([])
  expect(loop.botpress.contractViolations).toEqual([])
})
