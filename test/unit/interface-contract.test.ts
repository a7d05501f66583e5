// Pins the hitl@2.1.0 contract: bp_modules/hitl is what `bp add interface:hitl@2.1.0` writes, and the integration
// extends it without changing a name, a field, a message type or an attribute. The published document
// (emulators/contracts/hitl-2.1.0-interface.json) is the reference; a drift from it is a change of contract with the
// hitl plugin and with Botpress's servers, never a refactor.
import { readFileSync } from 'node:fs'
import * as sdk from '@botpress/sdk'
import { describe, expect, it } from 'vitest'
import hitl from '../../bp_modules/hitl'
import definition from '../../integration.definition'
import packageJson from '../../package.json'

type Json = Record<string, any>
const published: Json = JSON.parse(readFileSync(new URL('../../emulators/contracts/hitl-2.1.0-interface.json', import.meta.url), 'utf8'))

/** JSON Schema as the CLI sends it, with the encodings of "no other key" that mean the same thing made one. */
function normalized(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalized)
  if (!schema || typeof schema !== 'object') return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === '$schema') continue
    if (key === 'x-zui' && Object.keys(value as Json).length === 0) continue
    out[key] = key === 'additionalProperties' && typeof value === 'object' && 'not' in value ? false : normalized(value)
  }
  return out
}
const asPublished = (schema: sdk.z.ZodTypeAny) => normalized(sdk.transforms.toJSONSchemaLegacy(schema, { target: 'jsonSchema7' }))

const shape = (schema: sdk.z.ZodTypeAny) => {
  const json = schema.toJSONSchema() as Json
  return { props: Object.keys(json.properties ?? {}).sort(), required: [...(json.required ?? [])].sort() }
}
const iface: sdk.InterfacePackage['definition'] = hitl.definition
const HIDDEN_IN_STUDIO = { bpActionHiddenInStudio: 'true' }
const markdownItem = { type: 'markdown', payload: { markdown: '**Order 1234** is _late_' } }

describe('bp_modules/hitl: the package `bp add interface:hitl@2.1.0` writes', () => {
  it('is the interface hitl 2.1.0, listed in package.json bpDependencies as the CLI records it', () => {
    expect(hitl).toMatchObject({ type: 'interface', name: 'hitl', version: '2.1.0' })
    expect(hitl.definition).toMatchObject({ name: 'hitl', version: '2.1.0', attributes: {} })
    expect(packageJson.bpDependencies).toEqual({ hitl: 'interface:hitl@2.1.0' })
  })

  it('has the published names', () => {
    const d = iface
    expect(Object.keys(d.actions!)).toEqual(Object.keys(published.actions))
    expect(Object.keys(d.events!)).toEqual(Object.keys(published.events))
    expect(Object.keys(d.entities!)).toEqual(Object.keys(published.entities))
    expect(Object.keys(d.channels!.hitl!.messages)).toEqual(Object.keys(published.channels.hitl.messages))
  })

  it.each(Object.keys(published.actions))('action %s: input, output, title, description and attributes as published', (name) => {
    const action = iface.actions![name]!
    const reference = published.actions[name]
    expect(asPublished(action.input.schema)).toEqual(normalized(reference.input.schema))
    expect(asPublished(action.output.schema)).toEqual(normalized(reference.output.schema))
    expect({ title: action.title, description: action.description, attributes: action.attributes }).toEqual({
      title: reference.title,
      description: reference.description,
      attributes: reference.attributes,
    })
  })

  it.each(Object.keys(published.events))('event %s: schema and attributes as published', (name) => {
    const event = iface.events![name]!
    expect(asPublished(event.schema)).toEqual(normalized(published.events[name].schema))
    expect(event.attributes).toEqual(published.events[name].attributes)
  })

  it.each(Object.keys(published.channels.hitl.messages))('hitl channel message %s: schema as published', (type) => {
    const message = iface.channels!.hitl!.messages[type]!
    expect(asPublished(message.schema)).toEqual(normalized(published.channels.hitl.messages[type].schema))
  })

  it('entity hitlSession as published', () => {
    const entity = iface.entities!.hitlSession!
    expect(asPublished(entity.schema)).toEqual(normalized(published.entities.hitlSession.schema))
    expect({ title: entity.title, description: entity.description }).toEqual({
      title: published.entities.hitlSession.title,
      description: published.entities.hitlSession.description,
    })
  })
})

