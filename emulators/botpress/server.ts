import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { describeErrors, RuntimeContract, type Operation } from './contract'
import { ApiError, errorBody, type ErrorType } from './errors'
import { receiveUpload, UPLOAD_PATH } from './files'
import { type HandlerContext, handlers, viewConversation, viewEvent, viewMessage, viewUser } from './handlers'
import { newId, newUuid } from './ids'
import { type Caller, Store, tagsIn } from './store'
import type {
  ActionHandler,
  BotpressEmulator,
  BotpressEmulatorOptions,
  ContractViolation,
  Conversation,
  DelayFault,
  Event,
  Message,
  RecordedCall,
  ServerErrorFault,
  User,
} from './types'

let sharedContract: RuntimeContract | undefined

/** Compiling the spec's validators takes a while; every emulator of the process shares them. */
export const runtimeContract = (): RuntimeContract => (sharedContract ??= new RuntimeContract())

const MAX_BODY_BYTES = 10 * 1024 * 1024

interface Reply {
  status: number
  body: unknown
  headers?: Record<string, string>
}

const errorReply = (err: ApiError): Reply => ({ status: err.status, body: err.toBody() })

function faultType(status: number): ErrorType {
  if (status === 429) return 'RateLimited'
  if (status === 504) return 'OperationTimeout'
  return 'Internal'
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}

