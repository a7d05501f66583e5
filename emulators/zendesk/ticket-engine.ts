// The one place where tickets change. API handlers, the agent console and end-user replies all describe
// their change as a TicketChanges plus who made it and through which channel, so status rules, audits and
// trigger runs are the same whatever the origin, as they are in Zendesk.

import { commentBodies } from './comment-format.js'
import { ApiError, recordInvalid, recordNotFound, type FieldError } from './errors.js'
import type { EmulatorState } from './state.js'
import { createUser, findUserByEmail } from './users.js'
import type {
  Attachment,
  Comment,
  CustomFieldValue,
  Ticket,
  TicketPriority,
  TicketStatus,
  TicketType,
  User,
  Via,
} from './types.js'

export const STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed']
const PRIORITIES: readonly TicketPriority[] = ['urgent', 'high', 'normal', 'low']
const TYPES: readonly TicketType[] = ['problem', 'incident', 'question', 'task']

/** Zendesk's via ids (see its "Via types" reference); the ones the emulator produces. */
export const VIA = {
  web: { id: 0, channel: 'web' },
  mail: { id: 4, channel: 'email' },
  api: { id: 5, channel: 'api' },
  rule: { id: 8, channel: 'rule' },
} as const

export interface Channel {
  /** null for channels whose via id Zendesk's "Via types" reference does not give: no `current_via_id is` matches. */
  id: number | null
  via: Via
}

export function channel(kind: keyof typeof VIA, source?: Partial<Via['source']>): Channel {
  return {
    id: VIA[kind].id,
    via: { channel: VIA[kind].channel, source: { from: {}, to: {}, rel: null, ...source } },
  }
}

export interface CommentInput {
  body?: string
  html_body?: string
  public?: boolean
  author_id?: number
  uploads?: string[]
  /** Files attached directly (the agent console uploads through the UI, not through tokens). */
  attachments?: Attachment[]
}

export interface TicketChanges {
  subject?: string
  comment?: CommentInput
  status?: string
  assignee_id?: number | null
  assignee_email?: string
  group_id?: number | null
  priority?: string | null
  type?: string | null
  tags?: string[]
  additional_tags?: string[]
  remove_tags?: string[]
  custom_fields?: { id: number; value: unknown }[]
  external_id?: string | null
  requester_id?: number
  due_at?: string | null
  safe_update?: boolean
  updated_stamp?: string
}

export interface TicketCreate extends TicketChanges {
  requester?: { name?: string; email?: string; locale_id?: number }
  submitter_id?: number
  via_followup_source_id?: number
  recipient?: string
  ticket_form_id?: number
  brand_id?: number
}

export type AuditEvent =
  | (Omit<Comment, 'via' | 'created_at' | 'metadata' | 'audit_id'> & { audit_id: number })
  | { id: number; type: 'Create'; field_name: string; value: unknown }
  | { id: number; type: 'Change'; field_name: string; value: unknown; previous_value: unknown }

export interface Audit {
  id: number
  ticket_id: number
  created_at: string
  author_id: number
  metadata: { system: Record<string, unknown>; custom: Record<string, unknown> }
  via: Via
  events: AuditEvent[]
}

/** What triggers see of one update. */
export interface TicketUpdate {
  ticket: Ticket
  previous: Ticket | undefined
  updateType: 'Create' | 'Change'
  currentUser: User
  viaId: number | null
  comment: Comment | undefined
  audit: Audit
}

export interface UpdateResult {
  ticket: Ticket
  audit: Audit
  comment: Comment | undefined
}

const isAgent = (user: User) => user.role === 'agent' || user.role === 'admin'

const CLOSED_REFUSAL = { status: [{ description: 'Status: closed prevents ticket update' }] }

export class TicketEngine {
  private readonly listeners: ((update: TicketUpdate) => void)[] = []

  constructor(private readonly state: EmulatorState) {}

  onUpdate(listener: (update: TicketUpdate) => void): void {
    this.listeners.push(listener)
  }

