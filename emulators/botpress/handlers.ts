import { ApiError, invalidPayload, notFound, referenceNotFound } from './errors'
import { fileHandlers } from './files'
import { paginate } from './pages'
import { newId } from './ids'
import {
  type Caller,
  type Store,
  changesTags,
  discriminatingTags,
  eventTypeIn,
  eventTypeOut,
  matchesTags,
  mergeTags,
  tagKeyIn,
  tagsIn,
  tagsOut,
} from './store'
import type { ActionHandler, Conversation, Event, Message, State, Tags, Task, User, Workflow } from './types'

export interface HandlerContext {
  caller: Caller
  params: Record<string, string>
  query: Record<string, any>
  body: any
  store: Store
  pageSize: number
  actions: Map<string, ActionHandler>
  /** Where the emulator answers: the base of the URLs it hands out (file uploads). */
  origin: string
}

/** Answers the success body; the status is the operation's success status in the spec. Throws ApiError otherwise. */
export type Handler = (ctx: HandlerContext) => unknown

// What the caller sees: an integration gets its own tags and event types without its prefix.

export const viewUser = (c: Caller, u: User): User => ({ ...structuredClone(u), tags: tagsOut(c, u.tags) })
export const viewConversation = (c: Caller, x: Conversation): Conversation => ({
  ...structuredClone(x),
  tags: tagsOut(c, x.tags),
})
export const viewMessage = (c: Caller, m: Message): Message => ({ ...structuredClone(m), tags: tagsOut(c, m.tags) })
export const viewEvent = (c: Caller, e: Event): Event => ({ ...structuredClone(e), type: eventTypeOut(c, e.type) })
const viewTask = (c: Caller, t: Task): Task => ({ ...structuredClone(t), tags: tagsOut(c, t.tags) })
const viewWorkflow = (c: Caller, w: Workflow): Workflow => ({ ...structuredClone(w), tags: tagsOut(c, w.tags) })


function dateBound(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  const t = Date.parse(String(value))
  if (Number.isNaN(t)) throw new ApiError('InvalidQuery', `${name} must be an ISO 8601 date, got "${String(value)}"`)
  return t
}

/** afterDate and beforeDate are inclusive. */
function inDateRange(ctx: HandlerContext, value: string): boolean {
  const after = dateBound(ctx.query.afterDate, 'afterDate')
  const before = dateBound(ctx.query.beforeDate, 'beforeDate')
  const t = Date.parse(value)
  return (after === undefined || t >= after) && (before === undefined || t <= before)
}

const queryTags = (ctx: HandlerContext): Tags | undefined =>
  ctx.query.tags ? tagsIn(ctx.caller, ctx.query.tags as Tags) : undefined

function getUser(ctx: HandlerContext, id: string): User {
  const user = ctx.store.state.users.get(id)
  if (!user) throw notFound('User', id)
  return user
}

function getConversation(ctx: HandlerContext, id: string): Conversation {
  const conversation = ctx.store.state.conversations.get(id)
  if (!conversation) throw notFound('Conversation', id)
  return conversation
}

function getMessage(ctx: HandlerContext, id: string): Message {
  const message = ctx.store.state.messages.get(id)
  if (!message) throw notFound('Message', id)
  return message
}

function requireReferences(ctx: HandlerContext, refs: { conversationId?: string; userId?: string; messageId?: string }): void {
  const { conversations, users, messages } = ctx.store.state
  if (refs.conversationId !== undefined && !conversations.has(refs.conversationId))
    throw referenceNotFound('Conversation', refs.conversationId)
  if (refs.userId !== undefined && !users.has(refs.userId)) throw referenceNotFound('User', refs.userId)
  if (refs.messageId !== undefined && !messages.has(refs.messageId)) throw referenceNotFound('Message', refs.messageId)
}

/** A conversation belongs to an integration: a bot names it (deprecated `integrationName`), an integration is it. */
function conversationIntegration(ctx: HandlerContext): string {
  const name = ctx.caller.integrationId ? (ctx.caller.alias ?? ctx.caller.integrationId) : ctx.body.integrationName
  if (!name) throw invalidPayload('integrationName is required to create a conversation as a bot')
  return name as string
}