export async function startBotpressEmulator(opts: BotpressEmulatorOptions = {}): Promise<BotpressEmulator> {
  const contract = runtimeContract()
  const validate = opts.validate ?? true
  const pageSize = opts.pageSize ?? 20
  const botId = opts.botId ?? newUuid()
  const botUserId = newId('user')
  const store = new Store(botId, botUserId)
  const calls: RecordedCall[] = []
  const contractViolations: ContractViolation[] = []
  const actions = new Map<string, ActionHandler>()
  let serverErrors: Array<ServerErrorFault & { left: number }> = []
  let delays: Array<DelayFault & { left: number }> = []

  const violation = (
    op: Operation,
    path: string,
    direction: ContractViolation['direction'],
    errors: string[],
    status?: number
  ) => {
    if (!validate) return
    const at = Date.now()
    contractViolations.push({ operation: op.id, method: op.method, path, direction, errors, at, ...(status !== undefined && { status }) })
  }

  /** Consumes one use of the first fault that applies to the operation. */
  function take<T extends { operation?: string; path?: RegExp; left: number }>(faults: T[], operation: string, path: string): T | undefined {
    const fault = faults.find(
      (f) => f.left > 0 && (f.operation === undefined || f.operation === operation) && (f.path === undefined || f.path.test(path))
    )
    if (fault) fault.left -= 1
    return fault
  }

  async function answer(
    op: Operation,
    params: Record<string, string>,
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
    query: Record<string, unknown>
  ): Promise<Reply> {
    const delay = take(delays, op.id, url.pathname)
    if (delay) await sleep(delay.ms)
    const failure = take(serverErrors, op.id, url.pathname)
    if (failure && !failure.afterWrite) return faultReply(op, failure)
    const done = await perform(op, params, req, url, raw, query)
    // Written, then the answer is lost: what a gateway time-out or a crash between commit and reply looks like.
    return failure && done.status < 400 ? faultReply(op, failure) : done
  }

  function faultReply(op: Operation, failure: ServerErrorFault): Reply {
    const status = failure.status ?? 500
    return {
      status,
      body: errorBody(faultType(status), `Injected fault: ${op.id} answered ${status}`, status),
      ...(failure.retryAfter !== undefined && { headers: { 'retry-after': String(failure.retryAfter) } }),
    }
  }

  async function perform(
    op: Operation,
    params: Record<string, string>,
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
    query: Record<string, unknown>
  ): Promise<Reply> {

    const headers = req.headers
    const missing = op.requiredHeaders.filter((h) => !headers[h])
    if (missing.length) {
      violation(op, url.pathname, 'request', missing.map((h) => `header ${h} is required`))
      return errorReply(new ApiError('InvalidPayload', `Missing required header ${missing.join(', ')}`))
    }
    const auth = headers.authorization
    if (auth !== undefined && !/^bearer \S+$/i.test(auth))
      return errorReply(new ApiError('Unauthorized', 'The Authorization header must be "Bearer <token>"'))

    let body: unknown
    if (op.hasBody) {
      const text = raw.toString('utf8')
      if (raw.length > MAX_BODY_BYTES) return errorReply(new ApiError('PayloadTooLarge', 'The request payload is too large.'))
      if (text.trim() !== '' && !/json/i.test(headers['content-type'] ?? ''))
        return errorReply(new ApiError('UnsupportedMediaType', `Content-Type must be application/json, got "${headers['content-type'] ?? ''}"`))
      try {
        body = text.trim() === '' ? {} : JSON.parse(text)
      } catch {
        violation(op, url.pathname, 'request', ['body is not valid JSON'])
        return errorReply(new ApiError('InvalidPayload', 'The request body is not valid JSON'))
      }
    }

    if (!op.checkQuery(query)) {
      const errors = describeErrors('query', op.checkQuery.errors)
      violation(op, url.pathname, 'request', errors)
      return errorReply(new ApiError('InvalidQuery', `Invalid query: ${errors.join('; ')}`))
    }
    if (op.checkBody && !op.checkBody(body)) {
      const errors = describeErrors('body', op.checkBody.errors)
      violation(op, url.pathname, 'request', errors)
      return errorReply(new ApiError('InvalidPayload', `Invalid payload: ${errors.join('; ')}`))
    }

    const integrationId = headers['x-integration-id'] as string | undefined
    const alias = headers['x-integration-alias'] as string | undefined
    const caller: Caller = { botId: headers['x-bot-id'] as string, ...(integrationId && { integrationId, ...(alias && { alias }) }) }
    const handler = handlers[op.id]
    if (!handler) return errorReply(new ApiError('MethodNotFound', `${op.id} is not emulated`))
    try {
      store.assertBot(caller.botId)
      const ctx: HandlerContext = { caller, params, query, body, store, pageSize, actions, origin: emulatorUrl() }
      return { status: op.successStatus, body: await handler(ctx) }
    } catch (err) {
      if (err instanceof ApiError) return errorReply(err)
      console.error(`botpress emulator: ${op.id} failed`, err)
      return errorReply(new ApiError('Internal', `The emulator failed on ${op.id}: ${String(err)}`))
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now()
    const t0 = performance.now()
    const raw = await readBody(req)
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', 'http://emulator')
    const upload = method === 'PUT' && url.pathname.startsWith(`${UPLOAD_PATH}/`)
    const match = upload ? ({ kind: 'not-found' } as const) : contract.match(method, url.pathname)

    let operation = 'unknown'
    let query: Record<string, unknown> = Object.fromEntries(url.searchParams)
    let body: unknown = raw.length ? raw.toString('utf8') : undefined
    try {
      if (typeof body === 'string') body = JSON.parse(body)
    } catch {
      // Recorded as the text it is; the operation answers 400 if it expected JSON.
    }
    let reply: Reply
    if (match.kind === 'found') {
      operation = match.operation.id
      query = contract.parseQuery(match.operation, url.searchParams)
      reply = await answer(match.operation, match.params, req, url, raw, query)
      const check = reply.status < 400 ? match.operation.checkResponse : contract.checkErrorBody
      if (validate && !check(reply.body))
        violation(match.operation, url.pathname, 'response', describeErrors(reply.status < 400 ? 'response' : 'error', check.errors), reply.status)
    } else if (upload) {
      operation = 'fileUpload'
      reply = receiveUpload(store.state.files, url.pathname.slice(UPLOAD_PATH.length + 1), url.searchParams.get('token'), raw)
    } else if (match.kind === 'method-not-allowed') {
      reply = errorReply(new ApiError('MethodNotFound', `${method} ${url.pathname} is not an operation (allowed: ${match.allowed.join(', ')})`))
    } else {
      reply = errorReply(new ApiError('ResourceNotFound', `No route ${method} ${url.pathname}`))
    }

    const text = JSON.stringify(reply.body)
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...reply.headers })
    res.end(text)
    calls.push({
      operation,
      method,
      path: url.pathname,
      query,
      body,
      status: reply.status,
      response: reply.body,
      at,
      durationMs: performance.now() - t0,
      headers: headersOf(req),
    })
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err) => {
      console.error('botpress emulator: request failed', err)
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify(errorBody('Internal', String(err), 500)))
    })
  })
  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host

  const asBot: Caller = { botId }
  const emulatorUrl = () => `http://${urlHost}:${port}`

  const emulator: BotpressEmulator = {
    url: `http://${urlHost}:${port}`,
    botId,
    botUserId,
    state: store.state,
    calls,
    contractViolations,
    actions,

    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      }),

    countCalls: (filter = {}) =>
      calls.slice(filter.since ?? 0).filter((c) => filter.operation === undefined || c.operation === filter.operation).length,

    messagesIn: (conversationId) =>
      [...store.state.messages.values()]
        .filter((m) => m.conversationId === conversationId)
        .sort((a, b) => store.seqOf(a) - store.seqOf(b)),

    eventsOf: (type) =>
      [...store.state.events.values()].filter((e) => type === undefined || e.type === type || e.type.endsWith(`:${type}`)),

    async waitFor(predicate, waitOpts = {}) {
      const timeoutMs = waitOpts.timeoutMs ?? 5000
      const intervalMs = waitOpts.intervalMs ?? 10
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const value = predicate()
        if (value !== undefined && value !== false && value !== null) return value
        if (Date.now() >= deadline) {
          const recent = calls
            .slice(-8)
            .map((c) => `  ${c.operation} ${c.method} ${c.path} -> ${c.status}`)
            .join('\n')
          throw new Error(
            `botpress emulator: waited ${timeoutMs} ms for ${waitOpts.description ?? `\`${predicate.toString()}\``}; ` +
              `${calls.length} calls so far, the last ones:\n${recent || '  (none)'}`
          )
        }
        await sleep(intervalMs)
      }
    },

    on: (kind, cb) => store.on(kind, cb),

    faults: {
      serverError: (p) => {
        serverErrors.push({ ...p, left: p.count })
      },
      delay: (p) => {
        delays.push({ ...p, left: p.count ?? Number.POSITIVE_INFINITY })
      },
      clear: () => {
        serverErrors = []
        delays = []
      },
      pending: () => serverErrors.reduce((n, f) => n + f.left, 0),
    },

    createUserAsBot: (p) => structuredClone(store.createUser({ tags: p.tags ?? {}, name: p.name, pictureUrl: p.pictureUrl })),

    createConversationAsBot: (p) =>
      structuredClone(store.createConversation({ channel: p.channel, integration: p.integration, tags: p.tags ?? {} })),

    createMessageAsBot: (p) => {
      if (!store.state.conversations.has(p.conversationId)) throw new Error(`No conversation ${p.conversationId} in the emulator`)
      if (!store.state.users.has(p.userId)) throw new Error(`No user ${p.userId} in the emulator`)
      return structuredClone(store.createMessage({ ...p, tags: tagsIn(asBot, p.tags), direction: 'outgoing' }))
    },

    createIncomingMessage: (p) => {
      if (!store.state.conversations.has(p.conversationId)) throw new Error(`No conversation ${p.conversationId} in the emulator`)
      if (!store.state.users.has(p.userId)) throw new Error(`No user ${p.userId} in the emulator`)
      return structuredClone(store.createMessage({ ...p, tags: tagsIn(asBot, p.tags), direction: 'incoming' }))
    },

    tagAsBot(kind, id, tags) {
      const found = (kind === 'user' ? store.state.users : kind === 'conversation' ? store.state.conversations : store.state.messages).get(id)
      if (!found) throw new Error(`No ${kind} ${id} in the emulator`)
      if (kind === 'user') store.updateUser(found as User, { tags })
      else if (kind === 'conversation') store.updateConversation(found as Conversation, { tags })
      else store.updateMessage(found as Message, { tags })
    },

    firstMessagePage: (conversationId) =>
      store
        .newestFirst([...store.state.messages.values()].filter((m) => m.conversationId === conversationId))
        .slice(0, pageSize)
        .map((m) => structuredClone(m)),

    asSeenByIntegration<T extends User | Conversation | Message | Event>(entity: T, integrationAlias: string): T {
      const caller: Caller = { botId, integrationId: integrationAlias, alias: integrationAlias }
      if ('direction' in entity) return viewMessage(caller, entity) as T
      if ('channel' in entity) return viewConversation(caller, entity) as T
      if ('status' in entity && 'payload' in entity) return viewEvent(caller, entity) as T
      return viewUser(caller, entity as User) as T
    },
  }
  return emulator
}