  create(input: TicketCreate, actor: User, via: Channel): UpdateResult {
    const state = this.state
    const details: Record<string, FieldError[]> = {}
    const add = (field: string, error: FieldError) => (details[field] ??= []).push(error)

    const requester = this.resolveRequester(input, actor, add)
    const submitter = input.submitter_id !== undefined ? state.users.get(input.submitter_id) : actor
    if (!submitter) add('submitter', { description: 'Submitter: is invalid', error: 'InvalidValue' })
    const comment = input.comment
    if (!comment || (!nonEmpty(comment.body) && !nonEmpty(comment.html_body))) {
      add('base', { description: 'Description: cannot be blank', error: 'BlankValue' })
    }
    let followupSource: Ticket | undefined
    if (input.via_followup_source_id !== undefined) {
      followupSource = state.tickets.get(input.via_followup_source_id)
      if (!followupSource || followupSource.status !== 'closed') {
        add('via_followup_source_id', { description: 'Via followup source: is not a closed ticket', error: 'InvalidValue' })
      }
    }
    this.validateChanges(input, add)
    if (Object.keys(details).length > 0 || !requester || !submitter || !comment) throw recordInvalid(details)

    const id = state.ticketId()
    const now = state.nowIso()
    const ticket: Ticket = {
      url: `${state.baseUrl}/api/v2/tickets/${id}.json`,
      id,
      external_id: input.external_id ?? null,
      via: via.via,
      created_at: now,
      updated_at: now,
      generated_timestamp: Math.floor(state.now().getTime() / 1000),
      type: (input.type as TicketType | null | undefined) ?? null,
      subject: input.subject ?? '',
      raw_subject: input.subject ?? '',
      description: '',
      priority: (input.priority as TicketPriority | null | undefined) ?? null,
      status: 'new',
      recipient: input.recipient ?? null,
      requester_id: requester.id,
      submitter_id: submitter.id,
      assignee_id: null,
      organization_id: requester.organization_id,
      group_id: input.group_id ?? null,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      forum_topic_id: null,
      problem_id: null,
      has_incidents: false,
      is_public: false,
      due_at: input.due_at ?? null,
      tags: unique(input.tags ?? []),
      custom_fields: [],
      satisfaction_rating: null,
      sharing_agreement_ids: [],
      custom_status_id: 1,
      followup_ids: [],
      ticket_form_id: input.ticket_form_id ?? 1,
      brand_id: input.brand_id ?? 1,
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
      ...(input.via_followup_source_id === undefined ? {} : { via_followup_source_id: input.via_followup_source_id }),
    }
    ticket.assignee_id = this.resolveAssignee(input) ?? null
    ticket.custom_fields = mergeCustomFields([], input.custom_fields)
    ticket.status = (input.status as TicketStatus | undefined) ?? (ticket.assignee_id !== null ? 'open' : 'new')
    state.tickets.set(id, ticket)
    state.comments.set(id, [])
    followupSource?.followup_ids.push(id)

    const audit = this.newAudit(ticket, actor, via)
    const created: [string, unknown][] = [
      ['subject', ticket.subject],
      ['status', ticket.status],
      ['priority', ticket.priority],
      ['type', ticket.type],
      ['requester_id', String(ticket.requester_id)],
      ['assignee_id', idValue(ticket.assignee_id)],
      ['group_id', idValue(ticket.group_id)],
      ['tags', ticket.tags],
      ...ticket.custom_fields.map((f): [string, unknown] => [String(f.id), f.value]),
    ]
    for (const [field_name, value] of created) {
      if (value !== null && !(Array.isArray(value) && value.length === 0)) {
        audit.events.push({ id: state.recordId(), type: 'Create', field_name, value })
      }
    }
    const authorId = comment.author_id ?? submitter.id
    const added = this.addComment(ticket, { ...comment, author_id: authorId }, audit, via)
    ticket.description = added.body
    this.emit({ ticket, previous: undefined, updateType: 'Create', currentUser: actor, viaId: via.id, comment: added, audit })
    return { ticket, audit, comment: added }
  }

