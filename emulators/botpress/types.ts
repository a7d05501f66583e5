import type { StoredFile } from './files'
import type { Conversation, Event, Message, State, Task, User, Workflow } from '@botpress/client'

export type { Conversation, Event, Message, State, Task, User, Workflow }

export type Tags = Record<string, string>

export type EntityKind = 'message' | 'event' | 'user' | 'conversation'

export interface RecordedCall {
  /** The operationId of the runtime spec, which is also the `@botpress/client` method name, e.g. 'getOrCreateMessage'. */
  operation: string
  method: string
  path: string
  query: Record<string, unknown>
  body: unknown
  status: number
  response: unknown
  /** Date.now() when the request arrived. */
  at: number
  durationMs: number
  headers: Record<string, string>
}

export interface ContractViolation {
  operation: string
  method: string
  path: string
  direction: 'request' | 'response'
  status?: number
  errors: string[]
  at: number
}

export interface ServerErrorFault {
  count: number
  status?: number
  operation?: string
  /** Seconds sent in `Retry-After`; the SDK's retry waits that long instead of 1 s, 2 s, 3 s. */
  retryAfter?: number
  /** The operation is carried out, then fails: the caller cannot tell it from a failure before the write. */
  afterWrite?: boolean
  /** Only requests whose path matches (one operation serves many states, say). */
  path?: RegExp
}

export interface DelayFault {
  ms: number
  path?: RegExp
  /** Absent: every matching call until `clear()`. */
  count?: number
  operation?: string
}

export interface IntegrationSettings {
  identifier?: string | null
  scheduleRegisterCall?: string
  sandboxIdentifiers?: Record<string, unknown> | null
}

export type ActionHandler = (input: Record<string, unknown>) => unknown

export interface EmulatorState {
  users: Map<string, User>
  conversations: Map<string, Conversation>
  messages: Map<string, Message>
  events: Map<string, Event>
  /** Keyed by `${type}/${id}/${name}`. */
  states: Map<string, State>
  /** Conversation id to the ids of its participants, in the order they joined. */
  participants: Map<string, Set<string>>
  tasks: Map<string, Task>
  workflows: Map<string, Workflow>
  /** What each integration sent to `configureIntegration`, by integration id. */
  integrationSettings: Map<string, IntegrationSettings>
  /** Files API: by file id, with the bytes uploaded to each. */
  files: Map<string, StoredFile>
}

export interface BotpressEmulatorOptions {
  port?: number
  host?: string
  /** Records contract violations and checks responses against the spec (default true). Requests are always checked: the real API rejects bad ones. */
  validate?: boolean
  botId?: string
  /** Items per page of the list operations (default 20). */
  pageSize?: number
}

export interface BotpressEmulator {
  url: string
  close(): Promise<void>
  botId: string
  botUserId: string
  state: EmulatorState
  calls: RecordedCall[]
  countCalls(filter?: { operation?: string; since?: number }): number
  contractViolations: ContractViolation[]
  messagesIn(conversationId: string): Message[]
  eventsOf(type?: string): Event[]
  waitFor<T>(
    predicate: () => T | undefined | false | null,
    opts?: { timeoutMs?: number; intervalMs?: number; description?: string }
  ): Promise<T>
  on(kind: EntityKind, cb: (x: any) => void): () => void
  faults: {
    serverError(p: ServerErrorFault): void
    delay(p: DelayFault): void
    clear(): void
    /** Server errors injected and not answered yet: a fault no request met says its test tested nothing. */
    pending(): number
  }
  /** Answers `callAction` for this action type (an action of another integration, called through the API). */
  actions: Map<string, ActionHandler>
  createUserAsBot(p: { name?: string; pictureUrl?: string; tags?: Tags }): User
  createConversationAsBot(p: { channel: string; integration: string; tags?: Tags }): Conversation
  createMessageAsBot(p: {
    conversationId: string
    userId: string
    type: string
    payload: Record<string, unknown>
    tags?: Tags
  }): Message
  /** A user's message as the channel's integration brings it in (direction `incoming`), e.g. a webchat user's. */
  createIncomingMessage(p: {
    conversationId: string
    userId: string
    type: string
    payload: Record<string, unknown>
    tags?: Tags
  }): Message
  /** Sets tags as the bot does (a plugin's `hitl#…` tags, another integration's `webchat:…` tags). */
  tagAsBot(kind: 'user' | 'conversation' | 'message', id: string, tags: Tags): void
  /** The conversation's first page of `listMessages` as the bot gets it: the newest messages, newest first. */
  firstMessagePage(conversationId: string): Message[]
  /** An object as the runtime API shows it to the integration with that alias (its own tags, unprefixed). */
  asSeenByIntegration<T extends User | Conversation | Message | Event>(entity: T, integrationAlias: string): T
}
