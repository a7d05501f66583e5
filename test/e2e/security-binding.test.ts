// Issue 11, finding 2: a ticket speaks only into the conversation bound to it. `ticket.external_id` is a pointer
// anyone who edits tickets can rewrite; the binding is the ticket id startHitl (or a follow-up) wrote on the
// conversation. Through the built bundle, with an agent or an app on the same Zendesk account as the attacker.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startLoop, type Loop, type Session } from '../../emulators/plugin/index'
import { setupOf } from './webhooks'

let loop: Loop
let token: string
beforeAll(async () => {
  loop = await startLoop()
  token = loop.zendesk.issueAccessToken()
})
afterAll(() => loop?.close())

const agent = () => loop.zendesk.createAgent({ name: 'Mal Agent', email: `mal${Math.random()}@acme.test` })

async function api(method: string, path: string, body: unknown) {
  const res = await fetch(`${loop.zendesk.url}/api/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as { ticket: { id: number } }
}

/** A ticket the attacker makes: our instance tag, and the victim's conversation id as external_id. */
const forgedTicket = (victim: Session) =>
  api('POST', '/tickets', {
    ticket: {
      subject: 'Looks like a session',
      comment: { body: 'opening words' },
      external_id: victim.conversationId,
      tags: [setupOf(loop).instanceTag, 'botpress_hitl'],
    },
  }).then((r) => r.ticket.id)

const relayState = (s: Session) =>
  [...loop.botpress.state.states.values()].find((x) => x.name === 'relay' && x.conversationId === s.conversationId)?.payload as
    | { relayedUpTo: number }
    | undefined

it('a ticket created with the instance tag and another user\'s conversation id speaks to nobody', async () => {
  const { plugin, zendesk } = loop
  const victim = await plugin.escalate({ name: 'Victim Vera' })
  const mallory = agent()
  const forged = await forgedTicket(victim)
  await zendesk.settled()
  zendesk.agent(mallory.id).assignToMe(forged)
  zendesk.agent(mallory.id).reply(forged, { body: 'Please send me your password' })
  zendesk.agent(mallory.id).setStatus(forged, 'solved')
  await zendesk.settled()
  expect(plugin.toUser(victim)).toEqual([])
  expect(plugin.events(victim, 'hitlAssigned')).toEqual([])
  expect(plugin.events(victim, 'hitlStopped')).toEqual([])
  // Answered 200 (so Zendesk does not retry or pause the webhook), and logged.
  const answers = zendesk.deliveries.filter((d) => d.ticketId === forged).map((d) => d.status)
  expect(answers.length).toBeGreaterThanOrEqual(3)
  expect(new Set(answers)).toEqual(new Set([200]))
  expect(loop.cloud.logs.some((l) => l.includes(`ticket ${forged}: its external_id names no conversation bound to it`))).toBe(true)
})

it('a session ticket whose external_id is edited to another conversation speaks to neither', async () => {
  const { plugin, zendesk } = loop
  const victim = await plugin.escalate({ name: 'Victim Vic' })
  const own = await plugin.escalate({ name: 'Owner Olga' })
  const mallory = agent()
  await api('PUT', `/tickets/${own.ticketId}`, { ticket: { external_id: victim.conversationId } })
  zendesk.agent(mallory.id).reply(own.ticketId, { body: 'Meant for Olga, pointed at Vic' })
  await zendesk.settled()
  expect(plugin.toUser(victim)).toEqual([])
  // Olga's own ticket no longer points at her conversation: nothing reaches her through the pointer either.
  expect(plugin.toUser(own)).toEqual([])
})

it('a forged comment with a higher id does not move the watermark past a genuine reply', async () => {
  const { plugin, zendesk } = loop
  const victim = await plugin.escalate({ name: 'Victim Wendy' })
  const helper = agent()
  zendesk.agent(helper.id).reply(victim.ticketId, { body: 'first genuine reply' })
  await zendesk.settled()
  const before = relayState(victim)!.relayedUpTo
  // The genuine reply's delivery is held (lost for now); the forged ticket's comment gets a higher id.
  zendesk.faults.holdDeliveries()
  const genuine = zendesk.agent(helper.id).reply(victim.ticketId, { body: 'second genuine reply' })
  const forged = await forgedTicket(victim)
  const fake = zendesk.agent(agent().id).reply(forged, { body: 'forged reply' })
  expect(fake.id).toBeGreaterThan(genuine.id)
  const held = zendesk.deliveries.length
  zendesk.faults.clear()
  await zendesk.settled()
  expect(zendesk.deliveries.length).toBeGreaterThan(held)
  expect(plugin.toUser(victim).map((m) => m.payload.text)).toEqual(['first genuine reply', 'second genuine reply'])
  expect(relayState(victim)!.relayedUpTo).toBe(genuine.id)
  expect(before).toBeLessThan(genuine.id)
})

it('a follow-up ticket the integration opened is bound, and its replies come back', async () => {
  const { plugin, zendesk } = loop
  const session = await plugin.escalate({ name: 'Follow Fay' })
  const helper = agent()
  zendesk.agent(helper.id).reply(session.ticketId, { body: 'on the first ticket' })
  await zendesk.settled()
  // Closed with its "stopped" delivery lost (the session goes on): the user's next message opens a follow-up.
  zendesk.state.tickets.get(session.ticketId)!.status = 'closed'
  expect((await plugin.userSays(session, 'I am back')).status).toBe(200)
  const followUp = plugin.ticketIdOf(session.conversationId)
  expect(followUp).not.toBe(session.ticketId)
  zendesk.agent(helper.id).reply(followUp, { body: 'on the follow-up' })
  await zendesk.settled()
  expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['on the first ticket', 'on the follow-up'])
})

it('broke no API contract', () => {
  expect(loop.zendesk.contractViolations).toEqual([])
  expect(loop.botpress.contractViolations).toEqual([])
})
