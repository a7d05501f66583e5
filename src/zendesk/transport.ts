// The only place that speaks HTTP to Zendesk. node-zendesk builds the requests; this transport sends them and
// fixes what node-zendesk gets wrong: it retries 429 after Retry-After (node-zendesk resolves some 429s as
// success), treats 502/504 as the failures they are, keeps the whole response body (node-zendesk drops the
// ticket-update `audit`, which holds the comment id), sends uploads as bytes with their real content type, and
// renews the credential once on a 401.
import { AsyncLocalStorage } from 'node:async_hooks'
import { Readable } from 'node:stream'
import { failureFromBody, ZendeskError } from './errors'

export type Authorizer = {
  /** The Authorization header value to send now. */
  header(): Promise<string>
  /** Called once after a 401 with the header Zendesk refused; resolves true when a newer credential is ready. */
  renew?(refused: string): Promise<boolean>
}

export type RetryPolicy = {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** A 429 asking to wait longer than this fails at once rather than hold the caller (the outbox holds the message). */
  maxRetryAfterMs: number
  timeoutMs: number
}

const defaultRetryPolicy: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 3_000,
  timeoutMs: 10_000,
}

export type CallOptions = {
  /** Named in errors: "Zendesk <operation> failed: …". */
  operation: string
  /** Safe to send again after a 5xx or a timeout; a 429 is always safe to retry (Zendesk did nothing). */
  idempotent?: boolean
  headers?: Record<string, string>
  /** Sent without Authorization (the OAuth token endpoint). */
  anonymous?: boolean
  /** The final answer is returned whatever its status (after the same retries), for callers that show it as is. */
  anyStatus?: boolean
}

export type TransportResponse = { status: number; headers: Headers; body: unknown }

/** Zendesk's clock as its last answer told it (`Date`), against ours: the rate limit windows run on Zendesk's. */
export type ServerClock = { offsetMs: number }

const callContext = new AsyncLocalStorage<CallOptions>()

/** Runs a node-zendesk call with per-call options the transport reads (operation name, idempotency, headers). */
export const withCall = <T>(options: CallOptions, run: () => Promise<T>): Promise<T> => callContext.run(options, run)

export type Sleep = (ms: number) => Promise<void>
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

type RequestInitLike = { method?: string; headers?: Record<string, string>; body?: unknown }

export class ZendeskTransport {
  /** Set by every answer Zendesk gives. */
  public clock: ServerClock | undefined

  public constructor(
    private readonly auth: Authorizer,
    private readonly policy: RetryPolicy = defaultRetryPolicy,
    private readonly sleep: Sleep = realSleep
  ) {}

  /** node-zendesk's `transportConfig`. */
  public get nodeZendeskConfig() {
    return {
      transportFn: (uri: string, init: RequestInitLike) => this.fromNodeZendesk(uri, init),
      responseAdapter: (r: TransportResponse) => ({
        status: r.status,
        statusText: '',
        // node-zendesk turns any answer carrying Retry-After into an error value; only failures reach it here.
        headers: { get: (name: string) => (name.toLowerCase() === 'retry-after' ? null : r.headers.get(name)) },
        json: async () => r.body,
        body: r.body,
      }),
    }
  }

  private async fromNodeZendesk(uri: string, init: RequestInitLike): Promise<TransportResponse> {
    const call = callContext.getStore() ?? { operation: `${init.method ?? 'GET'} ${new URL(uri).pathname}` }
    const headers: Record<string, string> = { ...init.headers, ...call.headers }
    delete headers.Authorization
    const body = init.body instanceof Readable ? await collect(init.body) : (init.body as string | Buffer | undefined)
    return this.send(init.method ?? 'GET', uri, { headers, body }, call)
  }

  public async send(
    method: string,
    url: string,
    request: { headers?: Record<string, string>; body?: string | Buffer },
    call: CallOptions
  ): Promise<TransportResponse> {
    const idempotent = call.idempotent ?? ['GET', 'HEAD', 'DELETE'].includes(method)
    let renewed = false
    for (let attempt = 1; ; attempt++) {
      const authorization = call.anonymous ? undefined : await this.auth.header()
      let res: Response
      try {
        res = await fetch(url, {
          method,
          headers: { Accept: 'application/json', ...request.headers, ...(authorization && { Authorization: authorization }) },
          body: request.body,
          signal: AbortSignal.timeout(this.policy.timeoutMs),
          redirect: 'manual',
        })
      } catch (thrown) {
        const cause = networkCause(thrown)
        if (idempotent && attempt < this.policy.attempts) {
          await this.sleep(this.backoff(attempt))
          continue
        }
        throw new ZendeskError({ operation: call.operation, cause, origin: new URL(url).origin })
      }
      const body = await readBody(res)
      const date = Date.parse(res.headers.get('date') ?? '')
      if (!Number.isNaN(date)) this.clock = { offsetMs: date - Date.now() }
      if (res.status === 401 && authorization && !renewed && this.auth.renew) {
        renewed = true
        if (await this.auth.renew(authorization)) {
          attempt--
          continue
        }
      }
      if (res.status === 429 && attempt < this.policy.attempts) {
        const wait = retryAfterMs(res.headers)
        if (wait <= this.policy.maxRetryAfterMs) {
          await this.sleep(wait)
          continue
        }
      }
      if (res.status >= 500 && idempotent && attempt < this.policy.attempts) {
        await this.sleep(this.backoff(attempt))
        continue
      }
      if (res.status >= 300 && !call.anyStatus) {
        const failure = failureFromBody(call.operation, res.status, body)
        throw new ZendeskError(res.status === 429 ? { ...failure, retryAfterMs: retryAfterMs(res.headers) } : failure)
      }
      return { status: res.status, headers: res.headers, body }
    }
  }

  /** Full jitter: spreads the retries of many callers instead of synchronising them. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1))
    return Math.round(Math.random() * ceiling)
  }
}

function retryAfterMs(headers: Headers): number {
  const value = headers.get('retry-after') ?? headers.get('ratelimit-reset')
  if (value === null) return 1_000
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? 1_000 : Math.max(0, date - Date.now())
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text()
  if (!text) return undefined
  if (!(res.headers.get('content-type') ?? '').includes('json')) return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  return Buffer.concat(chunks)
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
}

/** fetch says "fetch failed"; the reason a person can act on is in its cause's code. */
function networkCause(thrown: unknown): string {
  if (thrown instanceof Error && thrown.name === 'TimeoutError') return 'no answer in time'
  const cause = thrown instanceof Error ? (thrown.cause as { code?: unknown; message?: unknown } | undefined) : undefined
  const code = cause?.code
  if (typeof code !== 'string') return typeof cause?.message === 'string' ? `network error (${cause.message})` : 'network error'
  return NETWORK_CAUSES[code] ?? (code.includes('CERT') || code.startsWith('ERR_TLS') ? `its TLS certificate was refused (${code})` : `network error (${code})`)
}