const direction = (ctx: HandlerContext) => (ctx.caller.integrationId ? 'incoming' : 'outgoing')

// Users

function getOrCreateUser(ctx: HandlerContext, body: { tags: Tags; name?: string; pictureUrl?: string; discriminateByTags?: string[] }): User {
  const tags = tagsIn(ctx.caller, body.tags)
  const keys = discriminatingTags(tags, body.discriminateByTags?.map((k) => tagKeyIn(ctx.caller, k)))
  const existing = ctx.store.findUser(tags, keys)
  if (existing) return changesTags(existing.tags, tags) ? ctx.store.updateUser(existing, { tags }) : existing
  return ctx.store.createUser({ tags, name: body.name, pictureUrl: body.pictureUrl })
}

function getOrCreateConversation(ctx: HandlerContext, body: { channel: string; tags: Tags; discriminateByTags?: string[] }): Conversation {
  const p = { channel: body.channel, integration: conversationIntegration(ctx), tags: tagsIn(ctx.caller, body.tags) }
  const keys = discriminatingTags(p.tags, body.discriminateByTags?.map((k) => tagKeyIn(ctx.caller, k)))
  const existing = ctx.store.findConversation(p, keys)
  if (existing) return changesTags(existing.tags, p.tags) ? ctx.store.updateConversation(existing, { tags: p.tags }) : existing
  return ctx.store.createConversation(p)
}

interface MessageInput {
  conversationId: string
  userId: string
  type: string
  payload: Record<string, unknown>
  tags: Tags
  origin?: 'synthetic'
  createdAt?: string
  discriminateByTags?: string[]
}

/** Synchronous from lookup to insert, so two concurrent calls with the same tags make one message. */
function getOrCreateMessage(ctx: HandlerContext, body: MessageInput): Message {
  requireReferences(ctx, body)
  const tags = tagsIn(ctx.caller, body.tags)
  const keys = discriminatingTags(tags, body.discriminateByTags?.map((k) => tagKeyIn(ctx.caller, k)))
  const existing = ctx.store.findMessage(tags, keys)
  if (existing) return changesTags(existing.tags, tags) ? ctx.store.updateMessage(existing, { tags }) : existing
  return ctx.store.createMessage({ ...body, tags, direction: direction(ctx) })
}

// States

type StateType = State['type']

const stateKey = (type: string, id: string, name: string) => `${type}/${id}/${name}`

function liveState(ctx: HandlerContext): { key: string; state: State | undefined } {
  const { type, id, name } = ctx.params as { type: StateType; id: string; name: string }
  if (type === 'conversation') getConversation(ctx, id)
  if (type === 'user') getUser(ctx, id)
  const key = stateKey(type, id, name)
  const expiresAt = ctx.store.stateExpiry.get(key)
  if (expiresAt !== undefined && expiresAt <= Date.now()) {
    ctx.store.state.states.delete(key)
    ctx.store.stateExpiry.delete(key)
  }
  return { key, state: ctx.store.state.states.get(key) }
}

function setExpiry(ctx: HandlerContext, key: string, expiry: number | null | undefined): void {
  if (expiry === undefined) return
  if (expiry === null) ctx.store.stateExpiry.delete(key)
  else ctx.store.stateExpiry.set(key, Date.now() + expiry)
}

function newState(ctx: HandlerContext, payload: Record<string, unknown>): State {
  const { type, id, name } = ctx.params as { type: StateType; id: string; name: string }
  const at = new Date().toISOString()
  const state: State = { id: newId('state'), createdAt: at, updatedAt: at, botId: ctx.store.botId, name, type, payload }
  if (type === 'conversation') state.conversationId = id
  if (type === 'user') state.userId = id
  return ctx.store.stamp(state)
}

function requireState(ctx: HandlerContext): { key: string; state: State } {
  const { key, state } = liveState(ctx)
  if (!state) {
    const { type, id, name } = ctx.params
    throw new ApiError('ResourceNotFound', `No state "${name}" of type "${type}" for "${id}"`)
  }
  return { key, state }
}

