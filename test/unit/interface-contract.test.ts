// Pins the hitl@2.1.0 contract that bp_modules/hitl describes: the names the hitl plugin calls, and which fields
// are required. A change here is a change of contract with the plugin, never a refactor.
import type * as sdk from '@botpress/sdk'
import { describe, expect, it } from 'vitest'
import hitl from '../../bp_modules/hitl'
import definition from '../../integration.definition'

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; required?: string[]; maxLength?: number; anyOf?: JsonSchema[] }
// `extend` merges the interface's actions and events in; the definition's static type shows only its own.
const actions = definition.actions as Record<string, { input: { schema: sdk.z.ZodTypeAny }; output: { schema: sdk.z.ZodTypeAny } }>
const events = definition.events as Record<string, { schema: sdk.z.ZodTypeAny }>

const shape = (schema: { toJSONSchema(): unknown }) => {
  const json = schema.toJSONSchema() as JsonSchema
  const props = Object.keys(json.properties ?? {}).sort()
  return { props, required: [...(json.required ?? [])].sort() }
}

describe('the hitl interface package', () => {
  it('is hitl version 2.1.0, an interface package', () => {
    expect(hitl).toMatchObject({ type: 'interface', name: 'hitl', version: '2.1.0' })
    expect(Object.keys(hitl.definition.entities)).toEqual(['hitlSession'])
  })

  it.each([
    ['createUser', { props: ['email', 'name', 'pictureUrl'], required: ['name'] }, { props: ['userId'], required: ['userId'] }],
    [
      'startHitl',
      { props: ['description', 'hitlSession', 'messageHistory', 'title', 'userId'], required: ['messageHistory', 'userId'] },
      { props: ['conversationId'], required: ['conversationId'] },
    ],
    ['stopHitl', { props: ['conversationId'], required: ['conversationId'] }, { props: [], required: [] }],
  ])('action %s takes and returns the published fields', (name, input, output) => {
    const action = actions[name]!
    expect(shape(action.input.schema)).toEqual(input)
    expect(shape(action.output.schema)).toEqual(output)
  })

  it.each([
    ['hitlAssigned', { props: ['conversationId', 'userId'], required: ['conversationId', 'userId'] }],
    ['hitlStopped', { props: ['conversationId'], required: ['conversationId'] }],
  ])('event %s carries the published fields', (name, expected) => {
    expect(shape(events[name]!.schema)).toEqual(expected)
  })

  it.each([
    ['text', ['text']],
    ['image', ['imageUrl']],
    ['audio', ['audioUrl']],
    ['video', ['videoUrl']],
    ['file', ['fileUrl']],
    ['bloc', ['items']],
  ])('the hitl channel takes %s messages with an optional author and additional data', (type, required) => {
    const schema = definition.channels!.hitl!.messages[type]!.schema
    const s = shape(schema)
    expect(s.required).toEqual(required)
    expect(s.props).toEqual(expect.arrayContaining(['userId', 'additionalData']))
    expect(schema.safeParse({ ...sample[type], additionalData: 'x'.repeat(500) }).success).toBe(true)
    expect(schema.safeParse({ ...sample[type], additionalData: 'x'.repeat(501) }).success).toBe(false)
  })

  it('takes the history in every message type the plugin may send, with the author marked', () => {
    const history = actions.startHitl!.input.schema
    const types = ['text', 'image', 'audio', 'video', 'file', 'location', 'carousel', 'card', 'dropdown', 'choice', 'bloc', 'markdown']
    for (const type of types) {
      const ok = history.safeParse({ userId: 'u', messageHistory: [{ source: { type: 'bot' }, type, payload: historySample[type] }] })
      expect(ok.success, type).toBe(true)
    }
    const unknownSource = history.safeParse({ userId: 'u', messageHistory: [{ source: { type: 'agent' }, type: 'text', payload: { text: 'x' } }] })
    expect(unknownSource.success).toBe(false)
  })

  it('resolves hitlSession to the ticket entity in startHitl', () => {
    const props = (actions.startHitl!.input.schema.toJSONSchema() as JsonSchema).properties!
    const session = JSON.stringify(props.hitlSession)
    for (const field of ['priority', 'tags', 'groupId', 'ticketFormId', 'customFields', 'requesterName', 'requesterEmail', 'chatbotName']) {
      expect(session).toContain(`"${field}"`)
    }
  })

  it('declares the interface as implemented with the ticket entity', () => {
    expect(definition.interfaces).toMatchObject({ 'hitl<ticket>': { name: 'hitl', version: '2.1.0', entities: { hitlSession: { name: 'ticket' } } } })
    expect(definition.channels!.hitl!.title).toBe('Zendesk Ticket')
  })
})

const sample: Record<string, object> = {
  text: { text: 'hi' },
  image: { imageUrl: 'https://x/y.png' },
  audio: { audioUrl: 'https://x/y.mp3' },
  video: { videoUrl: 'https://x/y.mp4' },
  file: { fileUrl: 'https://x/y.pdf' },
  bloc: { items: [{ type: 'text', payload: { text: 'hi' } }] },
}

const card = { title: 'T', actions: [{ action: 'url', label: 'Go', value: 'https://x' }] }
const historySample: Record<string, object> = {
  ...sample,
  location: { latitude: 1, longitude: 2 },
  card,
  carousel: { items: [card] },
  dropdown: { text: 'Pick', options: [{ label: 'A', value: 'a' }] },
  choice: { text: 'Pick', options: [{ label: 'A', value: 'a' }] },
  markdown: { markdown: '**hi**' },
}
