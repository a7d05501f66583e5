import { recordInvalid, recordNotFound, type FieldError } from './errors.js'
import { asRecord, json, objectBody, type ApiRequest, type Route } from './http.js'
import type { EmulatorState } from './state.js'
import type { Photo, User, UserRole } from './types.js'
import { offsetPage } from './user-lists.js'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const ROLES: readonly UserRole[] = ['end-user', 'agent', 'admin']
const REMOTE_PHOTO_URL_MAX = 255

export interface NewUser {
  name: string
  email?: string | null
  role?: UserRole
  external_id?: string | null
  remote_photo_url?: string
  locale_id?: number
}

export function createUser(state: EmulatorState, p: NewUser): User {
  const id = state.recordId()
  const now = state.nowIso()
  const role = p.role ?? 'end-user'
  const user: User = {
    id,
    url: `${state.baseUrl}/api/v2/users/${id}.json`,
    name: p.name,
    email: p.email ?? null,
    created_at: now,
    updated_at: now,
    time_zone: 'UTC',
    iana_time_zone: 'Etc/UTC',
    phone: null,
    shared_phone_number: null,
    photo: p.remote_photo_url ? photoFrom(state, p.remote_photo_url) : null,
    locale_id: p.locale_id ?? 1,
    locale: 'en-US',
    organization_id: null,
    role,
    verified: role !== 'end-user',
    external_id: p.external_id ?? null,
    tags: [],
    alias: null,
    active: true,
    shared: false,
    shared_agent: false,
    last_login_at: null,
    two_factor_auth_enabled: null,
    signature: null,
    details: '',
    notes: '',
    role_type: null,
    custom_role_id: null,
    moderator: role === 'admin',
    ticket_restriction: role === 'end-user' ? 'requested' : null,
    only_private_comments: false,
    restricted_agent: role === 'end-user',
    suspended: false,
    default_group_id: null,
    report_csv: role === 'admin',
    user_fields: {},
  }
  state.users.set(id, user)
  return user
}

// Zendesk fetches a remote photo in the background and serves its own copy; the emulator keeps the remote
// address as the content URL, which is all a client can observe of it.
function photoFrom(state: EmulatorState, remoteUrl: string): Photo {
  const id = state.recordId()
  const fileName = new URL(remoteUrl).pathname.split('/').pop() || 'photo'
  return {
    url: `${state.baseUrl}/api/v2/attachments/${id}.json`,
    id,
    file_name: fileName,
    content_url: remoteUrl,
    mapped_content_url: remoteUrl,
    content_type: 'image/png',
    size: 0,
    thumbnails: [],
  }
}

export function findUserByEmail(state: EmulatorState, email: string): User | undefined {
  const wanted = email.toLowerCase()
  for (const user of state.users.values()) if (user.email?.toLowerCase() === wanted) return user
  return undefined
}

function findUserByExternalId(state: EmulatorState, externalId: string): User | undefined {
  for (const user of state.users.values()) if (user.external_id === externalId) return user
  return undefined
}

function userInput(req: ApiRequest): Record<string, unknown> {
  return asRecord(objectBody(req).user) ?? {}
}

function validate(state: EmulatorState, input: Record<string, unknown>, existing: User | undefined): Record<string, FieldError[]> {
  const details: Record<string, FieldError[]> = {}
  const add = (field: string, error: FieldError) => (details[field] ??= []).push(error)
  if (!existing && (typeof input.name !== 'string' || input.name.trim() === '')) {
    add('name', { description: 'Name: cannot be blank', error: 'BlankValue' })
  }
  if (input.email !== undefined && input.email !== null) {
    const email = String(input.email)
    if (!EMAIL.test(email)) {
      add('email', { description: `Email: ${email} is not properly formatted`, error: 'InvalidFormat' })
    } else {
      const owner = findUserByEmail(state, email)
      if (owner && owner.id !== existing?.id) {
        add('email', { description: `Email: ${email} is already being used by another user`, error: 'DuplicateValue' })
      }
    }
  }
  if (input.remote_photo_url !== undefined && input.remote_photo_url !== null) {
    const url = String(input.remote_photo_url)
    if (url.length > REMOTE_PHOTO_URL_MAX) {
      add('remote_photo_url', {
        description: `Remote photo url: is too long (maximum is ${REMOTE_PHOTO_URL_MAX} characters)`,
        error: 'TooLong',
      })
    } else if (!/^https?:\/\/[^\s/]+/.test(url)) {
      add('remote_photo_url', { description: 'Remote photo url: is invalid', error: 'InvalidValue' })
    }
  }
  if (input.role !== undefined && !ROLES.includes(input.role as UserRole)) {
    add('role', { description: `Role: ${String(input.role)} is not a valid role`, error: 'InvalidValue' })
  }
  return details
}