// Tasks and workflows: what a bot does with them; an integration rarely does.

const TWO_DAYS_MS = 2 * 24 * 3600 * 1000

function getTask(ctx: HandlerContext): Task {
  const task = ctx.store.state.tasks.get(ctx.params.id as string)
  if (!task) throw notFound('Task', ctx.params.id as string)
  return task
}

function getWorkflow(ctx: HandlerContext): Workflow {
  const workflow = ctx.store.state.workflows.get(ctx.params.id as string)
  if (!workflow) throw notFound('Workflow', ctx.params.id as string)
  return workflow
}

const FINISHED_WORKFLOW = new Set(['completed', 'failed', 'timedout', 'cancelled'])

function createWorkflow(ctx: HandlerContext, body: any): Workflow {
  requireReferences(ctx, { conversationId: body.conversationId, userId: body.userId })
  const at = new Date().toISOString()
  const workflow: Workflow = ctx.store.stamp({
    id: newId('wfl'),
    name: body.name,
    status: body.status,
    input: body.input ?? {},
    output: {},
    createdAt: at,
    updatedAt: at,
    timeoutAt: body.timeoutAt ?? new Date(Date.now() + TWO_DAYS_MS).toISOString(),
    tags: tagsIn(ctx.caller, body.tags),
  })
  if (body.parentWorkflowId) workflow.parentWorkflowId = body.parentWorkflowId
  if (body.conversationId) workflow.conversationId = body.conversationId
  if (body.userId) workflow.userId = body.userId
  ctx.store.state.workflows.set(workflow.id, workflow)
  return workflow
}

