import { Client, ResourceNotFoundError, RuntimeError } from '@botpress/client'
import { describe, expect, it } from 'vitest'
import { emulatorPerTest } from '../../../emulators/botpress/clients'
import { handlers } from '../../../emulators/botpress/handlers'
import { runtimeContract, startBotpressEmulator } from '../../../emulators/botpress/index'

const c = emulatorPerTest()

describe('the emulator as a test harness', () => {
  it('has one handler per operation of the runtime spec and per Files operation it serves', () => {
    const operations = runtimeContract().operations.map((o) => o.id)
    expect(operations).toHaveLength(48 + 4)
    expect(operations).toEqual(expect.arrayContaining(['upsertFile', 'getFile', 'listFiles', 'deleteFile']))
    expect(operations.filter((id) => !handlers[id])).toEqual([])
  })

  it('records every call with its operation, request, answer and timing', async () => {
    const before = Date.now()
    const { user } = await c.integration.createUser({ tags: { email: 'a@x' } })
    await c.integration.listUsers({ tags: { email: 'a@x' } })
    const [create, list] = c.emulator.calls
    expect(create).toMatchObject({
      operation: 'createUser',
      method: 'POST',
      path: '/v1/chat/users',
      body: { tags: { email: 'a@x' } },
      status: 201,
      response: { user },
      headers: { 'x-bot-id': c.emulator.botId, 'x-integration-alias': 'zendesk-hitl', authorization: 'Bearer bp_int_test' },
    })
    expect(create?.at).toBeGreaterThanOrEqual(before)
    expect(create?.durationMs).toBeGreaterThan(0)
    expect(list).toMatchObject({ operation: 'listUsers', method: 'GET', query: { tags: { email: 'a@x' } }, status: 200 })
    expect(c.emulator.countCalls()).toBe(2)
    expect(c.emulator.countCalls({ operation: 'createUser' })).toBe(1)
    expect(c.emulator.countCalls({ operation: 'createUser', since: 1 })).toBe(0)
  })

  it('waitFor resolves with the value once the state has it', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    const { user } = await c.integration.createUser({ tags: {} })
    setTimeout(() => {
      void c.integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'late' }, tags: {} })
    }, 30)
    const message = await c.emulator.waitFor(() => c.emulator.messagesIn(conversation.id)[0])
    expect(message.payload).toEqual({ text: 'late' })
  })

  it('waitFor rejects with a message that says what it waited for and what happened', async () => {
    await c.integration.createUser({ tags: {} })
    const error = await c.emulator.waitFor(() => c.emulator.eventsOf('hitlStopped')[0], { timeoutMs: 50, description: 'a hitlStopped event' }).catch((e: Error) => e)
    expect((error as Error).message).toMatch(/waited 50 ms for a hitlStopped event; 1 calls so far, the last ones:\n {2}createUser POST \/v1\/chat\/users -> 201/)
  })

  it('tells listeners about new and updated entities until they unsubscribe', async () => {
    const seen: string[] = []
    const off = c.emulator.on('message', (m: { payload: { text: string }; tags: Record<string, string> }) => seen.push(`${m.payload.text}:${Object.values(m.tags).join()}`))
    const users: string[] = []
    c.emulator.on('user', (u: { id: string }) => users.push(u.id))
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    const { user } = await c.integration.createUser({ tags: {} })
    const { message } = await c.integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'a' }, tags: {} })
    await c.integration.updateMessage({ id: message.id, tags: { zendeskCommentId: '1' } })
    off()
    await c.integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'b' }, tags: {} })
    expect(seen).toEqual(['a:', 'a:1'])
    expect(users).toEqual([user.id])
  })

  it('delays and fails calls on demand, with Retry-After for the SDK\'s retry', async () => {
    c.emulator.faults.delay({ ms: 80, count: 1, operation: 'getUser' })
    let slowAnswered = false
    const slow = c.integration.getUser({ id: c.emulator.botUserId }).then(() => (slowAnswered = true))
    await c.integration.getUser({ id: c.emulator.botUserId })
    // The delayed call is still waiting when the next one, not delayed, has its answer.
    expect(slowAnswered).toBe(false)
    await slow

    c.emulator.faults.serverError({ count: 2, status: 503, operation: 'getUser', retryAfter: 0 })
    const res = await fetch(`${c.emulator.url}/v1/chat/users/${c.emulator.botUserId}`, { headers: { 'x-bot-id': c.emulator.botId } })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('0')
    c.emulator.faults.clear()
    await expect(c.integration.getUser({ id: c.emulator.botUserId })).resolves.toBeDefined()
  })

  it('plays the bot: users, conversations and messages made as the bot', async () => {
    const user = c.emulator.createUserAsBot({ name: 'Ada', pictureUrl: 'https://x/p.png', tags: { 'zendesk-hitl:email': 'ada@x', own: '1' } })
    expect(user.id).toMatch(/^user_/)
    expect((await c.integration.getUser({ id: user.id })).user).toEqual({ ...user, tags: { email: 'ada@x' } })
    expect(c.emulator.asSeenByIntegration(user, 'zendesk-hitl').tags).toEqual({ email: 'ada@x' })

    const conversation = c.emulator.createConversationAsBot({ channel: 'hitl', integration: 'zendesk-hitl', tags: {} })
    const message = c.emulator.createMessageAsBot({ conversationId: conversation.id, userId: c.emulator.botUserId, type: 'text', payload: { text: 'hi' } })
    expect(message.direction).toBe('outgoing')
    expect(c.emulator.messagesIn(conversation.id)).toEqual([message])
    expect(() => c.emulator.createMessageAsBot({ conversationId: 'conv_x', userId: user.id, type: 'text', payload: {} })).toThrow(/No conversation/)
  })

  it('the bot has its own user', async () => {
    expect((await c.integration.getUser({ id: c.emulator.botUserId })).user.id).toBe(c.emulator.botUserId)
    expect(c.emulator.botId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })
})

