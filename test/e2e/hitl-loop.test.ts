// The HITL loop, end to end: the built bundle, invoked as Botpress Cloud invokes it, against the Zendesk and
// Botpress emulators, with the hitl plugin's calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PNG, startFileServer, startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop
let files: Awaited<ReturnType<typeof startFileServer>>
beforeAll(async () => {
  loop = await startLoop()
  files = await startFileServer({ '/cat.png': { type: 'image/png', data: PNG }, '/report.pdf': { type: 'application/pdf', data: Buffer.from('%PDF-1.4 report') } })
})
afterAll(async () => {
  await loop?.close()
  await files?.close()
})

const agentOf = (name: string) => loop.zendesk.createAgent({ name, email: `${name.toLowerCase().replace(/\s/g, '.')}@acme.test`, photoUrl: `https://cdn.acme.test/${name}.png` })

describe('escalating to a Zendesk agent', () => {
  it('opens one ticket requested by the user, with the whole chat in its first comment', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate({
      name: 'Ann Lee',
      title: 'Refund for order 1234',
      description: 'The user wants a refund',
      before: [
        { from: 'user', type: 'text', payload: { text: 'I want my money back' } },
        { from: 'bot', type: 'choice', payload: { text: 'Which order?', options: [{ label: '1234', value: '1234' }] } },
        { from: 'user', type: 'image', payload: { imageUrl: 'https://cdn.test/receipt.png' } },
      ],
      hitlSession: { priority: 'high', tags: ['VIP customer'], chatbotName: 'Acme Bot' },
    })
    const ticket = zendesk.state.tickets.get(session.ticketId)!
    const requester = zendesk.state.users.get(ticket.requester_id)!
    expect(requester).toMatchObject({ name: 'Ann Lee', external_id: session.userId, role: 'end-user' })
    expect(ticket).toMatchObject({ subject: 'Refund for order 1234', external_id: session.conversationId, priority: 'high' })
    expect(ticket.tags).toEqual(expect.arrayContaining(['botpress_hitl', 'vip_customer']))
    const [first, ...rest] = plugin.comments(session)
    expect(rest).toHaveLength(0)
    expect(first).toMatchObject({ public: true, author_id: requester.id })
    expect(first!.html_body).toContain('The user wants a refund')
    expect(first!.html_body).toContain('Ann Lee:</strong> I want my money back')
    expect(first!.html_body).toContain('Acme Bot (bot):</strong> Which order?')
    expect(first!.html_body).toContain('receipt.png')
    expect(plugin.tagsOf(botpress.state.conversations.get(session.conversationId)!)).toMatchObject({ ticketId: String(ticket.id) })
  })

  it('honours every field of the Start HITL card', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate({
      name: 'Card User',
      title: 'From the card',
      hitlSession: {
        type: 'incident',
        groupId: '360001',
        ticketFormId: '900002',
        customFields: [{ id: '1500003', value: 'gold' }],
        requesterName: 'Carla Customer',
        requesterEmail: 'carla@customer.test',
      },
    })
    const ticket = zendesk.state.tickets.get(session.ticketId)!
    expect(ticket).toMatchObject({ type: 'incident', group_id: 360001, ticket_form_id: 900002 })
    expect(ticket.custom_fields).toContainEqual({ id: 1500003, value: 'gold' })
    // With linking off the typed address is the agents' to read, not Zendesk's to mail (README "Security").
    const requester = zendesk.state.users.get(ticket.requester_id)!
    expect(requester).toMatchObject({ name: 'Carla Customer', email: null, external_id: session.userId })
    expect(requester.notes).toContain('carla@customer.test')
  })

  it('an ID in the card that is not a number is refused with a message naming the field', async () => {
    const { plugin } = loop
    await expect(plugin.escalate({ hitlSession: { groupId: 'support team' } })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('Group ID "support team" is not a Zendesk ID'),
    })
  })

  it('a retried startHitl opens no second ticket', async () => {
    const { plugin, zendesk, cloud, botpress } = loop
    const { userId } = await plugin.createUser({ name: 'Retry Rita', email: 'rita@example.com' })
    const input = { userId, title: 'Help', messageHistory: [] }
    const before = zendesk.state.tickets.size
    // A retry is a call whose first attempt failed: a call that returned is never repeated as a retry (the same
    // input after it is another escalation, see lifecycle.test.ts).
    // Five 503s outlast the SDK client's three retries; Retry-After 0 keeps it from waiting 1 + 2 + 3 s between them.
    botpress.faults.serverError({ operation: 'updateConversation', count: 5, status: 503, retryAfter: 0 })
    await expect(cloud.action('startHitl', input)).rejects.toThrow()
    botpress.faults.clear()
    const retried = await cloud.action('startHitl', input)
    expect(plugin.ticketIdOf(retried.conversationId)).toBeGreaterThan(0)
    expect(zendesk.state.tickets.size).toBe(before + 1)
  })

  it('an unverified email joins no two users: each createUser is its own user, in Botpress and in Zendesk', async () => {
    const { plugin, zendesk } = loop
    const a = await plugin.createUser({ name: 'Bob', email: 'Bob@Example.com' })
    const b = await plugin.createUser({ name: 'Bob', email: 'bob@example.com' })
    expect(b.userId).not.toBe(a.userId)
    for (const { userId } of [a, b]) expect([...zendesk.state.users.values()].filter((u) => u.external_id === userId)).toHaveLength(1)
  })

  it('the plugin\'s fallback address never reaches Zendesk', async () => {
    const { plugin, zendesk } = loop
    const { userId } = await plugin.createUser({ name: 'No Mail', email: 'user_01abc@no-reply.bot_01xyz.botpress.com' })
    const user = [...zendesk.state.users.values()].find((u) => u.external_id === userId)!
    expect(user.email ?? null).toBeNull()
  })

  it('a picture URL Zendesk would refuse is dropped with a warning, not an error', async () => {
    const { plugin, zendesk, cloud } = loop
    const { userId } = await plugin.createUser({ name: 'Pic', email: 'pic@example.com', pictureUrl: `https://cdn.test/${'a'.repeat(300)}.png` })
    expect([...zendesk.state.users.values()].find((u) => u.external_id === userId)).toBeDefined()
    expect(cloud.logs.join('\n')).toMatch(/picture URL is not a web address Zendesk accepts/)
  })

  it('a user not linked to Zendesk is refused with a message saying what to do', async () => {
    const { cloud, botpress } = loop
    const stranger = botpress.createUserAsBot({ name: 'Stranger' })
    await expect(cloud.action('startHitl', { userId: stranger.id, messageHistory: [] })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('is not linked to a Zendesk user: create it with this integration\'s createUser action first'),
    })
  })
})