export const handlers: Record<string, Handler> = {
  ...fileHandlers,

  // Users

  createUser: (ctx) => {
    const { tags, name, pictureUrl } = ctx.body
    return { user: viewUser(ctx.caller, ctx.store.createUser({ tags: tagsIn(ctx.caller, tags), name, pictureUrl })) }
  },
  getUser: (ctx) => ({ user: viewUser(ctx.caller, getUser(ctx, ctx.params.id as string)) }),
  listUsers: (ctx) => {
    const tags = queryTags(ctx)
    const members = ctx.query.conversationId ? ctx.store.state.participants.get(ctx.query.conversationId) : undefined
    const range = (ctx.query.rangeField ?? 'createdAt') as 'createdAt' | 'updatedAt'
    const users = [...ctx.store.state.users.values()].filter(
      (u) =>
        (!ctx.query.conversationId || members?.has(u.id)) &&
        (!tags || matchesTags(u.tags, tags)) &&
        inDateRange(ctx, u[range])
    )
    const page = paginate(ctx, ctx.store.newestFirst(users, ctx.query.sortField, ctx.query.sortDirection))
    return { users: page.items.map((u) => viewUser(ctx.caller, u)), meta: page.meta }
  },
  updateUser: (ctx) => {
    const user = getUser(ctx, ctx.params.id as string)
    const { tags, name, pictureUrl } = ctx.body
    return { user: viewUser(ctx.caller, ctx.store.updateUser(user, { tags: tags && tagsIn(ctx.caller, tags), name, pictureUrl })) }
  },
  deleteUser: (ctx) => {
    getUser(ctx, ctx.params.id as string)
    ctx.store.deleteUser(ctx.params.id as string)
    return {}
  },
  getOrCreateUser: (ctx) => ({ user: viewUser(ctx.caller, getOrCreateUser(ctx, ctx.body)) }),

  // Conversations

  createConversation: (ctx) => {
    const conversation = ctx.store.createConversation({
      channel: ctx.body.channel,
      integration: conversationIntegration(ctx),
      tags: tagsIn(ctx.caller, ctx.body.tags),
    })
    return { conversation: viewConversation(ctx.caller, conversation) }
  },
  getConversation: (ctx) => ({ conversation: viewConversation(ctx.caller, getConversation(ctx, ctx.params.id as string)) }),
  listConversations: (ctx) => {
    const tags = queryTags(ctx)
    const participantIds = (ctx.query.participantIds ?? []) as string[]
    const conversations = [...ctx.store.state.conversations.values()].filter((c) => {
      const members = ctx.store.state.participants.get(c.id)
      return (
        (!tags || matchesTags(c.tags, tags)) &&
        participantIds.every((id) => members?.has(id)) &&
        (!ctx.query.integrationName || c.integration === ctx.query.integrationName) &&
        (!ctx.query.channel || c.channel === ctx.query.channel) &&
        inDateRange(ctx, c.createdAt)
      )
    })
    const page = paginate(ctx, ctx.store.newestFirst(conversations, ctx.query.sortField, ctx.query.sortDirection))
    return { conversations: page.items.map((c) => viewConversation(ctx.caller, c)), meta: page.meta }
  },
  updateConversation: (ctx) => {
    const conversation = getConversation(ctx, ctx.params.id as string)
    const { tags, currentTaskId } = ctx.body
    const updated = ctx.store.updateConversation(conversation, { tags: tags && tagsIn(ctx.caller, tags), currentTaskId })
    return { conversation: viewConversation(ctx.caller, updated) }
  },
  deleteConversation: (ctx) => {
    getConversation(ctx, ctx.params.id as string)
    ctx.store.deleteConversation(ctx.params.id as string)
    return {}
  },
  getOrCreateConversation: (ctx) => ({ conversation: viewConversation(ctx.caller, getOrCreateConversation(ctx, ctx.body)) }),

  // Participants

  listParticipants: (ctx) => {
    getConversation(ctx, ctx.params.id as string)
    const ids = [...(ctx.store.state.participants.get(ctx.params.id as string) ?? [])]
    const users = ids.map((id) => ctx.store.state.users.get(id)).filter((u): u is User => u !== undefined)
    const page = paginate(ctx, users)
    return { participants: page.items.map((u) => viewUser(ctx.caller, u)), meta: page.meta }
  },
  addParticipant: (ctx) => {
    getConversation(ctx, ctx.params.id as string)
    requireReferences(ctx, { userId: ctx.body.userId })
    ctx.store.addParticipant(ctx.params.id as string, ctx.body.userId)
    return { participant: viewUser(ctx.caller, getUser(ctx, ctx.body.userId)) }
  },
  getParticipant: (ctx) => {
    const { id, userId } = ctx.params as { id: string; userId: string }
    getConversation(ctx, id)
    if (!ctx.store.state.participants.get(id)?.has(userId)) throw notFound('Participant', userId)
    return { participant: viewUser(ctx.caller, getUser(ctx, userId)) }
  },
  removeParticipant: (ctx) => {
    const { id, userId } = ctx.params as { id: string; userId: string }
    getConversation(ctx, id)
    const members = ctx.store.state.participants.get(id)
    if (!members?.has(userId)) throw notFound('Participant', userId)
    members.delete(userId)
    return {}
  },

  // Events

  createEvent: (ctx) => {
    const { type, payload, schedule, conversationId, userId, messageId, workflowId } = ctx.body
    requireReferences(ctx, { conversationId, userId, messageId })
    if (workflowId !== undefined && !ctx.store.state.workflows.has(workflowId)) throw referenceNotFound('Workflow', workflowId)
    const event = ctx.store.createEvent({
      type: eventTypeIn(ctx.caller, type),
      payload,
      conversationId,
      userId,
      messageId,
      workflowId,
      scheduled: schedule !== undefined,
    })
    return { event: viewEvent(ctx.caller, event) }
  },
  getEvent: (ctx) => {
    const event = ctx.store.state.events.get(ctx.params.id as string)
    if (!event) throw notFound('Event', ctx.params.id as string)
    return { event: viewEvent(ctx.caller, event) }
  },
  listEvents: (ctx) => {
    const q = ctx.query
    const type = q.type === undefined ? undefined : eventTypeIn(ctx.caller, q.type)
    const events = [...ctx.store.state.events.values()].filter(
      (e) =>
        (type === undefined || e.type === type) &&
        (q.conversationId === undefined || e.conversationId === q.conversationId) &&
        (q.userId === undefined || e.userId === q.userId) &&
        (q.messageId === undefined || e.messageId === q.messageId) &&
        (q.workflowId === undefined || ctx.store.eventWorkflow.get(e.id) === q.workflowId) &&
        (q.status === undefined || e.status === q.status)
    )
    const page = paginate(ctx, ctx.store.newestFirst(events))
    return { events: page.items.map((e) => viewEvent(ctx.caller, e)), meta: page.meta }
  },
  cancelScheduledEvent: (ctx) => {
    const event = ctx.store.state.events.get(ctx.params.id as string)
    if (!event) throw notFound('Event', ctx.params.id as string)
    if (event.status !== 'scheduled') throw invalidPayload(`Event "${event.id}" is ${event.status}, not scheduled`)
    event.status = 'canceled'
    ctx.store.emit('event', event)
    return {}
  },

  // Messages

  createMessage: (ctx) => {
    const { conversationId, userId, type, payload, tags, origin } = ctx.body
    requireReferences(ctx, { conversationId, userId })
    const message = ctx.store.createMessage({
      conversationId,
      userId,
      type,
      payload,
      tags: tagsIn(ctx.caller, tags),
      origin,
      direction: direction(ctx),
    })
    return { message: viewMessage(ctx.caller, message) }
  },
  getOrCreateMessage: (ctx) => ({ message: viewMessage(ctx.caller, getOrCreateMessage(ctx, ctx.body)) }),
  getMessage: (ctx) => ({ message: viewMessage(ctx.caller, getMessage(ctx, ctx.params.id as string)) }),
  updateMessage: (ctx) => {
    const message = getMessage(ctx, ctx.params.id as string)
    const updated = ctx.store.updateMessage(message, { tags: tagsIn(ctx.caller, ctx.body.tags), payload: ctx.body.payload })
    return { message: viewMessage(ctx.caller, updated) }
  },
  listMessages: (ctx) => {
    const tags = queryTags(ctx)
    const messages = [...ctx.store.state.messages.values()].filter(
      (m) =>
        (!ctx.query.conversationId || m.conversationId === ctx.query.conversationId) &&
        (!tags || matchesTags(m.tags, tags)) &&
        inDateRange(ctx, m.createdAt)
    )
    const page = paginate(ctx, ctx.store.newestFirst(messages))
    return { messages: page.items.map((m) => viewMessage(ctx.caller, m)), meta: page.meta }
  },
  deleteMessage: (ctx) => {
    getMessage(ctx, ctx.params.id as string)
    ctx.store.state.messages.delete(ctx.params.id as string)
    return {}
  },
  initializeIncomingMessage: (ctx) => {
    const b = ctx.body
    if (b.userId === undefined && b.user === undefined) throw invalidPayload('Either userId or user is required')
    if (b.conversationId === undefined && b.conversation === undefined)
      throw invalidPayload('Either conversationId or conversation is required')
    const user = b.userId !== undefined ? getUser(ctx, b.userId) : getOrCreateUser(ctx, b.user)
    const conversation =
      b.conversationId !== undefined ? getConversation(ctx, b.conversationId) : getOrCreateConversation(ctx, b.conversation)
    ctx.store.addParticipant(conversation.id, user.id)
    const message = b.message
      ? getOrCreateMessage(ctx, { ...b.message, conversationId: conversation.id, userId: user.id })
      : undefined
    return {
      user: viewUser(ctx.caller, user),
      conversation: viewConversation(ctx.caller, conversation),
      ...(message && { message: viewMessage(ctx.caller, message) }),
    }
  },
  importMessages: (ctx) => ({
    messages: (ctx.body.messages as MessageInput[]).map((m) => viewMessage(ctx.caller, getOrCreateMessage(ctx, m))),
  }),

  // States

  getState: (ctx) => ({ state: structuredClone(requireState(ctx).state), meta: { cached: false } }),
  setState: (ctx) => {
    const { key, state } = liveState(ctx)
    const { payload, expiry } = ctx.body as { payload: Record<string, unknown> | null; expiry?: number | null }
    if (payload === null) {
      // A null payload deletes the state; the answer still carries a state, emptied.
      ctx.store.state.states.delete(key)
      ctx.store.stateExpiry.delete(key)
      return { state: { ...(state ?? newState(ctx, {})), payload: {} } }
    }
    const next = state ?? newState(ctx, payload)
    next.payload = payload
    next.updatedAt = new Date().toISOString()
    ctx.store.state.states.set(key, next)
    setExpiry(ctx, key, expiry)
    return { state: structuredClone(next) }
  },
  getOrSetState: (ctx) => {
    const { key, state } = liveState(ctx)
    if (state) return { state: structuredClone(state), meta: { cached: false } }
    const created = newState(ctx, ctx.body.payload)
    ctx.store.state.states.set(key, created)
    setExpiry(ctx, key, ctx.body.expiry)
    return { state: structuredClone(created), meta: { cached: false } }
  },
  patchState: (ctx) => {
    const { state } = requireState(ctx)
    state.payload = { ...state.payload, ...ctx.body.payload }
    state.updatedAt = new Date().toISOString()
    return { state: structuredClone(state) }
  },
  setStateExpiry: (ctx) => {
    const { key, state } = requireState(ctx)
    setExpiry(ctx, key, ctx.body.expiry)
    return { state: structuredClone(state) }
  },

  // Integration-level operations

  callAction: async (ctx) => {
    const { type, input } = ctx.body as { type: string; input: Record<string, unknown> }
    const handler = ctx.actions.get(type)
    if (!handler) throw notFound('Action', type)
    try {
      return { output: (await handler(input)) ?? {}, meta: { cached: false } }
    } catch (err) {
      throw new ApiError('Runtime', err instanceof Error ? err.message : String(err))
    }
  },
  configureIntegration: (ctx) => {
    if (!ctx.caller.integrationId) throw new ApiError('Forbidden', 'Only an integration can configure itself')
    const previous = ctx.store.state.integrationSettings.get(ctx.caller.integrationId) ?? {}
    ctx.store.state.integrationSettings.set(ctx.caller.integrationId, { ...previous, ...ctx.body })
    return {}
  },
  listTagValues: (ctx) => {
    const key = tagKeyIn(ctx.caller, ctx.params.key as string)
    const type = ctx.query.type as 'user' | 'conversation' | 'message' | undefined
    const { users, conversations, messages } = ctx.store.state
    const byType = { user: users, conversation: conversations, message: messages }
    const sources: Map<string, { tags: Tags }>[] = type ? [byType[type]] : Object.values(byType)
    const values = new Set<string>()
    for (const source of sources) for (const x of source.values()) if (x.tags[key] !== undefined) values.add(x.tags[key])
    const page = paginate(ctx, [...values].map((value) => ({ value })))
    return { tags: page.items, meta: page.meta }
  },
  trackAnalytics: () => ({}),

  // Tasks

  createTask: (ctx) => {
    const b = ctx.body
    requireReferences(ctx, { conversationId: b.conversationId, userId: b.userId })
    const at = new Date().toISOString()
    const task: Task = ctx.store.stamp({
      id: newId('task'),
      title: b.title ?? '',
      description: '',
      type: b.type,
      data: b.data ?? {},
      status: 'pending',
      conversationId: b.conversationId,
      timeoutAt: b.timeoutAt ?? new Date(Date.now() + TWO_DAYS_MS).toISOString(),
      createdAt: at,
      updatedAt: at,
      tags: tagsIn(ctx.caller, b.tags),
    })
    if (b.parentTaskId) task.parentTaskId = b.parentTaskId
    if (b.userId) task.userId = b.userId
    ctx.store.state.tasks.set(task.id, task)
    return { task: viewTask(ctx.caller, task) }
  },
  getTask: (ctx) => ({ task: viewTask(ctx.caller, getTask(ctx)) }),
  updateTask: (ctx) => {
    const task = getTask(ctx)
    const { title, data, timeoutAt, status, tags } = ctx.body
    if (title !== undefined) task.title = title
    if (data !== undefined) task.data = data
    if (timeoutAt !== undefined) task.timeoutAt = timeoutAt
    if (status !== undefined) task.status = status
    if (tags) task.tags = mergeTags(task.tags, tagsIn(ctx.caller, tags))
    task.updatedAt = new Date().toISOString()
    return { task: viewTask(ctx.caller, task) }
  },
  deleteTask: (ctx) => {
    getTask(ctx)
    ctx.store.state.tasks.delete(ctx.params.id as string)
    return {}
  },
  listTasks: (ctx) => {
    const q = ctx.query
    const tags = queryTags(ctx)
    const tasks = [...ctx.store.state.tasks.values()].filter(
      (t) =>
        (!tags || matchesTags(t.tags, tags)) &&
        (q.conversationId === undefined || t.conversationId === q.conversationId) &&
        (q.userId === undefined || t.userId === q.userId) &&
        (q.parentTaskId === undefined || t.parentTaskId === q.parentTaskId) &&
        (q.status === undefined || (q.status as string[]).includes(t.status)) &&
        (q.type === undefined || t.type === q.type)
    )
    const page = paginate(ctx, ctx.store.newestFirst(tasks))
    return { tasks: page.items.map((t) => viewTask(ctx.caller, t)), meta: page.meta }
  },

  // Workflows

  createWorkflow: (ctx) => ({ workflow: viewWorkflow(ctx.caller, createWorkflow(ctx, ctx.body)) }),
  getWorkflow: (ctx) => ({ workflow: viewWorkflow(ctx.caller, getWorkflow(ctx)) }),
  updateWorkflow: (ctx) => {
    const workflow = getWorkflow(ctx)
    const { output, timeoutAt, status, failureReason, tags, userId } = ctx.body
    if (output !== undefined) workflow.output = output
    if (timeoutAt !== undefined) workflow.timeoutAt = timeoutAt
    if (failureReason !== undefined) workflow.failureReason = failureReason
    if (userId !== undefined) workflow.userId = userId
    if (tags) workflow.tags = mergeTags(workflow.tags, tagsIn(ctx.caller, tags))
    if (status !== undefined) {
      workflow.status = status
      if (FINISHED_WORKFLOW.has(status)) workflow.completedAt = new Date().toISOString()
    }
    workflow.updatedAt = new Date().toISOString()
    return { workflow: viewWorkflow(ctx.caller, workflow) }
  },
  deleteWorkflow: (ctx) => {
    getWorkflow(ctx)
    ctx.store.state.workflows.delete(ctx.params.id as string)
    return {}
  },
  listWorkflows: (ctx) => {
    const q = ctx.query
    const tags = queryTags(ctx)
    const workflows = [...ctx.store.state.workflows.values()].filter(
      (w) =>
        (!tags || matchesTags(w.tags, tags)) &&
        (q.conversationId === undefined || w.conversationId === q.conversationId) &&
        (q.userId === undefined || w.userId === q.userId) &&
        (q.parentWorkflowId === undefined || w.parentWorkflowId === q.parentWorkflowId) &&
        (q.statuses === undefined || (q.statuses as string[]).includes(w.status)) &&
        (q.name === undefined || w.name === q.name)
    )
    const page = paginate(ctx, ctx.store.newestFirst(workflows))
    return { workflows: page.items.map((w) => viewWorkflow(ctx.caller, w)), meta: page.meta }
  },
  getOrCreateWorkflow: (ctx) => {
    const b = ctx.body
    const tags = tagsIn(ctx.caller, b.tags)
    const keys = discriminatingTags(tags, b.discriminateByTags?.map((k: string) => tagKeyIn(ctx.caller, k)))
    const group = b.discriminateByStatusGroup as 'active' | 'finished' | undefined
    const existing = keys.length
      ? [...ctx.store.state.workflows.values()].find(
          (w) =>
            w.name === b.name &&
            matchesTags(w.tags, tags, keys) &&
            (group === undefined || FINISHED_WORKFLOW.has(w.status) === (group === 'finished'))
        )
      : undefined
    return { workflow: viewWorkflow(ctx.caller, existing ?? createWorkflow(ctx, b)) }
  },
}