describe('the integration-level operations', () => {
  it('calls the action of another integration registered on the emulator', async () => {
    c.emulator.actions.set('slack:sendMessage', (input) => ({ sent: input.text }))
    c.emulator.actions.set('broken', () => {
      throw new Error('nope')
    })
    expect(await c.integration.callAction({ type: 'slack:sendMessage', input: { text: 'hi' } })).toEqual({ output: { sent: 'hi' }, meta: { cached: false } })
    await expect(c.integration.callAction({ type: 'missing', input: {} })).rejects.toBeInstanceOf(ResourceNotFoundError)
    await expect(c.integration.callAction({ type: 'broken', input: {} })).rejects.toBeInstanceOf(RuntimeError)
  })

  it('keeps what the integration configures, lists tag values and takes analytics', async () => {
    await c.integration.configureIntegration({ identifier: 'acme' })
    expect(c.emulator.state.integrationSettings.get('5b0c9e2e-8c4f-4a57-9c8e-6f0a3f1f2d11')).toEqual({ identifier: 'acme' })
    await c.integration.createUser({ tags: { email: 'a@x' } })
    await c.integration.createUser({ tags: { email: 'b@x' } })
    await c.integration.createUser({ tags: { email: 'a@x' } })
    expect((await c.integration.listTagValues({ key: 'email', type: 'user' })).tags).toEqual([{ value: 'a@x' }, { value: 'b@x' }])
    await expect(c.integration.trackAnalytics({ name: 'ticket_created', count: 1 })).resolves.toEqual({})
  })

  it('keeps tasks and workflows', async () => {
    const { conversation } = await c.bot.createConversation({ channel: 'hitl', tags: {}, integrationName: 'zendesk-hitl' })
    const { task } = await c.bot.createTask({ type: 'handoff', conversationId: conversation.id, title: 'Hand off' })
    expect(task).toMatchObject({ type: 'handoff', status: 'pending', title: 'Hand off' })
    expect((await c.bot.updateTask({ id: task.id, status: 'completed' })).task.status).toBe('completed')
    expect((await c.bot.listTasks({ status: ['completed'] })).tasks.map((t) => t.id)).toEqual([task.id])
    await c.bot.deleteTask({ id: task.id })
    await expect(c.bot.getTask({ id: task.id })).rejects.toBeInstanceOf(ResourceNotFoundError)

    const { workflow } = await c.bot.getOrCreateWorkflow({ name: 'hitl', status: 'in_progress', tags: { key: 'k' }, discriminateByTags: ['key'] })
    const again = await c.bot.getOrCreateWorkflow({ name: 'hitl', status: 'in_progress', tags: { key: 'k' }, discriminateByTags: ['key'] })
    expect(again.workflow.id).toBe(workflow.id)
    const { workflow: done } = await c.bot.updateWorkflow({ id: workflow.id, status: 'completed', output: { ok: true } })
    expect(done.completedAt).toBeTypeOf('string')
    expect((await c.bot.listWorkflows({ statuses: ['completed'] })).workflows).toHaveLength(1)
    expect((await c.bot.getWorkflow({ id: workflow.id })).workflow.output).toEqual({ ok: true })
    await c.bot.deleteWorkflow({ id: workflow.id })
    expect((await c.bot.createWorkflow({ name: 'other', status: 'pending' })).workflow.status).toBe('pending')
  })
})

describe('options', () => {
  it('validate: false records nothing but still rejects what the API rejects', async () => {
    const quiet = await startBotpressEmulator({ validate: false, botId: 'bot-fixed-id' })
    try {
      const client = new Client({ apiUrl: quiet.url, botId: 'bot-fixed-id' })
      await expect(client.createUser({ tags: { n: 1 as unknown as string } })).rejects.toThrow(/must be string/)
      expect(quiet.contractViolations).toEqual([])
      expect(quiet.botId).toBe('bot-fixed-id')
    } finally {
      await quiet.close()
    }
  })
})
