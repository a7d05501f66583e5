// Zendesk, in Zendesk's words, for the rest of the integration. Every call goes through ZendeskTransport.
import { Readable } from 'node:stream'
import { createClient } from 'node-zendesk'
import { z } from 'zod'
import { ZendeskError } from './errors'
import {
  commentsPage,
  ticketRecord,
  ticketUpdate,
  tokenResponse,
  userRecord,
  usersCursorPage,
  usersOffsetPage,
  type TicketRecord,
  type UserRecord,
  usersPage,
  zendeskTicket,
  zendeskUser,
  type TokenResponse,
  type ZendeskComment,
  type ZendeskTicket,
  type ZendeskUser,
} from './schemas'
import { ZendeskTransport, withCall, type Authorizer, type CallOptions, type RetryPolicy, type ServerClock, type Sleep, type TransportResponse } from './transport'

export type NewComment = {
  body?: string
  html_body?: string
  public: boolean
  author_id?: number
  uploads?: string[]
}

export type NewTicket = {
  subject: string
  comment: NewComment
  requester_id: number
  external_id: string
  tags: string[]
  priority?: string
  type?: string
  group_id?: number
  ticket_form_id?: number
  custom_fields?: { id: number; value: string }[]
  via_followup_source_id?: number
}

/** A ticket a bot builder opens outside of a HITL session: Zendesk finds the requester by email, or creates it. */
export type RequestedTicket = {
  subject: string
  comment: { body: string }
  requester: { name: string; email: string }
  ticket_form_id?: number
  priority?: string
  type?: string
  tags?: string[]
}

export type Trigger = { id: number; title: string }
export type Webhook = { id: string; name: string; endpoint: string }

/** node-zendesk's path form: segments, then an optional query object (its typings only admit a string). */
const segments = (...parts: (string | number | Record<string, unknown>)[]) => parts as never

type NodeZendeskResult = { response: { body?: unknown }; result: unknown }

const parse = <S extends z.ZodTypeAny>(schema: S, value: unknown, operation: string): z.output<S> => {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new ZendeskError({ operation, error: 'UnexpectedResponse', description: parsed.error.issues[0]?.message })
  }
  return parsed.data
}

/** The id of the comment an update made: only the audit has it (node-zendesk drops the audit). */
const commentIdOf = (update: z.output<typeof ticketUpdate>) =>
  update.audit?.events.find((e) => e.type === 'Comment' && e.id !== undefined)?.id

export class ZendeskApi {
  private readonly transport: ZendeskTransport
  private readonly zd: ReturnType<typeof createClient>

  public constructor(
    public readonly baseUrl: string,
    auth: Authorizer,
    policy?: RetryPolicy,
    sleep?: Sleep
  ) {
    this.transport = new ZendeskTransport(auth, policy, sleep)
    this.zd = createClient({
      endpointUri: `${baseUrl}/api/v2`,
      // The transport sets the Authorization header on every request; node-zendesk only needs to believe it can.
      oauth: true,
      token: 'set-by-transport',
      throwOriginalException: true,
      transportConfig: this.transport.nodeZendeskConfig,
    })
  }

  /** Zendesk's clock, once any call got an answer. */
  public get clock(): ServerClock | undefined {
    return this.transport.clock
  }

  private async call<T>(options: CallOptions, run: () => Promise<unknown>): Promise<T> {
    const { response } = (await withCall(options, run)) as NodeZendeskResult
    return response.body as T
  }

  public async me(): Promise<ZendeskUser> {
    const operation = 'read the connected user'
    const body = await this.call<{ user?: { id?: unknown } }>({ operation }, () => this.zd.users.me())
    // Zendesk answers unrecognised credentials with the anonymous user (id null), not a 401.
    if (body?.user?.id === null) throw new ZendeskError({ operation, status: 401, error: "Couldn't authenticate you" })
    return parse(zendeskUser, body?.user, operation)
  }