function applyInput(state: EmulatorState, user: User, input: Record<string, unknown>): void {
  if (typeof input.name === 'string') user.name = input.name
  if (input.email !== undefined) user.email = input.email === null ? null : String(input.email)
  if (input.external_id !== undefined) user.external_id = input.external_id === null ? null : String(input.external_id)
  if (input.role !== undefined) user.role = input.role as UserRole
  if (typeof input.remote_photo_url === 'string') user.photo = photoFrom(state, input.remote_photo_url)
  if (typeof input.locale_id === 'number') user.locale_id = input.locale_id
  if (typeof input.phone === 'string') user.phone = input.phone
  if (typeof input.details === 'string') user.details = input.details
  if (typeof input.notes === 'string') user.notes = input.notes
  if (typeof input.alias === 'string') user.alias = input.alias
  if (typeof input.signature === 'string') user.signature = input.signature
  if (typeof input.verified === 'boolean') user.verified = input.verified
  if (Array.isArray(input.tags)) user.tags = input.tags.map(String)
  const fields = asRecord(input.user_fields)
  if (fields) user.user_fields = { ...user.user_fields, ...fields }
  user.updated_at = state.nowIso()
}

function requireUser(state: EmulatorState, idParam: string | undefined): User {
  const user = state.users.get(Number(idParam))
  if (!user) throw recordNotFound()
  return user
}

function matchesQuery(user: User, query: string): boolean {
  const terms = query.trim().split(/\s+/).filter(Boolean)
  return terms.every((term) => {
    const colon = term.indexOf(':')
    const value = (colon > 0 ? term.slice(colon + 1) : term).replace(/^"|"$/g, '').toLowerCase()
    const key = colon > 0 ? term.slice(0, colon) : undefined
    if (key === 'email') return user.email?.toLowerCase() === value
    if (key === 'external_id') return user.external_id?.toLowerCase() === value
    if (key === 'name') return user.name.toLowerCase().includes(value)
    if (key === 'role') return user.role === value
    return user.name.toLowerCase().includes(value) || (user.email?.toLowerCase().includes(value) ?? false)
  })
}

const listBody = (users: User[]) => ({ users, next_page: null, previous_page: null, count: users.length })

export function userRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v2/users/me',
      auth: 'api',
      resource: 'users',
      handler: (req) => json(200, { user: req.principal?.user }),
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/search',
      auth: 'api',
      resource: 'users',
      handler: (req) => {
        const externalId = req.query.external_id
        const query = req.query.query
        const users = [...state.users.values()].filter((u) =>
          externalId !== undefined ? u.external_id === externalId : query !== undefined ? matchesQuery(u, query) : false,
        )
        return offsetPage(req, `${state.baseUrl}/api/v2/users/search.json`, users)
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/show_many',
      auth: 'api',
      resource: 'users',
      handler: (req) => {
        const ids = (req.query.ids ?? '').split(',').filter(Boolean).map(Number)
        const externalIds = (req.query.external_ids ?? '').split(',').filter(Boolean)
        const users = [
          ...ids.map((id) => state.users.get(id)),
          ...externalIds.map((externalId) => findUserByExternalId(state, externalId)),
        ].filter((u): u is User => u !== undefined)
        return json(200, listBody(users))
      },
    },
    {
      // Create User never matches an existing user: an address another user has is refused with 422 RecordInvalid,
      // "Email: … is already being used by another user" (DuplicateValue), as Zendesk's Users reference says.
      method: 'POST',
      pattern: '/api/v2/users',
      auth: 'api',
      resource: 'users',
      handler: (req) => {
        const input = userInput(req)
        const details = validate(state, input, undefined)
        if (Object.keys(details).length > 0) throw recordInvalid(details)
        const user = createUser(state, { name: String(input.name) })
        applyInput(state, user, input)
        return json(201, { user }, { location: user.url })
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/users/create_or_update',
      auth: 'api',
      resource: 'users',
      handler: (req) => {
        const input = userInput(req)
        const existing =
          (typeof input.external_id === 'string' ? findUserByExternalId(state, input.external_id) : undefined) ??
          (typeof input.email === 'string' ? findUserByEmail(state, input.email) : undefined)
        const details = validate(state, input, existing)
        if (Object.keys(details).length > 0) throw recordInvalid(details)
        if (existing) {
          applyInput(state, existing, input)
          return json(200, { user: existing })
        }
        const user = createUser(state, { name: String(input.name) })
        applyInput(state, user, input)
        return json(201, { user }, { location: user.url })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/:user_id',
      auth: 'api',
      resource: 'users',
      handler: (req) => json(200, { user: requireUser(state, req.params.user_id) }),
    },
    {
      method: 'PUT',
      pattern: '/api/v2/users/:user_id',
      auth: 'api',
      resource: 'users',
      handler: (req) => {
        const user = requireUser(state, req.params.user_id)
        const input = userInput(req)
        const details = validate(state, input, user)
        if (Object.keys(details).length > 0) throw recordInvalid(details)
        applyInput(state, user, input)
        return json(200, { user })
      },
    },
  ]
}
