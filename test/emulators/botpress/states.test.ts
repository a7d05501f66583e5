import { ResourceNotFoundError } from '@botpress/client'
import { describe, expect, it, vi } from 'vitest'
import { emulatorPerTest } from '../../../emulators/botpress/clients'

const c = emulatorPerTest()
const integrationId = '5b0c9e2e-8c4f-4a57-9c8e-6f0a3f1f2d11'

const zendesk = { type: 'integration' as const, id: integrationId, name: 'zendesk' }

describe('states', () => {
  it('answers 404 for a state never set', async () => {
    await expect(c.integration.getState(zendesk)).rejects.toBeInstanceOf(ResourceNotFoundError)
  })

  it('sets, gets, patches and overrides an integration state', async () => {
    const { state } = await c.integration.setState({ ...zendesk, payload: { webhookId: 'w1', triggerIds: [1] } })
    expect(state).toMatchObject({ type: 'integration', name: 'zendesk', botId: c.emulator.botId, payload: { webhookId: 'w1', triggerIds: [1] } })
    expect(state.id).toMatch(/^state_/)
    const got = await c.integration.getState(zendesk)
    expect(got).toEqual({ state, meta: { cached: false } })

    const { state: patched } = await c.integration.patchState({ ...zendesk, payload: { triggerIds: [1, 2] } })
    expect(patched.payload).toEqual({ webhookId: 'w1', triggerIds: [1, 2] })
    const { state: replaced } = await c.integration.setState({ ...zendesk, payload: { webhookId: 'w2' } })
    expect(replaced.id).toBe(state.id)
    expect(replaced.payload).toEqual({ webhookId: 'w2' })
    expect(c.emulator.state.states.get(`integration/${integrationId}/zendesk`)?.payload).toEqual({ webhookId: 'w2' })
  })

  it('getOrSet keeps the state that exists', async () => {
    const first = await c.integration.getOrSetState({ ...zendesk, payload: { v: 1 } })
    const second = await c.integration.getOrSetState({ ...zendesk, payload: { v: 2 } })
    expect(first.state.payload).toEqual({ v: 1 })
    expect(second.state).toEqual(first.state)
  })

  it('patches only a state that exists', async () => {
    await expect(c.integration.patchState({ ...zendesk, payload: { v: 1 } })).rejects.toBeInstanceOf(ResourceNotFoundError)
  })

  it('forgets a state after its expiry, and setStateExpiry changes it', async () => {
    // The emulator runs in this process and reads Date: with Date faked, 60 ms pass when the test says so, and a
    // busy machine's pauses between two calls no longer expire a state early.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      await c.integration.setState({ ...zendesk, payload: { v: 1 }, expiry: 40 })
      await c.integration.getState(zendesk)
      vi.advanceTimersByTime(60)
      await expect(c.integration.getState(zendesk)).rejects.toBeInstanceOf(ResourceNotFoundError)

      await c.integration.setState({ ...zendesk, payload: { v: 2 }, expiry: 40 })
      await c.integration.setStateExpiry({ ...zendesk, expiry: null })
      vi.advanceTimersByTime(60)
      expect((await c.integration.getState(zendesk)).state.payload).toEqual({ v: 2 })
    } finally {
      vi.useRealTimers()
    }
  })

  it('deletes a state set to null', async () => {
    await c.integration.setState({ ...zendesk, payload: { v: 1 } })
    await c.integration.setState({ ...zendesk, payload: null })
    await expect(c.integration.getState(zendesk)).rejects.toBeInstanceOf(ResourceNotFoundError)
  })

  it('keeps conversation, user and bot states apart and needs the conversation or user to exist', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    const { user } = await c.integration.createUser({ tags: {} })
    const conv = await c.integration.setState({ type: 'conversation', id: conversation.id, name: 'assignment', payload: { assigneeId: '1' } })
    expect(conv.state.conversationId).toBe(conversation.id)
    const usr = await c.integration.setState({ type: 'user', id: user.id, name: 'assignment', payload: { assigneeId: '2' } })
    expect(usr.state.userId).toBe(user.id)
    await c.bot.setState({ type: 'bot', id: c.emulator.botId, name: 'assignment', payload: { assigneeId: '3' } })
    expect((await c.integration.getState({ type: 'conversation', id: conversation.id, name: 'assignment' })).state.payload).toEqual({ assigneeId: '1' })
    expect((await c.bot.getState({ type: 'bot', id: c.emulator.botId, name: 'assignment' })).state.payload).toEqual({ assigneeId: '3' })
    await expect(
      c.integration.setState({ type: 'conversation', id: 'conv_01J000000000000000000000XX', name: 'assignment', payload: {} })
    ).rejects.toBeInstanceOf(ResourceNotFoundError)
  })
})