  public async showUser(id: number): Promise<ZendeskUser> {
    const body = await this.call<{ user: unknown }>({ operation: `show user ${id}` }, () => this.zd.users.show(id))
    return parse(zendeskUser, body?.user, 'show user')
  }

  /**
   * Search Users (GET /api/v2/users/search): by `external_id` exactly, or by the email a user has. Zendesk's
   * `query` also matches partial values, so the answer is filtered to the exact address.
   */
  public async findUsers(by: { email: string } | { externalId: string }): Promise<ZendeskUser[]> {
    const query = 'email' in by ? { query: `email:${by.email}` } : { external_id: by.externalId }
    const body = await this.call<unknown>({ operation: 'search users' }, () =>
      this.zd.users.request('GET', segments('users', 'search', query))
    )
    const { users } = parse(usersPage, body, 'search users')
    return 'email' in by ? users.filter((u) => u.email?.toLowerCase() === by.email.toLowerCase()) : users.filter((u) => u.external_id === by.externalId)
  }

  /**
   * Matches by external_id, then email. Only ever called with an email the identity policy looked up first
   * (src/identity): matching by email is how an end user takes over an agent's account.
   */
  public async createOrUpdateUser(user: {
    name?: string
    external_id: string
    email?: string
    remote_photo_url?: string
    role?: 'end-user'
    verified?: boolean
    skip_verify_email?: boolean
    notes?: string
  }): Promise<ZendeskUser> {
    const body = await this.call<{ user: unknown }>({ operation: 'create or update user', idempotent: true }, () =>
      this.zd.users.createOrUpdate({ user })
    )
    return parse(zendeskUser, body?.user, 'create or update user')
  }

  /** Idempotency-Key makes a retried creation return the ticket the first attempt made. */
  public async createTicket(ticket: NewTicket, idempotencyKey: string): Promise<{ ticket: ZendeskTicket; commentId?: number }> {
    const body = await this.call<unknown>(
      { operation: 'create ticket', idempotent: true, headers: { 'Idempotency-Key': idempotencyKey } },
      () => this.zd.tickets.create({ ticket } as never)
    )
    const created = parse(ticketUpdate, body, 'create ticket')
    return { ticket: created.ticket, commentId: commentIdOf(created) }
  }

  public async showTicket(id: number): Promise<ZendeskTicket> {
    const body = await this.call<{ ticket: unknown }>({ operation: `show ticket ${id}` }, () => this.zd.tickets.show(id))
    return parse(zendeskTicket, body?.ticket, 'show ticket')
  }

  /** The ticket with its users side-loaded: who is assigned now, with the assignee's name and photo, in one call. */
  public async ticketWithUsers(id: number): Promise<{ ticket: ZendeskTicket; users: ZendeskUser[] }> {
    const body = await this.call<{ ticket: unknown; users?: unknown }>({ operation: `show ticket ${id}` }, () =>
      this.zd.tickets.request('GET', segments('tickets', id, { include: 'users' }))
    )
    return { ticket: parse(zendeskTicket, body?.ticket, 'show ticket'), users: parse(z.array(zendeskUser).default([]), body?.users, 'show ticket') }
  }

  /** The ticket, when `thrown` is Zendesk refusing to update it because it is closed (422, final). */
  public async closedTicket(id: number, thrown: unknown): Promise<ZendeskTicket | undefined> {
    if (!(thrown instanceof ZendeskError && thrown.status === 422)) return undefined
    const ticket = await this.showTicket(id)
    return ticket.status === 'closed' ? ticket : undefined
  }

  public async updateTicket(id: number, fields: Record<string, unknown>): Promise<ZendeskTicket> {
    const body = await this.call<unknown>({ operation: `update ticket ${id}`, idempotent: true }, () =>
      this.zd.tickets.update(id, { ticket: fields } as never)
    )
    return parse(ticketUpdate, body, 'update ticket').ticket
  }

