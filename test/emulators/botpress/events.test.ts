import { InvalidPayloadError, ReferenceNotFoundError, ResourceNotFoundError } from '@botpress/client'
import { describe, expect, it } from 'vitest'
import { emulatorPerTest } from '../../../emulators/botpress/clients'

const c = emulatorPerTest()

describe('events', () => {
  it('creates an event the bot receives under the integration\'s name', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    const { event } = await c.integration.createEvent({ type: 'hitlAssigned', payload: { conversationId: conversation.id, userId: 'u' }, conversationId: conversation.id })
    expect(event.id).toMatch(/^evt_[0-9A-Z]{26}$/)
    expect(event).toMatchObject({ type: 'hitlAssigned', status: 'pending', failureReason: null, conversationId: conversation.id })
    expect((await c.bot.getEvent({ id: event.id })).event.type).toBe('zendesk-hitl:hitlAssigned')
    expect((await c.integration.getEvent({ id: event.id })).event).toEqual(event)
    expect(c.emulator.eventsOf('hitlAssigned').map((e) => e.id)).toEqual([event.id])
    expect(c.emulator.eventsOf('zendesk-hitl:hitlAssigned')).toHaveLength(1)
    expect(c.emulator.eventsOf('hitlStopped')).toEqual([])
  })

  it('lists events newest first, filtered by type and conversation', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    const a = (await c.integration.createEvent({ type: 'hitlAssigned', payload: {}, conversationId: conversation.id })).event
    const b = (await c.integration.createEvent({ type: 'hitlStopped', payload: {}, conversationId: conversation.id })).event
    await c.integration.createEvent({ type: 'hitlStopped', payload: {} })
    expect((await c.integration.listEvents({ conversationId: conversation.id })).events.map((e) => e.id)).toEqual([b.id, a.id])
    expect((await c.integration.listEvents({ type: 'hitlAssigned' })).events.map((e) => e.id)).toEqual([a.id])
    expect((await c.bot.listEvents({ type: 'zendesk-hitl:hitlStopped' })).events).toHaveLength(2)
  })

  it('schedules and cancels an event', async () => {
    const { event } = await c.integration.createEvent({ type: 'reminder', payload: {}, schedule: { delay: 60_000 } })
    expect(event.status).toBe('scheduled')
    await c.integration.cancelScheduledEvent({ id: event.id })
    expect((await c.integration.getEvent({ id: event.id })).event.status).toBe('canceled')
    await expect(c.integration.cancelScheduledEvent({ id: event.id })).rejects.toBeInstanceOf(InvalidPayloadError)
  })

  it('refuses references to things that do not exist', async () => {
    await expect(c.integration.getEvent({ id: 'evt_01J000000000000000000000XX' })).rejects.toBeInstanceOf(ResourceNotFoundError)
    await expect(
      c.integration.createEvent({ type: 'x', payload: {}, conversationId: 'conv_01J000000000000000000000XX' })
    ).rejects.toBeInstanceOf(ReferenceNotFoundError)
  })
})
