import { InvalidPayloadError, ReferenceNotFoundError, ResourceNotFoundError } from '@botpress/client'
import { describe, expect, it } from 'vitest'
import { emulatorPerTest } from '../../../emulators/botpress/clients'

const c = emulatorPerTest()

describe('conversations', () => {
  it('creates a conversation of the calling integration on a channel', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: { ticketId: '1' } })
    expect(conversation.id).toMatch(/^conv_[0-9A-Z]{26}$/)
    expect(conversation).toMatchObject({ channel: 'hitl', integration: 'zendesk-hitl', tags: { ticketId: '1' } })
    expect((await c.integration.getConversation({ id: conversation.id })).conversation).toEqual(conversation)
    expect((await c.bot.getConversation({ id: conversation.id })).conversation.tags).toEqual({ 'zendesk-hitl:ticketId': '1' })
  })

  it('lets a bot create one only by naming the integration', async () => {
    await expect(c.bot.createConversation({ channel: 'hitl', tags: {} })).rejects.toBeInstanceOf(InvalidPayloadError)
    const { conversation } = await c.bot.createConversation({ channel: 'hitl', tags: {}, integrationName: 'zendesk-hitl' })
    expect(conversation.integration).toBe('zendesk-hitl')
  })

  it('lists conversations filtered by tags, participants and channel', async () => {
    const { user } = await c.integration.createUser({ tags: {} })
    const { conversation: a } = await c.integration.createConversation({ channel: 'hitl', tags: { ticketId: '1' } })
    const { conversation: b } = await c.integration.createConversation({ channel: 'hitl', tags: { ticketId: '2' } })
    const { conversation: other } = await c.integration.createConversation({ channel: 'other', tags: { ticketId: '1' } })
    await c.integration.addParticipant({ id: b.id, userId: user.id })

    const ids = async (p: Parameters<typeof c.integration.listConversations>[0]) =>
      (await c.integration.listConversations(p)).conversations.map((x) => x.id)
    expect(await ids({})).toEqual([other.id, b.id, a.id])
    expect(await ids({ tags: { ticketId: '1' } })).toEqual([other.id, a.id])
    expect(await ids({ tags: { ticketId: '1' }, channel: 'hitl' })).toEqual([a.id])
    expect(await ids({ participantIds: [user.id] })).toEqual([b.id])
    expect(await ids({ integrationName: 'zendesk-hitl', sortDirection: 'asc' })).toEqual([a.id, b.id, other.id])
  })

  it('updates tags and deletes the conversation with its messages', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: { ticketId: '1', requestKey: 'k' } })
    const { conversation: updated } = await c.integration.updateConversation({ id: conversation.id, tags: { requestKey: '' } })
    expect(updated.tags).toEqual({ ticketId: '1' })

    const { user } = await c.integration.createUser({ tags: {} })
    const { message } = await c.integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'x' }, tags: {} })
    await c.integration.deleteConversation({ id: conversation.id })
    await expect(c.integration.getConversation({ id: conversation.id })).rejects.toBeInstanceOf(ResourceNotFoundError)
    await expect(c.integration.getMessage({ id: message.id })).rejects.toBeInstanceOf(ResourceNotFoundError)
  })

  it('getOrCreate finds the conversation by the discriminating tags on the same channel', async () => {
    const { conversation } = await c.integration.getOrCreateConversation({ channel: 'hitl', tags: { requestKey: 'r1' }, discriminateByTags: ['requestKey'] })
    const { conversation: again } = await c.integration.getOrCreateConversation({
      channel: 'hitl',
      tags: { requestKey: 'r1', ticketId: '5' },
      discriminateByTags: ['requestKey'],
    })
    expect(again.id).toBe(conversation.id)
    expect(again.tags).toEqual({ requestKey: 'r1', ticketId: '5' })
    const { conversation: otherChannel } = await c.integration.getOrCreateConversation({ channel: 'other', tags: { requestKey: 'r1' }, discriminateByTags: ['requestKey'] })
    expect(otherChannel.id).not.toBe(conversation.id)
    const [x, y] = await Promise.all(
      [1, 2].map(() => c.integration.getOrCreateConversation({ channel: 'hitl', tags: { requestKey: 'r2' }, discriminateByTags: ['requestKey'] }))
    )
    expect(x?.conversation.id).toBe(y?.conversation.id)
    await expect(
      c.integration.getOrCreateConversation({ channel: 'hitl', tags: { ticketId: '1' }, discriminateByTags: ['requestKey'] })
    ).rejects.toBeInstanceOf(InvalidPayloadError)
  })
})

describe('participants', () => {
  it('adds, lists, gets and removes participants', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    const { user } = await c.integration.createUser({ tags: { email: 'a@x' }, name: 'A' })
    const { participant } = await c.integration.addParticipant({ id: conversation.id, userId: user.id })
    expect(participant).toEqual(user)
    expect((await c.integration.listParticipants({ id: conversation.id })).participants).toEqual([user])
    expect((await c.integration.getParticipant({ id: conversation.id, userId: user.id })).participant).toEqual(user)
    await c.integration.removeParticipant({ id: conversation.id, userId: user.id })
    await expect(c.integration.getParticipant({ id: conversation.id, userId: user.id })).rejects.toBeInstanceOf(ResourceNotFoundError)
    await expect(c.integration.addParticipant({ id: conversation.id, userId: 'user_01J000000000000000000000XX' })).rejects.toBeInstanceOf(
      ReferenceNotFoundError
    )
  })

  it('makes the author of a message a participant', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    const { user } = await c.integration.createUser({ tags: {} })
    await c.integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'x' }, tags: {} })
    expect((await c.integration.listParticipants({ id: conversation.id })).participants.map((p) => p.id)).toEqual([user.id])
  })
})