describe('the user\'s messages', () => {
  it('become public comments authored by the user, recorded with the comment id', async () => {
    const { plugin, botpress } = loop
    const session = await plugin.escalate()
    const sent = await plugin.userSays(session, 'Is anyone there?')
    expect(sent.status).toBe(200)
    const comment = plugin.comments(session).at(-1)!
    expect(comment).toMatchObject({ body: 'Is anyone there?', public: true })
    expect(loop.zendesk.state.users.get(comment.author_id)!.external_id).toBe(session.userId)
    const message = botpress.messagesIn(session.conversationId).at(-1)!
    expect(plugin.delivered(session)).toContain(`${message.id}=${comment.id}`)
  })

  it('a plugin notice is an internal note of the connected account, never a comment of the user', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    await plugin.notice(session, 'The user ended the session')
    const comment = plugin.comments(session).at(-1)!
    expect(comment).toMatchObject({ body: 'The user ended the session', public: false })
    expect(zendesk.state.users.get(comment.author_id)).toMatchObject({ role: 'admin' })
  })

  it('an image is attached to the ticket, not linked', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    await plugin.userSends(session, 'image', { imageUrl: `${files.url}/cat.png` })
    const comment = plugin.comments(session).at(-1)!
    expect(comment.attachments).toHaveLength(1)
    const attachment = comment.attachments[0]!
    expect(attachment).toMatchObject({ file_name: 'cat.png', content_type: 'image/png', size: PNG.length })
    const downloaded = Buffer.from(await (await fetch(attachment.content_url)).arrayBuffer())
    expect(downloaded.equals(PNG)).toBe(true)
    expect(zendesk.requests.filter((r) => r.path === '/api/v2/uploads.json' || r.path === '/api/v2/uploads').at(-1)?.headers['content-type']).toBe('image/png')
  })

  it('a file that cannot be fetched becomes a link with its name', async () => {
    const { plugin } = loop
    const session = await plugin.escalate()
    await plugin.userSends(session, 'file', { fileUrl: `${files.url}/missing.pdf`, title: 'Contract.pdf' })
    const comment = plugin.comments(session).at(-1)!
    expect(comment.attachments).toHaveLength(0)
    expect(comment.body).toContain(`Contract.pdf: ${files.url}/missing.pdf`)
  })

  it('a bloc with text and a file becomes one comment with the words and the attachment', async () => {
    const { plugin } = loop
    const session = await plugin.escalate()
    await plugin.userSends(session, 'bloc', {
      items: [
        { type: 'text', payload: { text: 'Here is the report' } },
        { type: 'file', payload: { fileUrl: `${files.url}/report.pdf` } },
      ],
    })
    const comment = plugin.comments(session).at(-1)!
    expect(comment.body).toBe('Here is the report')
    expect(comment.attachments.map((a) => a.file_name)).toEqual(['report.pdf'])
  })
})

