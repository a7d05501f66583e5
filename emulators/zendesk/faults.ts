// Injected misbehaviour for the API side: rate limiting, server errors (optionally after the write went
// through, the "timed out after having written" case) and slow answers. Each fault applies to the next
// `count` requests it matches.

import { ApiError } from './errors.js'
import type { ApiResponse } from './http.js'

interface Matcher {
  path?: RegExp
  method?: string
}

interface Counted extends Matcher {
  remaining: number
}

export interface RateLimitFault extends Counted {
  retryAfterSeconds: number
}

export interface ServerErrorFault extends Counted {
  status: 500 | 502 | 503 | 504
  afterWrite: boolean
}

export interface DelayFault extends Counted {
  ms: number
}

interface HoldFault extends Counted {
  arrive(): void
  released: Promise<void>
}

/**
 * An answer held on its way back until the test releases it (the request itself is done): two operations
 * interleaved exactly, as network latency interleaves them, with no clock involved.
 */
export interface Hold {
  /** Resolves when a matching request was answered and its answer is being held. */
  reached: Promise<void>
  release(): void
}

function matches(fault: Matcher, method: string, path: string): boolean {
  return (fault.method === undefined || fault.method.toUpperCase() === method) && (fault.path === undefined || fault.path.test(path))
}

function take<T extends Counted>(list: T[], method: string, path: string): T | undefined {
  const fault = list.find((f) => f.remaining > 0 && matches(f, method, path))
  if (fault) fault.remaining--
  return fault
}

export class ApiFaults {
  private rateLimits: RateLimitFault[] = []
  private serverErrors: ServerErrorFault[] = []
  private delays: DelayFault[] = []
  private holds: HoldFault[] = []

  rateLimit(p: { count: number; retryAfterSeconds?: number; path?: RegExp; method?: string }): void {
    this.rateLimits.push({ ...p, remaining: p.count, retryAfterSeconds: p.retryAfterSeconds ?? 60 })
  }

  serverError(p: { count: number; status?: 500 | 502 | 503 | 504; path?: RegExp; method?: string; afterWrite?: boolean }): void {
    this.serverErrors.push({ ...p, remaining: p.count, status: p.status ?? 500, afterWrite: p.afterWrite ?? false })
  }

  delay(p: { ms: number; count?: number; path?: RegExp; method?: string }): void {
    this.delays.push({ ...p, remaining: p.count ?? Number.POSITIVE_INFINITY })
  }

  hold(p: { path?: RegExp; method?: string; count?: number }): Hold {
    let arrive = () => {}
    let release = () => {}
    const reached = new Promise<void>((resolve) => (arrive = resolve))
    const released = new Promise<void>((resolve) => (release = resolve))
    this.holds.push({ ...p, remaining: p.count ?? 1, arrive, released })
    return { reached, release }
  }

  /** Rate limits and server errors injected and not answered yet: a fault no request met tested nothing. */
  pending(): number {
    return [...this.rateLimits, ...this.serverErrors].reduce((n, f) => n + f.remaining, 0)
  }

  clear(): void {
    this.rateLimits = []
    this.serverErrors = []
    this.delays = []
    this.holds = []
  }

  async takeHold(method: string, path: string): Promise<void> {
    const fault = take(this.holds, method, path)
    if (!fault) return
    fault.arrive()
    await fault.released
  }

  takeDelay(method: string, path: string): number {
    return take(this.delays, method, path)?.ms ?? 0
  }

  takeRateLimit(method: string, path: string): ApiError | undefined {
    const fault = take(this.rateLimits, method, path)
    if (!fault) return undefined
    // What Zendesk answers when the account's per-minute allowance is spent.
    return new ApiError(
      429,
      { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' },
      { 'retry-after': String(fault.retryAfterSeconds), 'x-rate-limit-remaining': '0', 'ratelimit-remaining': '0' },
    )
  }

  takeServerError(method: string, path: string): ServerErrorFault | undefined {
    return take(this.serverErrors, method, path)
  }
}

// A 500 comes from Zendesk's application, as JSON; 502/503/504 come from the load balancers in front of it,
// as HTML, so a client cannot count on a JSON error body there.
export function serverErrorResponse(status: 500 | 502 | 503 | 504): ApiResponse {
  if (status === 500) {
    return { status, body: { error: 'InternalServerError', description: 'Something went wrong on our end. Please try again.' } }
  }
  const titles = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out' }
  const html = `<html><head><title>${status} ${titles[status]}</title></head><body><center><h1>${status} ${titles[status]}</h1></center></body></html>`
  return { status, raw: { data: html, contentType: 'text/html' }, ...(status === 503 ? { headers: { 'retry-after': '1' } } : {}) }
}