  update(ticketId: number, input: TicketChanges, actor: User, via: Channel): UpdateResult {
    const state = this.state
    const ticket = state.tickets.get(ticketId)
    if (!ticket) throw recordNotFound()
    if (ticket.status === 'closed') throw recordInvalid(CLOSED_REFUSAL)
    if (input.safe_update !== undefined && input.updated_stamp !== undefined && input.updated_stamp !== ticket.updated_at) {
      throw new ApiError(409, {
        error: 'UpdateConflict',
        description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
      })
    }
    const details: Record<string, FieldError[]> = {}
    const add = (field: string, error: FieldError) => (details[field] ??= []).push(error)
    this.validateChanges(input, add)
    const comment = input.comment
    if (comment && !nonEmpty(comment.body) && !nonEmpty(comment.html_body) && !comment.uploads?.length && !comment.attachments?.length) {
      add('comment', { description: 'Comment: cannot be blank', error: 'BlankValue' })
    }
    if (input.requester_id !== undefined && !state.users.has(input.requester_id)) {
      add('requester', { description: 'Requester: is invalid', error: 'InvalidValue' })
    }
    if (Object.keys(details).length > 0) throw recordInvalid(details)

    const previous = structuredClone(ticket)
    const audit = this.newAudit(ticket, actor, via)
    if (input.subject !== undefined) {
      ticket.subject = input.subject
      ticket.raw_subject = input.subject
    }
    const assignee = this.resolveAssignee(input)
    if (assignee !== undefined) ticket.assignee_id = assignee
    if (input.group_id !== undefined) ticket.group_id = input.group_id
    if (input.priority !== undefined) ticket.priority = input.priority as TicketPriority | null
    if (input.type !== undefined) ticket.type = input.type as TicketType | null
    if (input.external_id !== undefined) ticket.external_id = input.external_id
    if (input.requester_id !== undefined) ticket.requester_id = input.requester_id
    if (input.due_at !== undefined) ticket.due_at = input.due_at
    if (input.tags !== undefined) ticket.tags = unique(input.tags)
    if (input.additional_tags !== undefined) ticket.tags = unique([...ticket.tags, ...input.additional_tags])
    if (input.remove_tags !== undefined) ticket.tags = ticket.tags.filter((t) => !input.remove_tags?.includes(t))
    ticket.custom_fields = mergeCustomFields(ticket.custom_fields, input.custom_fields)

    const authorId = comment?.author_id ?? actor.id
    const author = state.users.get(authorId)
    ticket.status = this.nextStatus(ticket, input, actor, author, previous)

    const changed: [string, unknown, unknown][] = [
      ['subject', ticket.subject, previous.subject],
      ['status', ticket.status, previous.status],
      ['priority', ticket.priority, previous.priority],
      ['type', ticket.type, previous.type],
      ['requester_id', String(ticket.requester_id), String(previous.requester_id)],
      ['assignee_id', idValue(ticket.assignee_id), idValue(previous.assignee_id)],
      ['group_id', idValue(ticket.group_id), idValue(previous.group_id)],
      ['tags', ticket.tags, previous.tags],
      ['external_id', ticket.external_id, previous.external_id],
      ...customFieldChanges(ticket.custom_fields, previous.custom_fields),
    ]
    for (const [field_name, value, previous_value] of changed) {
      if (JSON.stringify(value) !== JSON.stringify(previous_value)) {
        audit.events.push({ id: state.recordId(), type: 'Change', field_name, value, previous_value })
      }
    }
    const added = comment ? this.addComment(ticket, { ...comment, author_id: authorId }, audit, via) : undefined
    if (audit.events.length === 0) return { ticket, audit, comment: undefined }

    ticket.updated_at = audit.created_at
    ticket.generated_timestamp = Math.floor(state.now().getTime() / 1000)
    this.emit({ ticket, previous, updateType: 'Change', currentUser: actor, viaId: via.id, comment: added, audit })
    return { ticket, audit, comment: added }
  }

  // Zendesk moves a new ticket to open as soon as an agent works on it, and reopens a pending or solved
  // ticket when its requester writes back, unless the update itself sets a status.
  private nextStatus(ticket: Ticket, input: TicketChanges, actor: User, author: User | undefined, previous: Ticket): TicketStatus {
    if (input.status !== undefined) return input.status as TicketStatus
    const agentWorked = isAgent(actor) && (input.comment !== undefined || ticket.assignee_id !== previous.assignee_id)
    if (previous.status === 'new' && (agentWorked || ticket.assignee_id !== null)) return 'open'
    const requesterWrote = input.comment !== undefined && author?.id === ticket.requester_id && !isAgent(author)
    if (requesterWrote && (previous.status === 'pending' || previous.status === 'solved')) return 'open'
    return previous.status
  }

  private resolveRequester(input: TicketCreate, actor: User, add: (f: string, e: FieldError) => void): User | undefined {
    const state = this.state
    if (input.requester_id !== undefined) {
      const user = state.users.get(input.requester_id)
      if (!user) add('requester', { description: 'Requester: is invalid', error: 'InvalidValue' })
      return user
    }
    if (input.requester) {
      const email = input.requester.email
      const existing = email ? findUserByEmail(state, email) : undefined
      if (existing) return existing
      const name = input.requester.name ?? email?.split('@')[0]
      if (!name) {
        add('requester', { description: 'Requester: Name is too short (minimum is one character)', error: 'InvalidValue' })
        return undefined
      }
      return createUser(state, {
        name,
        email: email ?? null,
        ...(input.requester.locale_id === undefined ? {} : { locale_id: input.requester.locale_id }),
      })
    }
    return actor
  }

