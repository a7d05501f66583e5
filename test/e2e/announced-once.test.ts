// The end of a session is told to the bot once, however often Zendesk tells the integration.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'
import { setupOf, signedWebhook } from './webhooks'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())
afterEach(() => loop.zendesk.faults.clear())

const stoppedEvent = (session: { ticketId: number; conversationId: string }) =>
  JSON.stringify({ event: 'stopped', instance: setupOf(loop).instanceTag, ticket: { id: String(session.ticketId), external_id: session.conversationId, status: 'Solved', assignee_id: '' } })

describe('hitlStopped, once', () => {
  it('a solve whose "stopped" delivery Zendesk sends three times gives the bot one hitlStopped', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    zendesk.faults.duplicateDeliveries(3)
    zendesk.agent(zendesk.admin.id).setStatus(session.ticketId, 'solved')
    await zendesk.settled()
    const stops = zendesk.deliveries.filter((d) => d.ticketId === session.ticketId && d.body.includes('"stopped"'))
    expect(stops.map((d) => d.status)).toEqual([200, 200, 200])
    expect(plugin.events(session, 'hitlStopped')).toHaveLength(1)
  })

  it('the same "stopped" request sent ten times at once, then Zendesk\'s own, gives one hitlStopped', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    zendesk.faults.holdDeliveries()
    zendesk.agent(zendesk.admin.id).setStatus(session.ticketId, 'solved')
    const body = stoppedEvent(session)
    const answers = await Promise.all(Array.from({ length: 10 }, () => signedWebhook(loop, body)))
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200))
    await zendesk.faults.releaseDeliveries()
    await zendesk.settled()
    expect(plugin.events(session, 'hitlStopped')).toHaveLength(1)
  })
})
