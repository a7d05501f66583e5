// Lists of users as Zendesk pages them. List Users (GET /api/v2/users) takes `role`, `role[]` (repeated) and
// `external_id` filters, and pages by cursor (`page[size]`, `page[after]`; answered with `meta` and `links`) or by
// offset (`page`, `per_page`); Search Users pages by offset only. Both give at most 100 users a page, sorted by id
// (Zendesk's Users API reference, "List Users" and "Search Users"; "Pagination" in its API introduction).
import { ApiError } from './errors.js'
import { json, type ApiRequest, type ApiResponse, type Route } from './http.js'
import type { EmulatorState } from './state.js'
import type { User } from './types.js'

const MAX_PAGE_SIZE = 100

const encodeCursor = (id: number) => Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url')
function decodeCursor(cursor: string): number | undefined {
  try {
    const id = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown }).id
    return typeof id === 'number' ? id : undefined
  } catch {
    return undefined
  }
}

const pageSizeOf = (value: string | undefined) => Math.min(Number(value ?? MAX_PAGE_SIZE) || MAX_PAGE_SIZE, MAX_PAGE_SIZE)

/** Offset pagination, as Search Users and the offset form of List Users answer it. */
export function offsetPage(req: ApiRequest, url: string, users: User[]): ApiResponse {
  const perPage = pageSizeOf(req.query.per_page)
  const page = Math.max(1, Number(req.query.page ?? 1) || 1)
  const link = (n: number) => {
    const next = new URL(url)
    for (const [k, v] of Object.entries(req.query)) if (k !== 'page') next.searchParams.set(k, v)
    next.searchParams.set('page', String(n))
    next.searchParams.set('per_page', String(perPage))
    return next.toString()
  }
  return json(200, {
    users: users.slice((page - 1) * perPage, page * perPage),
    next_page: page * perPage < users.length ? link(page + 1) : null,
    previous_page: page > 1 ? link(page - 1) : null,
    count: users.length,
  })
}

function cursorPage(req: ApiRequest, url: string, users: User[]): ApiResponse {
  const size = pageSizeOf(req.query['page[size]'])
  const after = req.query['page[after]']
  let start = 0
  if (after !== undefined) {
    const id = decodeCursor(after)
    const at = id === undefined ? -1 : users.findIndex((u) => u.id === id)
    if (at < 0) throw new ApiError(400, { error: 'InvalidPaginationParameter', description: 'Invalid cursor' })
    start = at + 1
  }
  const page = users.slice(start, start + size)
  const hasMore = start + size < users.length
  const first = page[0]
  const last = page.at(-1)
  return json(200, {
    users: page,
    meta: { has_more: hasMore, after_cursor: last ? encodeCursor(last.id) : null, before_cursor: first ? encodeCursor(first.id) : null },
    links: {
      prev: null,
      next: last && hasMore ? `${url}?page[after]=${encodeCursor(last.id)}&page[size]=${size}` : null,
    },
  })
}

export function userListRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v2/users',
      auth: 'api',
      resource: 'users',
      handler: (req) => {
        const roles = [...(req.searchParams?.getAll('role[]') ?? []), ...(req.query.role ? [req.query.role] : [])]
        const externalId = req.query.external_id
        const users = [...state.users.values()]
          .filter((u) => (roles.length === 0 || roles.includes(u.role)) && (externalId === undefined || u.external_id === externalId))
          .sort((a, b) => a.id - b.id)
        const url = `${state.baseUrl}/api/v2/users.json`
        const cursorMode = ['page[size]', 'page[after]'].some((k) => req.query[k] !== undefined)
        return cursorMode ? cursorPage(req, url, users) : offsetPage(req, url, users)
      },
    },
  ]
}