  /** undefined: the update does not touch the assignee. */
  private resolveAssignee(input: TicketChanges): number | null | undefined {
    if (input.assignee_email !== undefined) return findUserByEmail(this.state, input.assignee_email)?.id ?? null
    return input.assignee_id
  }

  private validateChanges(input: TicketChanges, add: (f: string, e: FieldError) => void): void {
    const state = this.state
    if (input.status !== undefined && !STATUSES.includes(input.status as TicketStatus)) {
      add('status', { description: `Status: ${input.status} is not a valid status`, error: 'InvalidValue' })
    }
    if (input.priority !== undefined && input.priority !== null && !PRIORITIES.includes(input.priority as TicketPriority)) {
      add('priority', { description: `Priority: ${input.priority} is not a valid priority`, error: 'InvalidValue' })
    }
    if (input.type !== undefined && input.type !== null && !TYPES.includes(input.type as TicketType)) {
      add('ticket_type', { description: `Type: ${input.type} is not a valid type`, error: 'InvalidValue' })
    }
    const assigneeId = input.assignee_email !== undefined ? findUserByEmail(state, input.assignee_email)?.id ?? -1 : input.assignee_id
    if (assigneeId !== undefined && assigneeId !== null) {
      const assignee = state.users.get(assigneeId)
      if (!assignee || !isAgent(assignee)) add('assignee', { description: 'Assignee: is not an agent', error: 'InvalidValue' })
    }
    const authorId = input.comment?.author_id
    if (authorId !== undefined && !state.users.has(authorId)) {
      add('comment', { description: 'Comment: author is invalid', error: 'InvalidValue' })
    }
    for (const token of input.comment?.uploads ?? []) {
      if (!state.uploads.has(token)) add('uploads', { description: `Uploads: token ${token} is invalid`, error: 'InvalidValue' })
    }
  }

  private newAudit(ticket: Ticket, actor: User, via: Channel): Audit {
    return {
      id: this.state.recordId(),
      ticket_id: ticket.id,
      created_at: this.state.nowIso(),
      author_id: actor.id,
      metadata: { system: {}, custom: {} },
      via: via.via,
      events: [],
    }
  }

  private addComment(ticket: Ticket, input: CommentInput & { author_id: number }, audit: Audit, via: Channel): Comment {
    const state = this.state
    const author = state.users.get(input.author_id)
    const attachments: Attachment[] = [...(input.attachments ?? [])]
    for (const token of input.uploads ?? []) {
      const upload = state.uploads.get(token)
      if (upload) attachments.push(...upload.attachments)
      // An upload token attaches its files to one comment only.
      state.uploads.delete(token)
    }
    const comment: Comment = {
      id: state.recordId(),
      type: 'Comment',
      author_id: input.author_id,
      ...commentBodies(input),
      // End users cannot write internal notes.
      public: author?.role === 'end-user' ? true : (input.public ?? true),
      attachments,
      audit_id: audit.id,
      via: via.via,
      created_at: audit.created_at,
      metadata: { system: {}, custom: {} },
    }
    state.comments.get(ticket.id)?.push(comment)
    if (comment.public) ticket.is_public = true
    const { via: _via, created_at: _created, metadata: _metadata, ...event } = comment
    audit.events.unshift(event)
    return comment
  }

  private emit(update: TicketUpdate): void {
    for (const listener of this.listeners) listener(update)
  }
}

function nonEmpty(text: string | undefined): boolean {
  return text !== undefined && text.trim() !== ''
}

function unique(tags: string[]): string[] {
  return [...new Set(tags.map(String))]
}

function idValue(id: number | null): string | null {
  return id === null ? null : String(id)
}

function mergeCustomFields(current: CustomFieldValue[], changes: { id: number; value: unknown }[] | undefined): CustomFieldValue[] {
  if (!changes) return current
  const merged = new Map(current.map((f) => [f.id, f.value]))
  for (const change of changes) merged.set(Number(change.id), change.value)
  return [...merged].map(([id, value]) => ({ id, value }))
}

function customFieldChanges(now: CustomFieldValue[], before: CustomFieldValue[]): [string, unknown, unknown][] {
  return now.map((f) => [String(f.id), f.value, before.find((b) => b.id === f.id)?.value ?? null])
}
