import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { recordSecrets } from '../secret-scan'
import { authenticate, authorize } from './auth.js'
import { automaticComment, runTriggers, type AutomaticComment } from './business-rules.js'
import { agentConsole, endUserMailbox, type AgentConsole, type EndUserMailbox } from './console.js'
import { OAuthError, WebhookErrors, ZendeskError } from './contracts.js'
import { WebhookDispatcher } from './delivery.js'
import { ApiError, badRequest, invalidEndpoint } from './errors.js'
import { ApiFaults, serverErrorResponse, type Hold } from './faults.js'
import { RateLimits, type Plan } from './limits.js'
import type { ApiRequest, ApiResponse, Route } from './http.js'
import { oauthRoutes } from './oauth.js'
import { loadOpenApiSpec, type OpenApiSpec } from './openapi.js'
import { HelpCenter, type HelpCenterConsole } from './help-center.js'
import { normalizePath, Router } from './router.js'
import { EmulatorState, randomToken } from './state.js'
import { TicketEngine, VIA } from './ticket-engine.js'
import { ticketRoutes } from './tickets.js'
import { triggerRoutes } from './triggers.js'
import type {
  Attachment,
  Comment,
  ContractViolation,
  RecordedRequest,
  Ticket,
  Trigger,
  Upload,
  User,
  Webhook,
  WebhookDelivery,
} from './types.js'
import { MAX_UPLOAD_BYTES, uploadRoutes } from './uploads.js'
import { createUser, userRoutes } from './users.js'
import { userListRoutes } from './user-lists.js'
import { webhookRoutes } from './webhooks.js'

export interface ZendeskEmulatorOptions {
  port?: number
  host?: string
  /** Validate every request and response against Zendesk's OpenAPI document (zod contracts where it has no path). */
  validate?: boolean
  accessTokenTtlSeconds?: number
  refreshTokenTtlSeconds?: number
  /** Pause before webhook retry n is n times this many ms (Zendesk waits much longer; tests should not). */
  webhookRetryBackoffMs?: number
  /** How long a webhook endpoint has to answer before the attempt counts as timed out. */
  webhookTimeoutMs?: number
  /** Called for each contract violation as it is recorded, e.g. to log it. */
  onContractViolation?: (violation: ContractViolation) => void
  /** The account's plan, whose rate limits apply (always on): Team unless said otherwise. */
  plan?: Plan
}

export interface ZendeskEmulator {
  url: string
  close(): Promise<void>
  admin: User
  createAgent(p: { name: string; email: string; role?: 'agent' | 'admin'; photoUrl?: string }): User
  issueAccessToken(p?: { userId?: number; scopes?: string[] }): string
  createApiToken(p?: { userId?: number }): { email: string; token: string }
  createOAuthClient(p: {
    identifier: string
    secret?: string
    kind?: 'confidential' | 'public'
    redirectUris?: string[]
    userId?: number
  }): { identifier: string; secret: string }
  revokeRefreshToken(refreshToken: string): void
  revokeAccessToken(token: string): void
  /** Moves the emulator's clock: expiries, timestamps, the `Date` header and the rate limit windows follow it. */
  advanceClock(seconds: number): void
  plan: Plan
  agent(agentUserId: number): AgentConsole
  endUser(userId: number): EndUserMailbox
  /** A comment written by an automation, by Zendesk itself or on the sample ticket (business-rules.ts). */
  automaticComment(ticketId: number, p: AutomaticComment): Comment
  /** The Help Center (help-center.ts): its articles, and the editor actions that send article events. */
  helpCenter: HelpCenterConsole
  state: {
    users: Map<number, User>
    tickets: Map<number, Ticket>
    comments: Map<number, Comment[]>
    webhooks: Map<string, Webhook>
    triggers: Map<number, Trigger>
    uploads: Map<string, Upload>
    attachments: Map<number, Attachment>
  }
  requests: RecordedRequest[]
  contractViolations: ContractViolation[]
  deliveries: WebhookDelivery[]
  settled(): Promise<void>
  faults: {
    rateLimit(p: { count: number; retryAfterSeconds?: number; path?: RegExp; method?: string }): void
    serverError(p: { count: number; status?: 500 | 502 | 503 | 504; path?: RegExp; method?: string; afterWrite?: boolean }): void
    delay(p: { ms: number; count?: number; path?: RegExp; method?: string }): void
    /** Holds the answer of the next `count` (1) matching API requests, done already, until `release()`. */
    hold(p: { count?: number; path?: RegExp; method?: string }): Hold
    duplicateDeliveries(times: number): void
    reorderDeliveries(on: boolean): void
    holdDeliveries(): void
    releaseDeliveries(): Promise<void>
    staleSignatureTimestamp(seconds: number): void
    /** API rate limits and server errors injected and not answered yet. */
    pending(): number
    clear(): void
  }
}

