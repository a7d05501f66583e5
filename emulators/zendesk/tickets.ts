import { createHash } from 'node:crypto'
import { ApiError, couldNotAuthenticate, recordNotFound } from './errors.js'
import { asRecord, json, objectBody, type ApiRequest, type ApiResponse, type Route } from './http.js'
import { mergeTickets, type MergeInput } from './merge.js'
import type { EmulatorState } from './state.js'
import { channel, type TicketChanges, type TicketCreate, type TicketEngine } from './ticket-engine.js'
import type { Comment, Ticket, User } from './types.js'

// Zendesk keeps an Idempotency-Key for two hours (see "Idempotency" in its Tickets API reference).
const IDEMPOTENCY_TTL_MS = 2 * 60 * 60 * 1000
const MAX_PAGE_SIZE = 100

function ticketInput(req: ApiRequest): Record<string, unknown> {
  return asRecord(objectBody(req).ticket) ?? {}
}

function requireTicket(state: EmulatorState, idParam: string | undefined): Ticket {
  const ticket = state.tickets.get(Number(idParam))
  if (!ticket) throw recordNotFound()
  return ticket
}

function includes(req: ApiRequest, what: string): boolean {
  return (req.query.include ?? '').split(',').includes(what)
}

function sideloadUsers(state: EmulatorState, ids: (number | null)[]): User[] {
  return [...new Set(ids)].flatMap((id) => (id === null ? [] : (state.users.get(id) ?? [])))
}

const ticketUserIds = (t: Ticket) => [t.requester_id, t.submitter_id, t.assignee_id]

export function ticketRoutes(state: EmulatorState, engine: TicketEngine): Route[] {
  const actor = (req: ApiRequest): User => {
    const user = req.principal?.user
    if (!user) throw couldNotAuthenticate()
    return user
  }

  const createTicket = (req: ApiRequest): ApiResponse => {
    const { ticket, audit } = engine.create(ticketInput(req) as TicketCreate, actor(req), channel('api'))
    return json(201, { ticket, audit }, { location: ticket.url })
  }

  return [
    {
      method: 'GET',
      pattern: '/api/v2/tickets',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const externalId = req.query.external_id
        const tickets = [...state.tickets.values()].filter((t) => externalId === undefined || t.external_id === externalId)
        return json(200, { tickets, next_page: null, previous_page: null, count: tickets.length })
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/tickets',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const key = req.headers['idempotency-key']
        if (!key) return createTicket(req)
        const bodyHash = createHash('sha256').update(req.rawBody).digest('hex')
        const now = state.now().getTime()
        const entry = state.idempotency.get(key)
        if (entry && entry.expiresAt > now) {
          if (entry.bodyHash !== bodyHash) {
            throw new ApiError(400, {
              error: 'IdempotentRequestError',
              description: 'Request parameters do not match the original request for this idempotency key',
            })
          }
          return json(entry.status, entry.body, { ...entry.headers, 'x-idempotency-lookup': 'hit' })
        }
        const response = createTicket(req)
        state.idempotency.set(key, {
          bodyHash,
          status: response.status,
          body: response.body,
          headers: response.headers ?? {},
          expiresAt: now + IDEMPOTENCY_TTL_MS,
        })
        return { ...response, headers: { ...response.headers, 'x-idempotency-lookup': 'miss' } }
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/tickets/show_many',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const ids = (req.query.ids ?? '').split(',').filter(Boolean).map(Number)
        const tickets = ids.flatMap((id) => state.tickets.get(id) ?? [])
        const users = includes(req, 'users') ? { users: sideloadUsers(state, tickets.flatMap(ticketUserIds)) } : {}
        return json(200, { tickets, ...users })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/tickets/:ticket_id',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const ticket = requireTicket(state, req.params.ticket_id)
        const users = includes(req, 'users') ? { users: sideloadUsers(state, ticketUserIds(ticket)) } : {}
        return json(200, { ticket, ...users })
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/tickets/:ticket_id',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const ticket = requireTicket(state, req.params.ticket_id)
        const result = engine.update(ticket.id, ticketInput(req) as TicketChanges, actor(req), channel('api'))
        return json(200, { ticket: result.ticket, audit: result.audit })
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/tickets/:ticket_id/merge',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const target = requireTicket(state, req.params.ticket_id)
        return json(200, mergeTickets(state, engine, actor(req), target.id, (req.body ?? {}) as MergeInput))
      },
    },
    {
      // Delete Ticket soft-deletes (OpenAPI DeleteTicket; the soft-deleted ticket is then listed by
      // ListDeletedTickets and restored or purged there): 204 without a body, and from then on the tickets
      // endpoints answer 404 RecordNotFound for it. No trigger runs: a deletion is not a ticket update.
      method: 'DELETE',
      pattern: '/api/v2/tickets/:ticket_id',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        deleteTicket(state, requireTicket(state, req.params.ticket_id).id)
        return { status: 204 }
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/tickets/:ticket_id/comments',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const ticket = requireTicket(state, req.params.ticket_id)
        return listComments(state, req, ticket, state.comments.get(ticket.id) ?? [])
      },
    },
  ]
}

