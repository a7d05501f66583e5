// What reaches the ticket but never the user: internal notes, and the comments Zendesk's triggers, automations and
// Zendesk itself write (public, and authored by an agent, included), each read back among a real reply's neighbours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'
import type { AutomaticKind } from '../../emulators/zendesk'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())

const agent = (name: string) => loop.zendesk.createAgent({ name, email: `${name.replace(/\W/g, '.')}.${Math.random()}@acme.test` })

/** What a Zendesk admin sets up in Admin Center: a trigger that writes a public comment when a ticket is assigned. */
async function acknowledgementTrigger(text: string) {
  const res = await fetch(`${loop.zendesk.url}/api/v2/triggers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${loop.zendesk.issueAccessToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      trigger: {
        title: `Acknowledge assignment ${Math.random()}`,
        conditions: {
          all: [
            { field: 'update_type', operator: 'is', value: 'Change' },
            { field: 'assignee_id', operator: 'changed' },
          ],
          any: [],
        },
        actions: [
          { field: 'comment_value', value: text },
          { field: 'comment_mode_is_public', value: 'true' },
        ],
      },
    }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { trigger: { id: number } }).trigger.id
}

describe('internal notes', () => {
  it('a public reply right after an internal note relays the reply, never the note', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    const a = agent('Note Then Reply')
    zendesk.agent(a.id).note(session.ticketId, { body: 'Customer seems upset, be gentle' })
    zendesk.agent(a.id).reply(session.ticketId, { body: 'Hello, I can help' })
    await zendesk.settled()
    expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['Hello, I can help'])
  })
})

describe('comments written by business rules and by Zendesk', () => {
  it('a trigger\'s public comment, written on behalf of the assigning agent, never reaches the user', async () => {
    const { plugin, zendesk } = loop
    const triggerId = await acknowledgementTrigger('Thanks for waiting: an agent has your ticket')
    try {
      const session = await plugin.escalate()
      const a = agent('Trigger Owner')
      zendesk.agent(a.id).assignToMe(session.ticketId)
      await zendesk.settled()
      const written = plugin.comments(session).at(-1)!
      expect(written).toMatchObject({ body: 'Thanks for waiting: an agent has your ticket', public: true, author_id: a.id })
      expect(written.via).toMatchObject({ channel: 'rule', source: { rel: 'trigger', from: { id: triggerId } } })
      // Zendesk delivered it: the comment trigger fired on the rule's public comment.
      expect(zendesk.deliveries.some((d) => d.ticketId === session.ticketId && d.body.includes('"comment"'))).toBe(true)
      expect(plugin.toUser(session)).toEqual([])
      zendesk.agent(a.id).reply(session.ticketId, { body: 'Grace here, reading your chat' })
      await zendesk.settled()
      expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['Grace here, reading your chat'])
      expect(plugin.events(session, 'hitlAssigned')).toHaveLength(1)
    } finally {
      zendesk.state.triggers.delete(triggerId)
    }
  })

  it.each<[AutomaticKind, string]>([
    ['automation', 'Are you still there? This ticket will be solved in 24 hours.'],
    ['system', 'This request was closed and merged into request #1.'],
    ['sample_ticket', 'Meet the ticket: this is what a request looks like.'],
  ])('a public comment %s writes in an agent\'s name never reaches the user', async (kind, text) => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    const a = agent(`Owner of ${kind}`)
    zendesk.agent(a.id).reply(session.ticketId, { body: 'first reply' })
    await zendesk.settled()
    const before = zendesk.deliveries.length
    const written = zendesk.automaticComment(session.ticketId, { kind, body: text, authorId: a.id, title: 'Nudge the requester' })
    await zendesk.settled()
    expect(written).toMatchObject({ public: true, author_id: a.id, via: { channel: kind === 'automation' ? 'rule' : kind } })
    expect(zendesk.deliveries.length).toBeGreaterThan(before)
    expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['first reply'])
  })
})

describe('the emulators saw only what the published APIs allow', () => {
  it('no request or response broke the Zendesk or Botpress OpenAPI contracts', () => {
    expect(loop.zendesk.contractViolations).toEqual([])
    expect(loop.botpress.contractViolations).toEqual([])
  })
})