describe('the integration implements hitl 2.1.0 exactly', () => {
  it.each([
    ['createUser', { props: ['email', 'name', 'pictureUrl'], required: ['name'] }, { props: ['userId'], required: ['userId'] }],
    [
      'startHitl',
      { props: ['description', 'hitlSession', 'messageHistory', 'title', 'userId'], required: ['messageHistory', 'userId'] },
      { props: ['conversationId'], required: ['conversationId'] },
    ],
    ['stopHitl', { props: ['conversationId'], required: ['conversationId'] }, { props: [], required: [] }],
  ])('action %s takes and returns the published fields, hidden in Studio', (name, input, output) => {
    const action = definition.actions![name]!
    expect(shape(action.input.schema)).toEqual(input)
    expect(shape(action.output.schema)).toEqual(output)
    expect(action.attributes).toEqual(HIDDEN_IN_STUDIO)
  })

  it.each([
    ['hitlAssigned', { props: ['conversationId', 'userId'], required: ['conversationId', 'userId'] }],
    ['hitlStopped', { props: ['conversationId'], required: ['conversationId'] }],
  ])('event %s carries the published fields and is hidden in Studio', (name, expected) => {
    const event = definition.events![name]!
    expect(shape(event.schema)).toEqual(expected)
    expect(event.attributes).toEqual(HIDDEN_IN_STUDIO)
  })

  it.each([
    ['text', ['text']],
    ['image', ['imageUrl']],
    ['audio', ['audioUrl']],
    ['video', ['videoUrl']],
    ['file', ['fileUrl']],
    ['bloc', ['items']],
  ])('the hitl channel takes %s messages with an optional author and additional data, described as published', (type, required) => {
    const schema = definition.channels!.hitl!.messages[type]!.schema
    const s = shape(schema)
    expect(s.required).toEqual(required)
    const props = (schema.toJSONSchema() as Json).properties
    expect(props.userId).toEqual({ type: 'string', description: 'Allows sending a message pretending to be a certain user' })
    expect(props.additionalData).toEqual({
      type: 'string',
      maxLength: 500,
      description: 'Additional data to send with the message, useful for custom integrations. Must be encoded in a string.',
    })
    expect(schema.safeParse({ ...sample[type], additionalData: 'x'.repeat(500) }).success).toBe(true)
    expect(schema.safeParse({ ...sample[type], additionalData: 'x'.repeat(501) }).success).toBe(false)
  })

  it('a bloc message to the hitl channel may hold markdown items (sdk.messages.markdownBloc)', () => {
    const bloc = definition.channels!.hitl!.messages.bloc!.schema
    expect(bloc.safeParse({ items: [{ type: 'text', payload: { text: 'Hi' } }, markdownItem] }).success).toBe(true)
    expect(bloc.safeParse({ items: [{ type: 'card', payload: card }] }).success).toBe(false)
  })

  it('takes the history in every message type the plugin may send, a bloc with markdown items included', () => {
    const history = definition.actions!.startHitl!.input.schema
    const types = ['text', 'image', 'audio', 'video', 'file', 'location', 'carousel', 'card', 'dropdown', 'choice', 'bloc', 'markdown']
    for (const type of types) {
      const ok = history.safeParse({ userId: 'u', messageHistory: [{ source: { type: 'bot' }, type, payload: historySample[type] }] })
      expect(ok.success, type).toBe(true)
    }
    const markdownBloc = { source: { type: 'bot' }, type: 'bloc', payload: { items: [markdownItem] } }
    expect(history.safeParse({ userId: 'u', messageHistory: [markdownBloc] }).success).toBe(true)
    const unknownSource = history.safeParse({ userId: 'u', messageHistory: [{ source: { type: 'agent' }, type: 'text', payload: { text: 'x' } }] })
    expect(unknownSource.success).toBe(false)
  })

  it('resolves hitlSession to the ticket entity in startHitl', () => {
    const props = (definition.actions!.startHitl!.input.schema.toJSONSchema() as Json).properties
    const session = JSON.stringify(props.hitlSession)
    for (const field of ['priority', 'tags', 'groupId', 'ticketFormId', 'customFields', 'requesterName', 'requesterEmail', 'chatbotName']) {
      expect(session).toContain(`"${field}"`)
    }
  })

  it('declares the interface as implemented with the ticket entity, every name unchanged', () => {
    expect(definition.interfaces).toEqual({
      'hitl<ticket>': {
        name: 'hitl',
        version: '2.1.0',
        entities: { hitlSession: { name: 'ticket' } },
        actions: { createUser: { name: 'createUser' }, startHitl: { name: 'startHitl' }, stopHitl: { name: 'stopHitl' } },
        events: { hitlAssigned: { name: 'hitlAssigned' }, hitlStopped: { name: 'hitlStopped' } },
        channels: { hitl: { name: 'hitl' } },
      },
    })
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