export function deleteTicket(state: EmulatorState, ticketId: number): void {
  const ticket = state.tickets.get(ticketId)
  if (!ticket) throw new Error(`No ticket ${ticketId} in the Zendesk emulator`)
  state.tickets.delete(ticketId)
  state.deletedTickets.set(ticketId, ticket)
}

function encodeCursor(commentId: number): string {
  return Buffer.from(JSON.stringify({ id: commentId })).toString('base64url')
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const id = asRecord(parsed)?.id
    return typeof id === 'number' ? id : undefined
  } catch {
    return undefined
  }
}

// Zendesk offers both cursor pagination (`page[size]`, answered with `meta` and `links`) and offset
// pagination (`page`, `per_page`, answered with `next_page`, `previous_page`, `count`) on this endpoint.
// Inline images (an `<img>` in `html_body`, uploaded with `inline: true`) are left out of `attachments` unless
// `include_inline_images=true` asks for them (Zendesk API reference, Ticket Comments > List Comments).
function listComments(state: EmulatorState, req: ApiRequest, ticket: Ticket, stored: Comment[]): ApiResponse {
  const withInline = req.query.include_inline_images === 'true'
  const all = withInline ? stored : stored.map((c) => ({ ...c, attachments: c.attachments.filter((a) => !a.inline) }))
  const cursorMode = ['page[size]', 'page[after]', 'page[before]'].some((k) => req.query[k] !== undefined)
  const descending = cursorMode ? req.query.sort === '-created_at' : req.query.sort_order === 'desc'
  const sorted = descending ? [...all].reverse() : all
  const url = `${state.baseUrl}/api/v2/tickets/${ticket.id}/comments.json`
  const sideload = (comments: Comment[]) =>
    includes(req, 'users') ? { users: sideloadUsers(state, comments.map((c) => c.author_id)) } : {}

  if (cursorMode) {
    const size = Math.min(Number(req.query['page[size]'] ?? MAX_PAGE_SIZE) || MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    const after = req.query['page[after]']
    const before = req.query['page[before]']
    const positionOf = (cursor: string) => sorted.findIndex((c) => c.id === decodeCursor(cursor))
    if ((after !== undefined && positionOf(after) < 0) || (before !== undefined && positionOf(before) < 0)) {
      throw new ApiError(400, { error: 'InvalidPaginationParameter', description: 'Invalid cursor' })
    }
    let start = after !== undefined ? positionOf(after) + 1 : 0
    if (before !== undefined) start = Math.max(0, positionOf(before) - size)
    const end = before !== undefined ? positionOf(before) : Math.min(sorted.length, start + size)
    const page = sorted.slice(start, end)
    const first = page[0]
    const last = page.at(-1)
    const hasMore = end < sorted.length
    const sortParam = descending ? '&sort=-created_at' : ''
    return json(200, {
      comments: page,
      ...sideload(page),
      meta: {
        has_more: hasMore,
        after_cursor: last ? encodeCursor(last.id) : null,
        before_cursor: first ? encodeCursor(first.id) : null,
      },
      links: {
        prev: first && start > 0 ? `${url}?page[before]=${encodeCursor(first.id)}&page[size]=${size}${sortParam}` : null,
        next: last && hasMore ? `${url}?page[after]=${encodeCursor(last.id)}&page[size]=${size}${sortParam}` : null,
      },
    })
  }

  const perPage = Math.min(Number(req.query.per_page ?? MAX_PAGE_SIZE) || MAX_PAGE_SIZE, MAX_PAGE_SIZE)
  const pageNumber = Math.max(1, Number(req.query.page ?? 1) || 1)
  const page = sorted.slice((pageNumber - 1) * perPage, pageNumber * perPage)
  const sortParam = descending ? '&sort_order=desc' : ''
  return json(200, {
    comments: page,
    ...sideload(page),
    next_page: pageNumber * perPage < sorted.length ? `${url}?page=${pageNumber + 1}&per_page=${perPage}${sortParam}` : null,
    previous_page: pageNumber > 1 ? `${url}?page=${pageNumber - 1}&per_page=${perPage}${sortParam}` : null,
    count: sorted.length,
  })
}