  /**
   * Adds one comment (with other `fields` of the same update, if any) and returns its id, read from the update's
   * audit. A comment write is not idempotent: when Zendesk fails or times out after having written, the comment
   * is looked up before anything is sent again.
   */
  public async addComment(
    ticketId: number,
    comment: NewComment,
    fields: Record<string, unknown> = {}
  ): Promise<{ commentId: number; ticket: ZendeskTicket }> {
    const operation = `add comment to ticket ${ticketId}`
    for (let attempt = 1; ; attempt++) {
      const startedAt = Date.now()
      try {
        const body = await this.call<unknown>({ operation, idempotent: false }, () =>
          this.zd.tickets.update(ticketId, { ticket: { ...fields, comment } } as never)
        )
        const update = parse(ticketUpdate, body, operation)
        const commentId = commentIdOf(update)
        if (!commentId) throw new ZendeskError({ operation, error: 'UnexpectedResponse', description: 'no comment in the audit' })
        return { commentId, ticket: update.ticket }
      } catch (thrown) {
        const ambiguous = thrown instanceof ZendeskError && (thrown.status === undefined || thrown.status >= 500)
        if (!ambiguous || attempt >= 3) throw thrown
        // A look-up failing too says less than the write's own failure, which is the one reported.
        const written = await this.findComment(ticketId, comment, startedAt).catch(() => Promise.reject(thrown))
        if (written) return { commentId: written.id, ticket: await this.showTicket(ticketId) }
      }
    }
  }

  /** The newest comment like `comment` written since `since` (our clock), if there is one. */
  public async findComment(ticketId: number, comment: NewComment, since: number): Promise<ZendeskComment | undefined> {
    const { comments } = await this.listComments(ticketId, { newestFirst: true, pageSize: 10 })
    const same = (c: ZendeskComment) =>
      (comment.author_id === undefined || c.author_id === comment.author_id) &&
      c.public === comment.public &&
      (comment.html_body ? c.html_body?.includes(comment.html_body.slice(0, 200)) : c.body?.trim() === comment.body?.trim())
    // Zendesk's clock and ours differ: a minute of slack, and the author+body match does the real work.
    return comments.find((c) => same(c) && (!c.created_at || Date.parse(c.created_at) >= since - 60_000))
  }

  public async listComments(
    ticketId: number,
    opts: { newestFirst?: boolean; pageSize?: number; after?: string } = {}
  ): Promise<{ comments: ZendeskComment[]; users: ZendeskUser[]; next?: string }> {
    // With cursor pagination Zendesk sorts by `sort`; `sort_order` belongs to offset pagination and is ignored.
    const query = {
      include: 'users',
      // Images pasted into a reply are inline attachments, listed only when asked for.
      include_inline_images: true,
      sort: opts.newestFirst ? '-created_at' : 'created_at',
      'page[size]': opts.pageSize ?? 100,
      ...(opts.after ? { 'page[after]': opts.after } : {}),
    }
    const body = await this.call<unknown>({ operation: `list comments of ticket ${ticketId}` }, () =>
      this.zd.tickets.request('GET', segments('tickets', ticketId, 'comments', query))
    )
    const page = parse(commentsPage, body, 'list comments')
    const next = page.meta?.has_more && page.meta.after_cursor ? page.meta.after_cursor : undefined
    return { comments: page.comments, users: page.users, ...(next ? { next } : {}) }
  }

  /** Uploads bytes as one attachment and returns the token a comment attaches it with. */
  public async upload(file: { data: Buffer; fileName: string; contentType: string }): Promise<string> {
    // Unlike every other call, node-zendesk resolves an upload with the body itself.
    const body = (await withCall(
      { operation: `upload ${file.fileName}`, idempotent: true, headers: { 'Content-Type': file.contentType } },
      () => this.zd.attachments.upload(Readable.from([file.data]) as never, { filename: file.fileName, binary: true } as never)
    )) as { upload?: { token?: string } } | undefined
    const token = body?.upload?.token
    if (!token) throw new ZendeskError({ operation: 'upload', error: 'UnexpectedResponse', description: 'no upload token' })
    return token
  }

