import { ResourceNotFoundError } from '@botpress/client'
import { describe, expect, it } from 'vitest'
import { emulatorPerTest } from '../../../emulators/botpress/clients'

const c = emulatorPerTest({ pageSize: 2 })

describe('users', () => {
  it('creates and gets a user, keeping the integration\'s tags under its name', async () => {
    const { user } = await c.integration.createUser({ tags: { email: 'ada@example.com' }, name: 'Ada', pictureUrl: 'https://x/a.png' })
    expect(user.id).toMatch(/^user_[0-9A-Z]{26}$/)
    expect(user).toMatchObject({ tags: { email: 'ada@example.com' }, name: 'Ada', pictureUrl: 'https://x/a.png' })
    expect(c.emulator.state.users.get(user.id)?.tags).toEqual({ 'zendesk-hitl:email': 'ada@example.com' })

    expect((await c.integration.getUser({ id: user.id })).user).toEqual(user)
    expect((await c.bot.getUser({ id: user.id })).user.tags).toEqual({ 'zendesk-hitl:email': 'ada@example.com' })
    expect(c.emulator.calls.map((x) => [x.operation, x.status])).toEqual([
      ['createUser', 201],
      ['getUser', 200],
      ['getUser', 200],
    ])
  })

  it('lists users newest first, filtered by tags, a page at a time', async () => {
    const ids = []
    for (const team of ['a', 'b', 'a', 'a']) ids.push((await c.integration.createUser({ tags: { team } })).user.id)

    const first = await c.integration.listUsers({ tags: { team: 'a' } })
    expect(first.users.map((u) => u.id)).toEqual([ids[3], ids[2]])
    expect(first.meta.nextToken).toBeTypeOf('string')
    const second = await c.integration.listUsers({ tags: { team: 'a' }, nextToken: first.meta.nextToken })
    expect(second.users.map((u) => u.id)).toEqual([ids[0]])
    expect(second.meta.nextToken).toBeUndefined()

    const all = await c.integration.list.users({ tags: { team: 'a' } }).collect()
    expect(all).toHaveLength(3)
    const oldestFirst = await c.integration.listUsers({ tags: { team: 'b' }, sortField: 'createdAt', sortDirection: 'asc' })
    expect(oldestFirst.users.map((u) => u.id)).toEqual([ids[1]])
  })

  it('lists the participants of a conversation with conversationId', async () => {
    const { user } = await c.integration.createUser({ tags: {} })
    await c.integration.createUser({ tags: {} })
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    await c.integration.addParticipant({ id: conversation.id, userId: user.id })
    const { users } = await c.integration.listUsers({ conversationId: conversation.id })
    expect(users.map((u) => u.id)).toEqual([user.id])
  })

  it('updates tags, name and picture; an empty tag value and null unset them', async () => {
    const { user } = await c.integration.createUser({ tags: { email: 'a@x', zendeskUserId: '1' }, name: 'A', pictureUrl: 'p' })
    const { user: renamed } = await c.integration.updateUser({ id: user.id, name: 'B', tags: { zendeskUserId: '2' } })
    expect(renamed).toMatchObject({ name: 'B', pictureUrl: 'p', tags: { email: 'a@x', zendeskUserId: '2' } })
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(user.updatedAt))

    // The SDK's integrations pass whole users back: the client keeps only the fields of the body.
    const { user: cleared } = await c.integration.updateUser({ ...renamed, tags: { email: '' }, name: null, pictureUrl: null } as never)
    expect(cleared.tags).toEqual({ zendeskUserId: '2' })
    expect(cleared).not.toHaveProperty('name')
    expect(cleared).not.toHaveProperty('pictureUrl')
  })

  it('deletes a user', async () => {
    const { user } = await c.integration.createUser({ tags: {} })
    await c.integration.deleteUser({ id: user.id })
    await expect(c.integration.getUser({ id: user.id })).rejects.toBeInstanceOf(ResourceNotFoundError)
    await expect(c.integration.deleteUser({ id: user.id })).rejects.toBeInstanceOf(ResourceNotFoundError)
  })

  it('getOrCreate finds the user by the discriminating tags and updates the others', async () => {
    const { user } = await c.integration.getOrCreateUser({ tags: { email: 'a@x', zendeskUserId: '1' }, name: 'A', discriminateByTags: ['email'] })
    const { user: again } = await c.integration.getOrCreateUser({ tags: { email: 'a@x', zendeskUserId: '9' }, discriminateByTags: ['email'] })
    expect(again.id).toBe(user.id)
    expect(again.tags).toEqual({ email: 'a@x', zendeskUserId: '9' })
    const { user: other } = await c.integration.getOrCreateUser({ tags: { email: 'b@x' }, discriminateByTags: ['email'] })
    expect(other.id).not.toBe(user.id)
    // Without discriminateByTags every given tag must match.
    const { user: byAll } = await c.integration.getOrCreateUser({ tags: { email: 'a@x', zendeskUserId: '1' } })
    expect(byAll.id).not.toBe(user.id)
  })

  it('does not confuse the tags of two integrations or of the bot', async () => {
    const { user } = await c.integration.createUser({ tags: { email: 'a@x' } })
    const bots = c.emulator.createUserAsBot({ name: 'Bot-made', tags: { email: 'a@x' } })
    const { users } = await c.integration.listUsers({ tags: { email: 'a@x' } })
    expect(users.map((u) => u.id)).toEqual([user.id])
    expect((await c.integration.getUser({ id: bots.id })).user.tags).toEqual({})
    expect((await c.bot.listUsers({ tags: { 'zendesk-hitl:email': 'a@x' } })).users.map((u) => u.id)).toEqual([user.id])
  })
})
