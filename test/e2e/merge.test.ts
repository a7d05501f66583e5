// Issue 12, finding 10: an agent merges the session's ticket into another. Zendesk closes the source with a comment
// whose `via` points to the target; the session follows the target both ways, and the source's closing is no stop.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())

it('a merged ticket: the user\'s messages go to the target, its replies come back, and the session goes on', async () => {
  const { plugin, zendesk } = loop
  const session = await plugin.escalate({ name: 'Merge Mia' })
  const older = await plugin.escalate({ name: 'Merge Mia' })
  const agent = zendesk.createAgent({ name: 'Merger Max', email: `mm${Math.random()}@acme.test` })
  zendesk.agent(agent.id).reply(session.ticketId, { body: 'before the merge' })
  await zendesk.settled()
  zendesk.agent(agent.id).merge(older.ticketId, { ids: [session.ticketId] })
  await zendesk.settled()
  const source = zendesk.state.tickets.get(session.ticketId)!
  expect(source.status).toBe('closed')
  const closing = zendesk.state.comments.get(session.ticketId)!.at(-1)!
  expect(closing.via.source).toMatchObject({ rel: 'merge', to: { ticket_id: older.ticketId } })
  expect(plugin.events(session, 'hitlStopped')).toEqual([])

  const tickets = zendesk.state.tickets.size
  expect((await plugin.userSays(session, 'after the merge')).status).toBe(200)
  expect(zendesk.state.comments.get(older.ticketId)!.some((c) => c.body === 'after the merge')).toBe(true)
  expect(zendesk.state.tickets.size).toBe(tickets)

  zendesk.agent(agent.id).reply(older.ticketId, { body: 'answered on the target' })
  await zendesk.settled()
  expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['before the merge', 'answered on the target'])
})

it('merging into a ticket through the API closes the source the same way', async () => {
  const { plugin, zendesk } = loop
  const a = await plugin.escalate()
  const b = await plugin.escalate()
  const res = await fetch(`${zendesk.url}/api/v2/tickets/${b.ticketId}/merge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${zendesk.issueAccessToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ids: [a.ticketId], source_comment: 'Duplicate', target_comment: 'Merged the duplicate' }),
  })
  expect(res.status).toBe(200)
  expect(((await res.json()) as { job_status: { status: string } }).job_status.status).toBe('completed')
  expect(zendesk.state.tickets.get(a.ticketId)!.status).toBe('closed')
  expect(zendesk.state.comments.get(a.ticketId)!.at(-1)).toMatchObject({ body: 'Duplicate', public: false })
  expect(zendesk.state.comments.get(b.ticketId)!.at(-1)).toMatchObject({ body: 'Merged the duplicate', public: false })
})

it('broke no API contract', () => {
  expect(loop.zendesk.contractViolations).toEqual([])
  expect(loop.botpress.contractViolations).toEqual([])
})