const AnyErrorBody = z.union([ZendeskError, OAuthError, WebhookErrors])
const JSON_TYPE = /^application\/([\w.+-]+\+)?json/i

interface ReadBody {
  raw: Buffer
  tooLarge: boolean
}

// Reads at most one byte past Zendesk's upload limit and drains the rest, so an oversized upload gets
// Zendesk's error instead of filling memory.
function readBody(req: IncomingMessage): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return
      size += chunk.length
      if (size > MAX_UPLOAD_BYTES) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolve({ raw: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }))
    req.on('error', reject)
  })
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined
  if (contentType && JSON_TYPE.test(contentType)) {
    try {
      return JSON.parse(raw.toString('utf8'))
    } catch {
      throw badRequest('InvalidJSON', 'The request body is not valid JSON')
    }
  }
  if (contentType?.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw.toString('utf8')))
  return undefined
}

function redactHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(', ') : value
    out[name] = name === 'authorization' ? `${text.split(/\s+/)[0] ?? ''} [redacted]` : text
  }
  return out
}

export async function startZendeskEmulator(opts: ZendeskEmulatorOptions = {}): Promise<ZendeskEmulator> {
  const spec: OpenApiSpec | undefined = opts.validate === false ? undefined : await loadOpenApiSpec()
  const host = opts.host ?? '127.0.0.1'
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  const state = new EmulatorState(url)
  const engine = new TicketEngine(state)
  const dispatcher = new WebhookDispatcher(state, {
    retryBackoffMs: opts.webhookRetryBackoffMs ?? 10,
    timeoutMs: opts.webhookTimeoutMs ?? 12_000,
  })
  const admin = createUser(state, { name: 'Ada Admin', email: 'ada@example.com', role: 'admin' })
  engine.onUpdate(runTriggers(state, engine, dispatcher, admin))
  const limits = new RateLimits(state, opts.plan ?? 'team')
  engine.onUpdate((update) => {
    if (update.updateType === 'Change' && update.viaId === VIA.web.id) limits.countInterfaceUpdate()
  })
  const lifetimes = {
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 1800,
    refreshTokenTtlSeconds: opts.refreshTokenTtlSeconds ?? 30 * 24 * 60 * 60,
  }
  const helpCenter = new HelpCenter(state, dispatcher, () => admin.id)
  const router = new Router([
    ...userRoutes(state),
    ...userListRoutes(state),
    ...ticketRoutes(state, engine),
    ...uploadRoutes(state),
    ...webhookRoutes(state),
    ...triggerRoutes(state),
    ...oauthRoutes(state, lifetimes, () => admin.id),
    ...helpCenter.routes(),
  ])
  const faults = new ApiFaults()
  const requests: RecordedRequest[] = []
  const contractViolations: ContractViolation[] = []

  const violation = (v: ContractViolation) => {
    contractViolations.push(v)
    opts.onContractViolation?.(v)
  }

  const checkRequest = (route: Route | undefined, req: ApiRequest) => {
    if (!spec) return
    const found = spec.find(req.method, req.path)
    if (found) {
      const errors = spec.validateRequest(found.op, found.pathParams, req.query, req.body)
      if (errors.length > 0) violation({ method: req.method, path: req.path, direction: 'request', contract: found.op.id, errors })
      return
    }
    const contract = route?.contract
    if (contract?.request) {
      const result = contract.request.safeParse(req.body)
      if (!result.success) {
        violation({ method: req.method, path: req.path, direction: 'request', contract: contract.name, errors: result.error.issues.map(issueText) })
      }
    }
  }

  const checkResponse = (route: Route | undefined, req: ApiRequest, res: ApiResponse) => {
    if (!spec || res.raw) return
    const found = spec.find(req.method, req.path)
    const specErrors = found ? spec.validateResponse(found.op, res.status, res.body) : undefined
    if (found && specErrors) {
      if (specErrors.length > 0) violation({ method: req.method, path: req.path, direction: 'response', contract: found.op.id, errors: specErrors })
      return
    }
    const schema = route?.contract?.responses?.[res.status] ?? (res.status >= 400 ? AnyErrorBody : undefined)
    if (!schema) {
      if (res.body !== undefined && !found) {
        violation({ method: req.method, path: req.path, direction: 'response', contract: route?.contract?.name ?? 'none', errors: [`no contract for status ${res.status}`] })
      }
      return
    }
    const result = schema.safeParse(res.body)
    if (!result.success) {
      violation({
        method: req.method,
        path: req.path,
        direction: 'response',
        contract: route?.contract?.name ?? found?.op.id ?? 'ZendeskError',
        errors: result.error.issues.map(issueText),
      })
    }
  }

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const started = Date.now()
    const requestUrl = new URL(incoming.url ?? '/', url)
    const method = (incoming.method ?? 'GET').toUpperCase()
    const path = normalizePath(requestUrl.pathname)
    const query = Object.fromEntries(requestUrl.searchParams)
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    )
    const { raw, tooLarge } = await readBody(incoming)
    const req: ApiRequest = { method, path, params: {}, query, searchParams: requestUrl.searchParams, headers, body: undefined, rawBody: raw, bodyTooLarge: tooLarge }
    let route: Route | undefined
    let response: ApiResponse
    let writeFault: 500 | 502 | 503 | 504 | undefined
    try {
      const pause = faults.takeDelay(method, path)
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause))
      const limited = faults.takeRateLimit(method, path)
      if (limited) throw limited
      const failure = faults.takeServerError(method, path)
      if (failure && !failure.afterWrite) {
        response = serverErrorResponse(failure.status)
      } else {
        writeFault = failure?.status
        const matched = router.match(method, path)
        if (!matched) throw invalidEndpoint()
        route = matched.route
        req.params = matched.params
        if (route.auth === 'api') {
          req.principal = authenticate(state, headers.authorization)
          authorize(route, method, req.principal)
          limits.admit({ method, pattern: route.pattern, ticketId: req.params.ticket_id, userId: req.principal.user.id })
        }
        req.body = parseBody(raw, headers['content-type'])
        checkRequest(route, req)
        response = await route.handler(req)
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      // Zendesk's own refusals (the Update Ticket rate limit) come as text/html, not JSON.
      response =
        typeof error.body === 'string'
          ? { status: error.status, raw: { data: error.body, contentType: 'text/html; charset=utf-8' }, headers: error.headers }
          : { status: error.status, body: error.body, headers: error.headers }
    }
    if (writeFault !== undefined) response = serverErrorResponse(writeFault)
    checkResponse(route, req, response)

    const responseHeaders: Record<string, string> = { date: state.now().toUTCString(), ...limits.headers(), ...response.headers }
    // Zendesk adds its List Tickets endpoint limit on that endpoint only.
    if (method === 'GET' && path === '/api/v2/tickets') {
      responseHeaders['zendesk-ratelimit-tickets-index'] = `total=100; remaining=99; resets=${limits.resetSeconds()}`
    }
    let payload: Buffer | string = ''
    if (response.raw) {
      payload = response.raw.data
      responseHeaders['content-type'] = response.raw.contentType
    } else if (response.body !== undefined) {
      payload = JSON.stringify(response.body)
      responseHeaders['content-type'] = 'application/json; charset=utf-8'
    }
    // Held once serialized: the answer is the state when Zendesk answered, not when the hold is released.
    await faults.takeHold(method, path)
    outgoing.writeHead(response.status, responseHeaders)
    outgoing.end(payload)
    requests.push({
      method,
      path,
      query,
      headers: redactHeaders(incoming.headers),
      body: req.body ?? recordedBody(raw, headers['content-type']),
      status: response.status,
      responseBody: response.raw ? undefined : response.body,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      ...(req.principal ? { userId: req.principal.user.id } : {}),
    })
  }

  server.on('request', (incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      outgoing.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
      outgoing.end(JSON.stringify({ error: 'EmulatorFailure', description: error instanceof Error ? error.stack : String(error) }))
    })
  })

  const userOrAdmin = (userId: number | undefined): User => {
    const user = userId === undefined ? admin : state.users.get(userId)
    if (!user) throw new Error(`No user ${String(userId)} in the Zendesk emulator`)
    return user
  }

  return {
    url,
    admin,
    async close() {
      recordSecrets([
        ...state.accessTokens.keys(),
        ...state.refreshTokens.keys(),
        ...state.apiTokens.keys(),
        ...[...state.oauthClients.values()].map((c) => c.secret),
        ...state.signingSecrets.values(),
      ])
      dispatcher.stop()
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
    createAgent: (p) =>
      createUser(state, { name: p.name, email: p.email, role: p.role ?? 'agent', ...(p.photoUrl ? { remote_photo_url: p.photoUrl } : {}) }),
    issueAccessToken: (p = {}) => {
      const token = randomToken(64)
      state.accessTokens.set(token, { token, userId: userOrAdmin(p.userId).id, scopes: p.scopes ?? ['read', 'write'] })
      return token
    },
    createApiToken: (p = {}) => {
      const user = userOrAdmin(p.userId)
      const token = randomToken(40)
      state.apiTokens.set(token, user.id)
      return { email: user.email ?? '', token }
    },
    createOAuthClient: (p) => {
      const secret = p.secret ?? randomToken(64)
      state.oauthClients.set(p.identifier, {
        identifier: p.identifier,
        secret,
        kind: p.kind ?? 'confidential',
        redirectUris: p.redirectUris ?? [],
        userId: userOrAdmin(p.userId).id,
      })
      return { identifier: p.identifier, secret }
    },
    revokeRefreshToken: (refreshToken) => void state.refreshTokens.delete(refreshToken),
    revokeAccessToken: (token) => void state.accessTokens.delete(token),
    advanceClock: (seconds) => state.advanceClock(seconds),
    plan: limits.plan,
    agent: (agentUserId) => agentConsole(state, engine, agentUserId),
    endUser: (userId) => endUserMailbox(state, engine, userId),
    automaticComment: (ticketId, p) => automaticComment(state, engine, ticketId, p, admin),
    helpCenter: helpCenter.console(),
    state: {
      users: state.users,
      tickets: state.tickets,
      comments: state.comments,
      webhooks: state.webhooks,
      triggers: state.triggers,
      uploads: state.uploads,
      attachments: state.attachments,
    },
    requests,
    contractViolations,
    deliveries: dispatcher.deliveries,
    settled: () => dispatcher.settled(),
    faults: {
      rateLimit: (p) => faults.rateLimit(p),
      serverError: (p) => faults.serverError(p),
      pending: () => faults.pending(),
      delay: (p) => faults.delay(p),
      hold: (p) => faults.hold(p),
      duplicateDeliveries: (times) => void (dispatcher.duplicates = Math.max(1, times)),
      reorderDeliveries: (on) => void (dispatcher.reorder = on),
      holdDeliveries: () => dispatcher.hold(),
      releaseDeliveries: () => dispatcher.release(),
      staleSignatureTimestamp: (seconds) => void (dispatcher.staleSeconds = seconds),
      clear: () => {
        faults.clear()
        dispatcher.clearFaults()
      },
    },
  }
}

// Requests refused before their body was read (401, 404...) still show what they carried.
function recordedBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined
  try {
    return parseBody(raw, contentType) ?? raw
  } catch {
    return raw.toString('utf8')
  }
}

function issueText(issue: z.ZodIssue): string {
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`
}

