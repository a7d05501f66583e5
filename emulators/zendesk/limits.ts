// Zendesk's rate limits, always on, on the emulator's clock (so a test can play ten minutes without waiting them).
//
// developer.zendesk.com, API reference > Introduction > Rate limits:
// - plan limits, requests per minute for the whole account: Team 200, Growth and Professional 400, Enterprise
//   700, High Volume API add-on 2,500; every answer carries `X-Rate-Limit` / `X-Rate-Limit-Remaining` and the
//   Ticketing APIs add `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` (seconds to the window's end);
//   a refused request gets 429 with `Retry-After`, the seconds to wait.
// - endpoint rate limits, Update Ticket (`PUT /api/v2/tickets/{id}`, and `update_many`): 30 updates per 10 minutes
//   per user per ticket, 100 requests per minute per account (300 with the High Volume add-on).
// Zendesk support article 8638126078234: ticket updates made in the agent interface do not count toward the
// plan limit, but they do count toward the Update Ticket account limit.
// developer.zendesk.com, "Best practices for avoiding rate limiting", shows the Update Ticket refusal: a 429 in
// text/html, `Retry-After: 93`, "Rate limit for ticket updates exceeded, please wait before updating this ticket
// again". A Retry-After smaller than the window says the update limits slide: the wait is until the oldest
// counted update leaves the window. The plan limit counts per clock minute, as `ratelimit-reset` shows.

import { ApiError } from './errors.js'
import type { EmulatorState } from './state.js'

export type Plan = 'team' | 'growth' | 'professional' | 'enterprise' | 'high-volume'

export const PLAN_LIMITS: Record<Plan, { requestsPerMinute: number; ticketUpdatesPerMinute: number }> = {
  team: { requestsPerMinute: 200, ticketUpdatesPerMinute: 100 },
  growth: { requestsPerMinute: 400, ticketUpdatesPerMinute: 100 },
  professional: { requestsPerMinute: 400, ticketUpdatesPerMinute: 100 },
  enterprise: { requestsPerMinute: 700, ticketUpdatesPerMinute: 100 },
  'high-volume': { requestsPerMinute: 2_500, ticketUpdatesPerMinute: 300 },
}

export const TICKET_UPDATES_PER_USER_PER_TICKET = 30
const TICKET_WINDOW_MS = 10 * 60_000
const MINUTE_MS = 60_000

const TICKET_UPDATE_REFUSAL = 'Rate limit for ticket updates exceeded, please wait before updating this ticket again'

/** Times (emulator clock, ms) of the updates still inside a sliding window. */
class SlidingWindow {
  private times: number[] = []

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds until one more fits, or 0 when it fits now. */
  waitSeconds(now: number): number {
    this.times = this.times.filter((t) => t > now - this.windowMs)
    if (this.times.length < this.limit) return 0
    return Math.max(1, Math.ceil((this.times[this.times.length - this.limit]! + this.windowMs - now) / 1000))
  }

  add(now: number): void {
    this.times.push(now)
  }
}

export interface LimitedRequest {
  method: string
  /** The route's pattern, e.g. `/api/v2/tickets/:ticket_id`. */
  pattern: string
  ticketId?: string
  userId: number
}

export class RateLimits {
  private minuteStart = 0
  private minuteCount = 0
  private readonly accountUpdates: SlidingWindow
  private readonly ticketUpdates = new Map<string, SlidingWindow>()

  constructor(
    private readonly state: EmulatorState,
    readonly plan: Plan,
  ) {
    this.accountUpdates = new SlidingWindow(PLAN_LIMITS[plan].ticketUpdatesPerMinute, MINUTE_MS)
  }

  private get perMinute(): number {
    return PLAN_LIMITS[this.plan].requestsPerMinute
  }

  private now(): number {
    return this.state.now().getTime()
  }

  private rollMinute(now: number): void {
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS
    if (minute !== this.minuteStart) {
      this.minuteStart = minute
      this.minuteCount = 0
    }
  }

  /** Admits an API request or throws Zendesk's 429; an admitted request counts toward every limit it falls under. */
  admit(req: LimitedRequest): void {
    const now = this.now()
    this.rollMinute(now)
    if (this.minuteCount >= this.perMinute) {
      throw new ApiError(
        429,
        { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' },
        { 'retry-after': String(this.resetSeconds(now)) },
      )
    }
    if (isTicketUpdate(req)) {
      const key = `${req.userId}:${req.ticketId ?? 'many'}`
      const ticket = this.ticketUpdates.get(key) ?? new SlidingWindow(TICKET_UPDATES_PER_USER_PER_TICKET, TICKET_WINDOW_MS)
      this.ticketUpdates.set(key, ticket)
      const wait = Math.max(ticket.waitSeconds(now), this.accountUpdates.waitSeconds(now))
      if (wait > 0) throw new ApiError(429, TICKET_UPDATE_REFUSAL, { 'retry-after': String(wait) })
      ticket.add(now)
      this.accountUpdates.add(now)
    }
    this.minuteCount++
  }

  /** An agent's update in the Zendesk interface: outside the plan limit, inside the Update Ticket account limit. */
  countInterfaceUpdate(): void {
    this.accountUpdates.add(this.now())
  }

  /** The account-wide headers Zendesk sends on every API answer. */
  headers(): Record<string, string> {
    const now = this.now()
    this.rollMinute(now)
    const remaining = String(Math.max(0, this.perMinute - this.minuteCount))
    return {
      'x-rate-limit': String(this.perMinute),
      'x-rate-limit-remaining': remaining,
      'ratelimit-limit': String(this.perMinute),
      'ratelimit-remaining': remaining,
      'ratelimit-reset': String(this.resetSeconds(now)),
    }
  }

  resetSeconds(now = this.now()): number {
    return Math.max(1, Math.ceil((this.minuteStart + MINUTE_MS - now) / 1000))
  }
}

function isTicketUpdate(req: LimitedRequest): boolean {
  return req.method === 'PUT' && (req.pattern === '/api/v2/tickets/:ticket_id' || req.pattern === '/api/v2/tickets/update_many')
}
