import { ReferenceNotFoundError, ResourceNotFoundError } from '@botpress/client'
import { beforeEach, describe, expect, it } from 'vitest'
import { emulatorPerTest } from '../../../emulators/botpress/clients'

const c = emulatorPerTest()
let conversationId: string
let userId: string

beforeEach(async () => {
  conversationId = (await c.integration.createConversation({ channel: 'hitl', tags: { ticketId: '1' } })).conversation.id
  userId = (await c.integration.createUser({ tags: { email: 'a@x' } })).user.id
})

const text = (t: string, tags: Record<string, string> = {}) => ({ conversationId, userId, type: 'text', payload: { text: t }, tags })

describe('messages', () => {
  it('creates incoming messages for an integration and outgoing ones for the bot', async () => {
    const { message } = await c.integration.createMessage(text('from the user', { zendeskCommentId: '10' }))
    expect(message.id).toMatch(/^msg_[0-9A-Z]{26}$/)
    expect(message).toMatchObject({ direction: 'incoming', type: 'text', payload: { text: 'from the user' }, tags: { zendeskCommentId: '10' } })
    const { message: reply } = await c.bot.createMessage({ ...text('from the bot'), userId: c.emulator.botUserId })
    expect(reply.direction).toBe('outgoing')
    expect(c.emulator.messagesIn(conversationId).map((m) => m.id)).toEqual([message.id, reply.id])
    expect((await c.integration.getMessage({ id: message.id })).message).toEqual(message)
  })

  it('refuses a message in a conversation or from a user that does not exist', async () => {
    await expect(c.integration.createMessage({ ...text('x'), conversationId: 'conv_01J000000000000000000000XX' })).rejects.toBeInstanceOf(
      ReferenceNotFoundError
    )
    await expect(c.integration.createMessage({ ...text('x'), userId: 'user_01J000000000000000000000XX' })).rejects.toBeInstanceOf(
      ReferenceNotFoundError
    )
  })

  it('lists messages of a conversation newest first, filtered by tags', async () => {
    const m1 = (await c.integration.createMessage(text('1', { zendeskCommentId: 'a' }))).message
    const m2 = (await c.integration.createMessage(text('2'))).message
    const otherConversation = (await c.integration.createConversation({ channel: 'hitl', tags: {} })).conversation.id
    await c.integration.createMessage({ ...text('3'), conversationId: otherConversation })

    expect((await c.integration.listMessages({ conversationId })).messages.map((m) => m.id)).toEqual([m2.id, m1.id])
    expect((await c.integration.listMessages({ tags: { zendeskCommentId: 'a' } })).messages.map((m) => m.id)).toEqual([m1.id])
  })

  it('acks: updateMessage merges the tags (PUT /v1/chat/messages/{id}) and may replace the payload', async () => {
    const { message } = await c.integration.createMessage(text('hi'))
    const { message: acked } = await c.integration.updateMessage({ id: message.id, tags: { zendeskCommentId: '99' } })
    expect(acked.tags).toEqual({ zendeskCommentId: '99' })
    expect(acked.payload).toEqual({ text: 'hi' })
    const call = c.emulator.calls.at(-1)
    expect(call).toMatchObject({ operation: 'updateMessage', method: 'PUT', path: `/v1/chat/messages/${message.id}`, status: 200 })
    expect(c.emulator.state.messages.get(message.id)?.tags).toEqual({ 'zendesk-hitl:zendeskCommentId': '99' })

    const { message: edited } = await c.integration.updateMessage({ id: message.id, tags: {}, payload: { text: 'edited' } })
    expect(edited).toMatchObject({ payload: { text: 'edited' }, tags: { zendeskCommentId: '99' } })
    await expect(c.integration.updateMessage({ id: 'msg_01J000000000000000000000XX', tags: {} })).rejects.toBeInstanceOf(ResourceNotFoundError)
  })

  it('deletes a message', async () => {
    const { message } = await c.integration.createMessage(text('bye'))
    await c.integration.deleteMessage({ id: message.id })
    await expect(c.integration.getMessage({ id: message.id })).rejects.toBeInstanceOf(ResourceNotFoundError)
    expect(c.emulator.messagesIn(conversationId)).toEqual([])
  })

  it('getOrCreate finds the message by its discriminating tags', async () => {
    const { message } = await c.integration.getOrCreateMessage({ ...text('a', { zendeskCommentId: '1' }), discriminateByTags: ['zendeskCommentId'] })
    const { message: again } = await c.integration.getOrCreateMessage({ ...text('b', { zendeskCommentId: '1' }), discriminateByTags: ['zendeskCommentId'] })
    expect(again.id).toBe(message.id)
    expect(again.payload).toEqual({ text: 'a' })
  })

  it('getOrCreate goes by the tags a message has now: not one it had before an update, nor a deleted message', async () => {
    const discriminate = (t: string, tags: Record<string, string>) => ({ ...text(t, tags), discriminateByTags: Object.keys(tags) })
    const { message: first } = await c.integration.getOrCreateMessage(discriminate('first', { zendeskCommentId: '7' }))
    await c.integration.updateMessage({ id: first.id, tags: { zendeskCommentId: '8' } })
    const { message: seven } = await c.integration.getOrCreateMessage(discriminate('seven', { zendeskCommentId: '7' }))
    expect(seven.id).not.toBe(first.id)
    expect((await c.integration.getOrCreateMessage(discriminate('eight', { zendeskCommentId: '8' }))).message.id).toBe(first.id)
    // Both tagged 9, the younger first: the older is found, the first match in creation order.
    await c.integration.updateMessage({ id: seven.id, tags: { zendeskCommentId: '9' } })
    await c.integration.updateMessage({ id: first.id, tags: { zendeskCommentId: '9' } })
    expect((await c.integration.getOrCreateMessage(discriminate('nine', { zendeskCommentId: '9' }))).message.id).toBe(first.id)
    await c.integration.deleteMessage({ id: first.id })
    expect((await c.integration.getOrCreateMessage(discriminate('after', { zendeskCommentId: '9' }))).message.id).toBe(seven.id)
  })

  it('getOrCreate is atomic: concurrent calls with the same tags make one message', async () => {
    // The delay holds every request until all of them are in flight.
    c.emulator.faults.delay({ ms: 30, operation: 'getOrCreateMessage' })
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        c.integration.getOrCreateMessage({ ...text(`attempt ${i}`, { zendeskCommentId: '42' }), discriminateByTags: ['zendeskCommentId'] })
      )
    )
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1)
    expect(c.emulator.messagesIn(conversationId)).toHaveLength(1)
    expect(c.emulator.countCalls({ operation: 'getOrCreateMessage' })).toBe(8)
  })

  it('initializes an incoming message with its user and conversation', async () => {
    const init = () =>
      c.integration.initializeIncomingMessage({
        user: { tags: { email: 'new@x' }, discriminateByTags: ['email'], name: 'New' },
        conversation: { channel: 'hitl', tags: { ticketId: '77' }, discriminateByTags: ['ticketId'] },
        message: { type: 'text', payload: { text: 'hello' }, tags: { zendeskCommentId: '5' }, discriminateByTags: ['zendeskCommentId'] },
      })
    const first = await init()
    expect(first.user).toMatchObject({ name: 'New', tags: { email: 'new@x' } })
    expect(first.conversation.tags).toEqual({ ticketId: '77' })
    expect(first.message).toMatchObject({ direction: 'incoming', userId: first.user.id, conversationId: first.conversation.id })
    const second = await init()
    expect([second.user.id, second.conversation.id, second.message?.id]).toEqual([first.user.id, first.conversation.id, first.message?.id])
  })

  it('imports messages once', async () => {
    const messages = [
      { ...text('old', { zendeskCommentId: '1' }), createdAt: '2024-01-01T00:00:00.000Z', discriminateByTags: ['zendeskCommentId'] },
      { ...text('older', { zendeskCommentId: '0' }), createdAt: '2023-01-01T00:00:00.000Z', discriminateByTags: ['zendeskCommentId'] },
    ]
    const first = await c.integration.importMessages({ messages })
    const second = await c.integration.importMessages({ messages })
    expect(second.messages.map((m) => m.id)).toEqual(first.messages.map((m) => m.id))
    expect(first.messages[0]?.createdAt).toBe('2024-01-01T00:00:00.000Z')
    expect((await c.integration.listMessages({ conversationId })).messages.map((m) => m.payload.text)).toEqual(['old', 'older'])
  })
})
