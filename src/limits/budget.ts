// How many ticket updates one conversation may spend, and when. Pure arithmetic on Zendesk's clock.
//
// Zendesk allows 30 updates per 10 minutes per authenticated user per ticket (developer.zendesk.com, Rate limits >
// Update Ticket), and every user message costs one. A token bucket keeps us inside that window whatever the user
// does: BURST updates at once, then one every REFILL_MS. Over any 10 minutes that is at most BURST + 600 s /
// REFILL_MS = 27 user updates, which leaves RESERVED = 3 that only the bot's notices (2) and stopHitl (1) may take:
// they overdraw the bucket, so the next user message waits a little longer, and are never refused by this limit.

export const TICKET_UPDATES_PER_WINDOW = 30
export const WINDOW_MS = 10 * 60_000
export const RESERVED = 3
export const BURST = 10
export const REFILL_MS = WINDOW_MS / (TICKET_UPDATES_PER_WINDOW - RESERVED - BURST)

/** Who an update is for decides how deep into the reserve it may go. */
export type Sender = 'user' | 'notice' | 'stop'
const FLOOR: Record<Sender, number> = { user: 0, notice: -2, stop: -RESERVED }

export type Budget = {
  /** Updates left in the bucket at `at`; negative after the reserve was used. */
  tokens: number
  /** Zendesk time (ms) the tokens were counted at. */
  at: number
  /** Zendesk time (ms) before which Zendesk said it refuses updates (a 429's Retry-After). */
  blockedUntil: number
  /** Messages waiting in the conversation's outbox. */
  held: number
  /** Zendesk's clock minus ours, as Zendesk's last answer (`Date`) showed it. */
  offsetMs: number
}

export const freshBudget = (now: number, offsetMs = 0): Budget => ({ tokens: BURST, at: now, blockedUntil: 0, held: 0, offsetMs })

export function tokensAt(budget: Budget, now: number): number {
  return Math.min(BURST, budget.tokens + Math.max(0, now - budget.at) / REFILL_MS)
}

/** When an update for `sender` may go: `now` if it may go now. */
export function nextSlot(budget: Budget, now: number, sender: Sender): number {
  const tokens = tokensAt(budget, now)
  const needed = FLOOR[sender] + 1
  const refilled = tokens >= needed ? now : now + Math.ceil((needed - tokens) * REFILL_MS)
  return Math.max(refilled, budget.blockedUntil)
}

export function spend(budget: Budget, now: number): Budget {
  return { ...budget, tokens: tokensAt(budget, now) - 1, at: now }
}

/** Zendesk refused with 429: nothing goes before its Retry-After. */
export function refused(budget: Budget, now: number, retryAfterMs: number): Budget {
  return { ...budget, blockedUntil: Math.max(budget.blockedUntil, now + retryAfterMs) }
}

/** A conversation tag holds the budget: it arrives with every message at no cost. */
export function encodeBudget(b: Budget): string {
  return [b.tokens.toFixed(3), b.at, b.blockedUntil, b.held, Math.round(b.offsetMs)].join(' ')
}

export function decodeBudget(tag: string | undefined): Budget | undefined {
  const parts = (tag ?? '').split(' ').map(Number)
  if (parts.length !== 5 || parts.some((n) => !Number.isFinite(n))) return undefined
  const [tokens, at, blockedUntil, held, offsetMs] = parts as [number, number, number, number, number]
  return { tokens: Math.min(BURST, tokens), at, blockedUntil, held: Math.max(0, Math.floor(held)), offsetMs }
}
