// Issue 12, inbound findings 11 and 12: a reply that is only an inline image reaches the user as an image; a
// public reply after the session ended gets one internal note telling the agent the user will not see it.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
const agent = () => loop.zendesk.createAgent({ name: 'Pia Picture', email: `pp${Math.random()}@acme.test` })

it('a reply that is only an inline image reaches the user as an image', async () => {
  const { plugin, zendesk } = loop
  const session = await plugin.escalate()
  const reply = zendesk.agent(agent().id).reply(session.ticketId, { inlineImages: [{ fileName: 'screenshot.png', contentType: 'image/png', data: PNG }] })
  await zendesk.settled()
  const messages = plugin.toUser(session)
  expect(messages.map((m) => m.type)).toEqual(['image'])
  expect(messages[0]!.payload.imageUrl).toBe(reply.attachments[0]!.content_url)
})

it('an inline image with words around it reaches the user as the words and the image', async () => {
  const { plugin, zendesk } = loop
  const session = await plugin.escalate()
  zendesk.agent(agent().id).reply(session.ticketId, { body: 'Click here:', inlineImages: [{ fileName: 'where.png', contentType: 'image/png', data: PNG }] })
  await zendesk.settled()
  expect(plugin.toUser(session).map((m) => m.type === 'text' ? m.payload.text : m.type)).toEqual(['Click here:', 'image'])
})

it('a public reply after the agent ended the session gets one internal note, and reaches nobody', async () => {
  const { plugin, zendesk } = loop
  const session = await plugin.escalate()
  const a = agent()
  zendesk.agent(a.id).setStatus(session.ticketId, 'solved', { comment: { body: 'Solved, bye' } })
  await zendesk.settled()
  expect(plugin.events(session, 'hitlStopped')).toHaveLength(1)
  zendesk.agent(a.id).reply(session.ticketId, { body: 'Oh, one more thing' })
  await zendesk.settled()
  expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['Solved, bye'])
  const notes = plugin.comments(session).filter((c) => !c.public)
  expect(notes).toHaveLength(1)
  expect(notes[0]!.body).toMatch(/not delivered: the session with the user has ended, and the user is back with the bot/)
})

it('a public reply after the user ended the session with /end gets one internal note, and reaches nobody', async () => {
  const { plugin, zendesk } = loop
  const session = await plugin.escalate()
  await plugin.userWrites(session.chat, 'text', { text: '/end' })
  await plugin.settled()
  zendesk.agent(agent().id).reply(session.ticketId, { body: 'Are you still there?' })
  await zendesk.settled()
  expect(plugin.toUser(session)).toEqual([])
  const notes = plugin.comments(session).filter((c) => !c.public && /not delivered/.test(c.body ?? ''))
  expect(notes).toHaveLength(1)
  expect(notes[0]!.body).toMatch(/the session with the user has ended, and the user is back with the bot/)
})

it('broke no API contract', () => {
  expect(loop.zendesk.contractViolations).toEqual([])
  expect(loop.botpress.contractViolations).toEqual([])
})