describe('agents in Zendesk', () => {
  it('an agent\'s public reply reaches the user once, from a user carrying the agent\'s name and avatar', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    const agent = agentOf('Grace Hopper')
    zendesk.agent(agent.id).reply(session.ticketId, { htmlBody: '<p>Hello <strong>Ann</strong>, I am on it.</p>' })
    await zendesk.settled()
    const relayed = plugin.toUser(session)
    expect(relayed).toHaveLength(1)
    expect(relayed[0]).toMatchObject({ type: 'text', payload: { text: 'Hello Ann, I am on it.' } })
    const author = botpress.state.users.get(relayed[0]!.userId)!
    expect(author).toMatchObject({ name: 'Grace Hopper', pictureUrl: expect.stringContaining('Grace') })
  })

  it('on a long ticket, the newest reply still reaches the user', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    for (let i = 0; i < 30; i++) await plugin.userSays(session, `message ${i}`)
    zendesk.agent(agentOf('Patient Pat').id).reply(session.ticketId, { body: 'Thanks for waiting' })
    await zendesk.settled()
    expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['Thanks for waiting'])
  })

  it('an agent\'s internal note never reaches the user', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    const agent = agentOf('Note Taker')
    zendesk.agent(agent.id).note(session.ticketId, { body: 'Customer seems upset' })
    await zendesk.settled()
    expect(plugin.toUser(session)).toHaveLength(0)
  })

  it('the comments we posted ourselves never come back', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    await plugin.userSays(session, 'hello?')
    await plugin.notice(session, 'notice')
    await zendesk.settled()
    expect(plugin.toUser(session)).toHaveLength(0)
  })

  it('an agent\'s attachments arrive as image and file messages', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    const agent = agentOf('Attach Ada')
    zendesk.agent(agent.id).reply(session.ticketId, {
      body: 'See attached',
      attachments: [
        { fileName: 'screen.png', contentType: 'image/png', data: PNG },
        { fileName: 'terms.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF') },
      ],
    })
    await zendesk.settled()
    const relayed = plugin.toUser(session)
    expect(relayed.map((m) => m.type)).toEqual(['text', 'image', 'file'])
    expect(relayed[2]!.payload).toMatchObject({ title: 'terms.pdf' })
    const image = Buffer.from(await (await fetch(relayed[1]!.payload.imageUrl as string)).arrayBuffer())
    expect(image.equals(PNG)).toBe(true)
  })

  it('a retried webhook creates one message', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    zendesk.faults.duplicateDeliveries(3)
    try {
      zendesk.agent(agentOf('Dup Dan').id).reply(session.ticketId, { body: 'Only once' })
      await zendesk.settled()
    } finally {
      zendesk.faults.clear()
    }
    expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual(['Only once'])
  })

  it('assigning the ticket announces the agent once; unassigning announces nothing', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    const agent = agentOf('Assign Al')
    zendesk.agent(agent.id).assignToMe(session.ticketId)
    await zendesk.settled()
    zendesk.agent(agent.id).assign(session.ticketId, null)
    await zendesk.settled()
    const assigned = plugin.events(session, 'hitlAssigned')
    expect(assigned).toHaveLength(1)
    const agentUser = botpress.state.users.get((assigned[0]!.payload as { userId: string }).userId)!
    expect(agentUser.name).toBe('Assign Al')
  })

  it('the agent of the first reply is the plugin\'s agent already: assigning them announces nothing, another agent is announced', async () => {
    // HITL-PLUGIN.md: with no agent assigned yet, the plugin takes the first message's author as the agent.
    const { plugin, zendesk } = loop
    const session = await plugin.escalate()
    const agent = agentOf('Late Lou')
    zendesk.agent(agent.id).reply(session.ticketId, { body: 'Hi, Lou here' })
    await zendesk.settled()
    zendesk.agent(agent.id).assignToMe(session.ticketId)
    await zendesk.settled()
    expect(plugin.events(session, 'hitlAssigned')).toHaveLength(0)
    const other = agentOf('Next Nia')
    zendesk.agent(other.id).assignToMe(session.ticketId)
    await zendesk.settled()
    expect(plugin.events(session, 'hitlAssigned')).toHaveLength(1)
  })

  it('solving with a last comment delivers the comment, then gives the conversation back to the bot', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    const agent = agentOf('Solver Sam')
    zendesk.faults.reorderDeliveries(true)
    try {
      zendesk.agent(agent.id).setStatus(session.ticketId, 'solved', { comment: { body: 'Refund sent. Bye!' } })
      await zendesk.settled()
    } finally {
      zendesk.faults.clear()
    }
    const last = plugin.toUser(session)
    expect(last.map((m) => m.payload.text)).toEqual(['Refund sent. Bye!'])
    const stopped = plugin.events(session, 'hitlStopped')
    expect(stopped).toHaveLength(1)
    const messageAt = botpress.calls.findIndex((c) => c.operation === 'getOrCreateMessage' && c.status < 300 && JSON.stringify(c.body).includes(session.conversationId))
    const stopAt = botpress.calls.findIndex((c) => c.operation === 'createEvent' && JSON.stringify(c.body).includes('hitlStopped') && JSON.stringify(c.body).includes(session.conversationId))
    expect(messageAt).toBeGreaterThanOrEqual(0)
    expect(stopAt).toBeGreaterThan(messageAt)
  })
})

