import { ApiError, invalidPayload } from './errors'
import { newId } from './ids'
import type { Conversation, EmulatorState, EntityKind, Event, Message, Tags, User } from './types'

/**
 * Who calls: the bot (bot token, only `x-bot-id`) or an integration (`x-integration-id` too).
 * The API keeps an integration's tags and event types under its name (`zendesk-hitl:ticketId`,
 * as a bot reads them) and shows the integration its own ones without the prefix.
 */
export interface Caller {
  botId: string
  integrationId?: string
  /** The integration's namespace: its alias, which is its name unless the bot installed it under another. */
  alias?: string
}

const prefixOf = (caller: Caller) => (caller.integrationId ? `${caller.alias ?? caller.integrationId}:` : undefined)

export const tagKeyIn = (caller: Caller, key: string) => (prefixOf(caller) ?? '') + key

export function tagsIn(caller: Caller, tags: Tags | undefined): Tags {
  const out: Tags = {}
  for (const [k, v] of Object.entries(tags ?? {})) out[tagKeyIn(caller, k)] = v
  return out
}

/** An integration sees only its own tags; a bot sees them all. */
export function tagsOut(caller: Caller, tags: Tags): Tags {
  const prefix = prefixOf(caller)
  if (!prefix) return { ...tags }
  const out: Tags = {}
  for (const [k, v] of Object.entries(tags)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
  return out
}

export const eventTypeIn = (caller: Caller, type: string) => (prefixOf(caller) ?? '') + type

export function eventTypeOut(caller: Caller, type: string): string {
  const prefix = prefixOf(caller)
  return prefix && type.startsWith(prefix) ? type.slice(prefix.length) : type
}

/** "Individual keys can be unset by posting an empty value to them." */
export function mergeTags(current: Tags, updates: Tags): Tags {
  const out = { ...current }
  for (const [k, v] of Object.entries(updates)) {
    if (v === '') delete out[k]
    else out[k] = v
  }
  return out
}

/** A getOrCreate that finds the entity updates the tags it was given ("Tags will be updated if they are set"). */
export const changesTags = (current: Tags, updates: Tags) =>
  Object.entries(updates).some(([k, v]) => (v === '' ? k in current : current[k] !== v))

const withoutEmpty = (tags: Tags) => mergeTags({}, tags)

/** True when `tags` has every one of `keys` with the value it has in `wanted`. */
export const matchesTags = (tags: Tags, wanted: Tags, keys: string[] = Object.keys(wanted)) =>
  keys.every((k) => tags[k] === wanted[k])

/** The tags that identify the entity in a getOrCreate: `discriminateByTags`, or all the tags given. */
export function discriminatingTags(tags: Tags, discriminateByTags: string[] | undefined): string[] {
  const keys = discriminateByTags ?? Object.keys(tags)
  const missing = keys.filter((k) => !(k in tags) || tags[k] === '')
  if (missing.length) throw invalidPayload(`discriminateByTags names tags without a value: ${missing.join(', ')}`)
  return keys
}

const now = () => new Date().toISOString()
const tagEntry = (key: string, value: string) => `${key}\u0000${value}`

export class Store {
  readonly state: EmulatorState = {
    users: new Map(),
    conversations: new Map(),
    messages: new Map(),
    events: new Map(),
    states: new Map(),
    participants: new Map(),
    tasks: new Map(),
    workflows: new Map(),
    integrationSettings: new Map(),
    files: new Map(),
  }

  /** Creation order, so that items created in the same millisecond still sort "most recent first". */
  private readonly seq = new WeakMap<object, number>()
  private nextSeq = 0
  /** State key to the time it expires (ms since epoch). */
  readonly stateExpiry = new Map<string, number>()
  /** Event id to the workflow it was created for: the Event schema has no field for it, `listEvents` filters on it. */
  readonly eventWorkflow = new Map<string, string>()
  private readonly listeners = new Map<EntityKind, Set<(x: unknown) => void>>()
  /**
   * Messages by every tag (key and value) they have carried. getOrCreateMessage looks one up for each relayed
   * comment, and scanning every message made a long run quadratic. It may hold more than the tags have now
   * (an update or a deletion leaves the old entry): candidates are checked against the message itself.
   */
  private readonly messagesByTag = new Map<string, Set<Message>>()

  constructor(
    readonly botId: string,
    readonly botUserId: string
  ) {
    const at = now()
    this.state.users.set(botUserId, { id: botUserId, createdAt: at, updatedAt: at, tags: {} })
  }

  stamp<T extends object>(entity: T): T {
    this.seq.set(entity, this.nextSeq++)
    return entity
  }

  seqOf(entity: object): number {
    return this.seq.get(entity) ?? 0
  }

  on(kind: EntityKind, cb: (x: unknown) => void): () => void {
    let set = this.listeners.get(kind)
    if (!set) this.listeners.set(kind, (set = new Set()))
    set.add(cb)
    return () => set.delete(cb)
  }

  emit(kind: EntityKind, entity: unknown): void {
    for (const cb of this.listeners.get(kind) ?? []) {
      try {
        cb(structuredClone(entity))
      } catch (err) {
        // A broken listener (a test's or the sandbox's) must not turn into an API error.
        console.error(`botpress emulator: "${kind}" listener failed`, err)
      }
    }
  }

  // Users

  createUser(p: { tags: Tags; name?: string; pictureUrl?: string }): User {
    const at = now()
    const user: User = this.stamp({ id: newId('user'), createdAt: at, updatedAt: at, tags: withoutEmpty(p.tags) })
    if (p.name !== undefined) user.name = p.name
    if (p.pictureUrl !== undefined) user.pictureUrl = p.pictureUrl
    this.state.users.set(user.id, user)
    this.emit('user', user)
    return user
  }

  findUser(tags: Tags, keys: string[]): User | undefined {
    if (!keys.length) return undefined
    for (const u of this.state.users.values()) if (matchesTags(u.tags, tags, keys)) return u
    return undefined
  }

  updateUser(user: User, p: { tags?: Tags; name?: string | null; pictureUrl?: string | null }): User {
    if (p.tags) user.tags = mergeTags(user.tags, p.tags)
    if (p.name === null) delete user.name
    else if (p.name !== undefined) user.name = p.name
    if (p.pictureUrl === null) delete user.pictureUrl
    else if (p.pictureUrl !== undefined) user.pictureUrl = p.pictureUrl
    user.updatedAt = now()
    this.emit('user', user)
    return user
  }

  // Conversations

  createConversation(p: { channel: string; integration: string; tags: Tags }): Conversation {
    const at = now()
    const conversation: Conversation = this.stamp({
      id: newId('conv'),
      createdAt: at,
      updatedAt: at,
      channel: p.channel,
      integration: p.integration,
      tags: withoutEmpty(p.tags),
    })
    this.state.conversations.set(conversation.id, conversation)
    this.state.participants.set(conversation.id, new Set())
    this.emit('conversation', conversation)
    return conversation
  }

  findConversation(p: { channel: string; integration: string; tags: Tags }, keys: string[]): Conversation | undefined {
    if (!keys.length) return undefined
    for (const c of this.state.conversations.values()) {
      if (c.channel === p.channel && c.integration === p.integration && matchesTags(c.tags, p.tags, keys)) return c
    }
    return undefined
  }

  updateConversation(conversation: Conversation, p: { tags?: Tags; currentTaskId?: string }): Conversation {
    if (p.tags) conversation.tags = mergeTags(conversation.tags, p.tags)
    if (p.currentTaskId !== undefined) conversation.currentTaskId = p.currentTaskId
    conversation.updatedAt = now()
    this.emit('conversation', conversation)
    return conversation
  }

  addParticipant(conversationId: string, userId: string): void {
    let set = this.state.participants.get(conversationId)
    if (!set) this.state.participants.set(conversationId, (set = new Set()))
    set.add(userId)
  }

  deleteConversation(id: string): void {
    this.state.conversations.delete(id)
    this.state.participants.delete(id)
    // "Also immediately deletes corresponding Messages."
    for (const m of [...this.state.messages.values()]) if (m.conversationId === id) this.state.messages.delete(m.id)
  }

  deleteUser(id: string): void {
    this.state.users.delete(id)
    for (const set of this.state.participants.values()) set.delete(id)
  }

  // Messages

  createMessage(p: {
    conversationId: string
    userId: string
    type: string
    payload: Record<string, unknown>
    tags: Tags
    direction: 'incoming' | 'outgoing'
    origin?: 'synthetic'
    createdAt?: string
  }): Message {
    const at = p.createdAt ?? now()
    const message: Message = this.stamp({
      id: newId('msg'),
      createdAt: at,
      updatedAt: at,
      type: p.type,
      payload: p.payload,
      direction: p.direction,
      userId: p.userId,
      conversationId: p.conversationId,
      tags: withoutEmpty(p.tags),
    })
    if (p.origin) message.origin = p.origin
    this.state.messages.set(message.id, message)
    this.indexMessageTags(message)
    this.addParticipant(p.conversationId, p.userId)
    this.emit('message', message)
    return message
  }

  /** The first message created (as a scan in creation order finds it) that has `tags` at every one of `keys`. */
  findMessage(tags: Tags, keys: string[]): Message | undefined {
    const [first] = keys
    if (first === undefined) return undefined
    let found: Message | undefined
    for (const m of this.messagesByTag.get(tagEntry(first, tags[first] ?? '')) ?? []) {
      if (this.state.messages.get(m.id) !== m || !matchesTags(m.tags, tags, keys)) continue
      if (!found || this.seqOf(m) < this.seqOf(found)) found = m
    }
    return found
  }

  private indexMessageTags(message: Message): void {
    for (const [key, value] of Object.entries(message.tags)) {
      const entry = tagEntry(key, value)
      let set = this.messagesByTag.get(entry)
      if (!set) this.messagesByTag.set(entry, (set = new Set()))
      set.add(message)
    }
  }

  updateMessage(message: Message, p: { tags: Tags; payload?: Record<string, unknown> }): Message {
    message.tags = mergeTags(message.tags, p.tags)
    this.indexMessageTags(message)
    if (p.payload !== undefined) message.payload = p.payload
    message.updatedAt = now()
    this.emit('message', message)
    return message
  }

  // Events

  createEvent(p: {
    type: string
    payload: Record<string, unknown>
    conversationId?: string
    userId?: string
    messageId?: string
    workflowId?: string
    scheduled: boolean
  }): Event {
    const event: Event = this.stamp({
      id: newId('evt'),
      createdAt: now(),
      type: p.type,
      payload: p.payload,
      status: p.scheduled ? 'scheduled' : 'pending',
      failureReason: null,
    })
    if (p.conversationId) event.conversationId = p.conversationId
    if (p.userId) event.userId = p.userId
    if (p.messageId) event.messageId = p.messageId
    if (p.workflowId) this.eventWorkflow.set(event.id, p.workflowId)
    this.state.events.set(event.id, event)
    this.emit('event', event)
    return event
  }

  /** Most recent first, as every list operation of the API answers. */
  newestFirst<T extends { createdAt: string; updatedAt?: string }>(
    items: Iterable<T>,
    field: 'createdAt' | 'updatedAt' = 'createdAt',
    direction: 'asc' | 'desc' = 'desc'
  ): T[] {
    const sign = direction === 'desc' ? -1 : 1
    const time = (x: T) => Date.parse(x[field] ?? x.createdAt)
    return [...items].sort((a, b) => sign * (time(a) - time(b) || this.seqOf(a) - this.seqOf(b)))
  }

  assertBot(botId: string): void {
    if (botId !== this.botId) throw new ApiError('Forbidden', `This token can't access bot "${botId}"`)
  }
}