  /** Subscribed to triggers (`conditional_ticket_events`) unless it names the Zendesk events it receives. */
  public async createWebhook(webhook: { name: string; endpoint: string; description: string; subscriptions?: string[] }): Promise<Webhook> {
    const body = await this.call<{ webhook: Webhook }>({ operation: 'create webhook' }, () =>
      this.zd.webhooks.create({
        webhook: {
          ...webhook,
          http_method: 'POST',
          request_format: 'json',
          status: 'active',
          subscriptions: webhook.subscriptions ?? ['conditional_ticket_events'],
        },
      })
    )
    return body.webhook
  }

  public async listWebhooks(nameContains: string): Promise<Webhook[]> {
    const body = await this.call<{ webhooks?: Webhook[] }>({ operation: 'list webhooks' }, () =>
      this.zd.webhooks.request('GET', segments('webhooks', { filter: { name_contains: nameContains } }))
    )
    return body?.webhooks ?? []
  }

  public async deleteWebhook(id: string): Promise<void> {
    await this.ignoreNotFound(() => this.call({ operation: `delete webhook ${id}` }, () => this.zd.webhooks.delete(id)))
  }

  public async signingSecret(webhookId: string): Promise<string> {
    const body = await this.call<{ signing_secret?: { secret?: string } }>({ operation: 'read webhook signing secret' }, () =>
      this.zd.webhooks.getSigningSecret(webhookId)
    )
    const secret = body?.signing_secret?.secret
    if (!secret) throw new ZendeskError({ operation: 'read webhook signing secret', error: 'UnexpectedResponse' })
    return secret
  }

  public async createTrigger(trigger: { title: string; conditions: unknown; actions: unknown; description?: string }): Promise<Trigger> {
    const body = await this.call<{ trigger: Trigger }>({ operation: `create trigger "${trigger.title}"` }, () =>
      this.zd.triggers.create({ trigger: { ...trigger, active: true } })
    )
    return body.trigger
  }

  public async listTriggers(): Promise<Trigger[]> {
    const body = await this.call<{ triggers?: Trigger[] }>({ operation: 'list triggers' }, () =>
      this.zd.triggers.request('GET', segments('triggers', { 'page[size]': 100 }))
    )
    return body?.triggers ?? []
  }

  public async deleteTrigger(id: number): Promise<void> {
    await this.ignoreNotFound(() => this.call({ operation: `delete trigger ${id}` }, () => this.zd.triggers.delete(id)))
  }

  /** A GET node-zendesk has no method for (the Help Center API), through the same transport and its retries. */
  public async getJson(path: string, operation: string): Promise<unknown> {
    return (await this.transport.send('GET', `${this.baseUrl}${path}`, {}, { operation })).body
  }

  /** POST /oauth/tokens: no Authorization header, the grant carries the client credentials. */
  public async requestToken(grant: Record<string, string>): Promise<TokenResponse> {
    const res = await this.transport.send(
      'POST',
      `${this.baseUrl}/oauth/tokens`,
      { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(grant) },
      { operation: `OAuth ${grant.grant_type ?? 'token'} grant`, idempotent: grant.grant_type === 'client_credentials', anonymous: true }
    )
    return parse(tokenResponse, res.body, 'OAuth token')
  }

  /** GET/POST/PUT a JSON resource under /api/v2 through the transport, the body parsed with `schema`. */
  private async resource<S extends z.ZodTypeAny>(
    schema: S,
    method: string,
    path: string,
    call: CallOptions,
    payload?: { query?: Record<string, string | string[]>; body?: unknown }
  ): Promise<z.output<S>> {
    const res = await this.send(method, path, { ...payload, call })
    return parse(schema, res.body, call.operation)
  }