describe('stopping from the bot', () => {
  it('stopHitl solves the ticket, and its own update does not come back as a stop', async () => {
    const { plugin, zendesk, cloud } = loop
    const session = await plugin.escalate()
    expect(await cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
    await zendesk.settled()
    expect(zendesk.state.tickets.get(session.ticketId)!.status).toBe('solved')
    expect(plugin.events(session, 'hitlStopped')).toHaveLength(0)
    expect(zendesk.deliveries.filter((d) => d.ticketId === session.ticketId)).toHaveLength(0)
  })

  it('a conversation without a ticket is a no-op, and a closed ticket is not an error', async () => {
    const { plugin, zendesk, cloud, botpress } = loop
    const bare = botpress.createConversationAsBot({ channel: 'hitl', integration: 'zendesk-hitl' })
    expect(await cloud.action('stopHitl', { conversationId: bare.id })).toEqual({})
    const session = await plugin.escalate()
    zendesk.agent(zendesk.admin.id).setStatus(session.ticketId, 'closed')
    expect(await cloud.action('stopHitl', { conversationId: session.conversationId })).toEqual({})
  })

  it('a message that reaches a closed ticket opens a follow-up ticket instead of being lost', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    zendesk.agent(zendesk.admin.id).setStatus(session.ticketId, 'closed')
    const sent = await plugin.userSays(session, 'One more thing')
    expect(sent.status).toBe(200)
    const followUpId = plugin.ticketIdOf(session.conversationId)
    expect(followUpId).not.toBe(session.ticketId)
    const followUp = zendesk.state.tickets.get(followUpId)!
    expect(followUp.external_id).toBe(session.conversationId)
    expect(zendesk.state.tickets.get(session.ticketId)!.followup_ids).toEqual([followUpId])
    expect(zendesk.state.comments.get(followUpId)!.map((c) => c.body)).toContain('One more thing')
    expect(plugin.delivered(session)).toContain(`${botpress.messagesIn(session.conversationId).at(-1)!.id}=`)
  })
})

describe('the emulators saw only what the published APIs allow', () => {
  it('no request or response broke the Zendesk or Botpress OpenAPI contracts', () => {
    expect(loop.zendesk.contractViolations).toEqual([])
    expect(loop.botpress.contractViolations).toEqual([])
  })
})