  /** One request under /api/v2 (a path checked by the caller), with the transport's credentials and retries. */
  public send(
    method: string,
    path: string,
    opts: { query?: Record<string, string | string[]>; body?: unknown; headers?: Record<string, string>; call: CallOptions }
  ): Promise<TransportResponse> {
    const url = new URL(`${this.baseUrl}/api/v2/${path}`)
    // The callers hand a checked path; this holds even if one did not.
    if (url.origin !== new URL(this.baseUrl).origin || !url.pathname.startsWith('/api/v2/')) {
      throw new ZendeskError({ operation: opts.call.operation, error: 'RefusedPath', description: 'the request would leave the configured Zendesk API' })
    }
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v)
    }
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
    const headers = { ...opts.headers, ...(body !== undefined && { 'Content-Type': 'application/json' }), ...opts.call.headers }
    return this.transport.send(method, url.toString(), { headers, ...(body !== undefined && { body }) }, opts.call)
  }

  public async readTicket(id: number): Promise<TicketRecord> {
    const operation = `show ticket ${id}`
    return (await this.resource(z.object({ ticket: ticketRecord }), 'GET', `tickets/${id}.json`, { operation })).ticket
  }

  /** Idempotency-Key makes the transport's retry of a creation return the ticket the first attempt made. */
  public async openTicket(ticket: RequestedTicket, idempotencyKey: string): Promise<TicketRecord> {
    const call = { operation: 'create ticket', idempotent: true, headers: { 'Idempotency-Key': idempotencyKey } }
    return (await this.resource(z.object({ ticket: ticketRecord }), 'POST', 'tickets.json', call, { body: { ticket } })).ticket
  }

  public async changeTicket(id: number, fields: Record<string, unknown>): Promise<TicketRecord> {
    const call = { operation: `update ticket ${id}`, idempotent: !('comment' in fields) }
    return (await this.resource(z.object({ ticket: ticketRecord }), 'PUT', `tickets/${id}.json`, call, { body: { ticket: fields } })).ticket
  }

  /** Search Users is offset-paged only (Zendesk's Users API reference). */
  public async searchUsers(query: string, page: { number: number; size: number }): Promise<{ users: UserRecord[]; nextPage?: number }> {
    const body = await this.resource(usersOffsetPage, 'GET', 'users/search.json', { operation: 'search users' }, {
      query: { query, page: String(page.number), per_page: String(page.size) },
    })
    return { users: body.users, ...(body.next_page ? { nextPage: page.number + 1 } : {}) }
  }

  public async listAgents(page: { size: number; after?: string }): Promise<{ users: UserRecord[]; after?: string }> {
    const body = await this.resource(usersCursorPage, 'GET', 'users.json', { operation: 'list agents' }, {
      query: { 'role[]': ['agent', 'admin'], 'page[size]': String(page.size), ...(page.after ? { 'page[after]': page.after } : {}) },
    })
    return { users: body.users, ...(body.meta.has_more && body.meta.after_cursor ? { after: body.meta.after_cursor } : {}) }
  }

  /**
   * Create User (POST /api/v2/users): unlike create_or_update it never matches an existing user, and Zendesk
   * refuses an address another user has with 422 RecordInvalid (email DuplicateValue).
   */
  public async createUser(user: { name: string; external_id: string; role: 'end-user'; email?: string; verified?: boolean; remote_photo_url?: string; notes?: string }): Promise<UserRecord> {
    const call = { operation: 'create user' }
    return (await this.resource(z.object({ user: userRecord }), 'POST', 'users.json', call, { body: { user } })).user
  }

  public async updateUser(
    id: number,
    fields: { remote_photo_url?: string; name?: string; external_id?: string; email?: string; verified?: boolean; notes?: string }
  ): Promise<UserRecord> {
    const call = { operation: `update user ${id}`, idempotent: true }
    return (await this.resource(z.object({ user: userRecord }), 'PUT', `users/${id}.json`, call, { body: { user: fields } })).user
  }

  private async ignoreNotFound(run: () => Promise<unknown>): Promise<void> {
    try {
      await run()
    } catch (thrown) {
      if (!(thrown instanceof ZendeskError && thrown.status === 404)) throw thrown
    }
  }
}

