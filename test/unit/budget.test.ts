// The ticket update budget: pure arithmetic, checked against Zendesk's limit of 30 updates per 10 minutes.
import { describe, expect, it } from 'vitest'
import {
  BURST,
  REFILL_MS,
  TICKET_UPDATES_PER_WINDOW,
  WINDOW_MS,
  decodeBudget,
  encodeBudget,
  freshBudget,
  nextSlot,
  refused,
  spend,
  type Budget,
  type Sender,
} from '../../src/limits/budget'
import { combine, nextGroup, type Prepared } from '../../src/limits/outbox'

const T0 = 1_800_000_000_000
const after = (b: Budget, n: number, at = T0) => Array.from({ length: n }).reduce<Budget>((acc) => spend(acc, at), b)

describe('when an update may go', () => {
  it.each<[string, number, Sender, number]>([
    ['a fresh conversation sends its first message now', 0, 'user', 0],
    ['the tenth message of a burst still goes now', BURST - 1, 'user', 0],
    ['the eleventh waits one refill', BURST, 'user', REFILL_MS],
    ['a notice after the burst still goes now (reserve)', BURST, 'notice', 0],
    ['a second notice too', BURST + 1, 'notice', 0],
    ['a third waits', BURST + 2, 'notice', REFILL_MS],
    ['stopHitl goes after two notices', BURST + 2, 'stop', 0],
    ['nothing after the whole reserve', BURST + 3, 'stop', REFILL_MS],
  ])('%s', (_, spent, sender, wait) => {
    const budget = after(freshBudget(T0), spent)
    expect(nextSlot(budget, T0, sender) - T0).toBe(Math.ceil(wait))
  })

  it('a 429 holds every sender until its Retry-After', () => {
    const budget = refused(freshBudget(T0), T0, 93_000)
    for (const sender of ['user', 'notice', 'stop'] as const) expect(nextSlot(budget, T0, sender)).toBe(T0 + 93_000)
    expect(nextSlot(budget, T0 + 93_000, 'user')).toBe(T0 + 93_000)
  })

  it('never refills beyond the burst', () => {
    expect(nextSlot(after(freshBudget(T0), BURST), T0 + 24 * 3600_000, 'user')).toBe(T0 + 24 * 3600_000)
    expect(spend(freshBudget(T0), T0 + 24 * 3600_000).tokens).toBe(BURST - 1)
  })
})

describe("staying inside Zendesk's window whatever the conversation does", () => {
  // Every sender takes every slot it is given, as early as it is given: the worst case for the window.
  it.each<[string, Sender[]]>([
    ['a user typing without end', ['user']],
    ['a user and the bot’s notices', ['user', 'user', 'notice']],
    ['notices only, then a stop', ['notice', 'notice', 'notice', 'stop']],
  ])('%s: never more than 30 updates in any 10 minutes', (_, pattern) => {
    let budget = freshBudget(T0)
    let now = T0
    const sent: number[] = []
    for (let n = 0; n < 400; n++) {
      const sender = pattern[n % pattern.length]!
      now = nextSlot(budget, now, sender)
      budget = spend(budget, now)
      sent.push(now)
    }
    for (const t of sent) expect(sent.filter((s) => s >= t && s < t + WINDOW_MS).length).toBeLessThanOrEqual(TICKET_UPDATES_PER_WINDOW)
  })

  it('the sustained pace is one update every REFILL_MS (about 35 s)', () => {
    expect(REFILL_MS).toBeCloseTo(35_294, 0)
  })
})

describe('the budget in a conversation tag', () => {
  it.each([
    ['round trip', freshBudget(T0, -1234), true],
    ['after a burst and a 429', refused(after(freshBudget(T0), 12), T0, 5000), true],
  ])('%s', (_, budget, ok) => {
    const tag = encodeBudget(budget)
    expect(tag.length).toBeLessThan(100)
    const back = decodeBudget(tag)!
    expect(ok).toBe(true)
    expect(back.tokens).toBeCloseTo(budget.tokens, 3)
    expect({ ...back, tokens: 0 }).toEqual({ ...budget, tokens: 0 })
  })

  it.each([undefined, '', 'garbage', '1 2 3', '1 2 x 4 5'])('%j reads as no budget (a fresh one is started)', (tag) => {
    expect(decodeBudget(tag)).toBeUndefined()
  })
})

describe('combining held messages', () => {
  const held = (id: string, authorId: number, text: string, sender: 'user' | 'notice' = 'user', uploads: string[] = []): Prepared => ({
    id,
    authorId,
    text,
    sender,
    uploads,
  })

  it('one comment per run of the same author, texts apart, attachments kept', () => {
    const queue = [held('a', 7, 'first'), held('b', 7, 'second\n\nline', 'user', ['tok1']), held('c', 1, 'notice', 'notice'), held('d', 7, 'after')]
    const group = nextGroup(queue)
    expect(group.map((m) => m.id)).toEqual(['a', 'b'])
    expect(combine(group)).toEqual({ body: 'first\n\nsecond\n\nline', public: true, author_id: 7, uploads: ['tok1'] })
    expect(nextGroup(queue.slice(2)).map((m) => m.id)).toEqual(['c'])
  })

  it('stops before the comment would be longer than Zendesk accepts', () => {
    const big = 'x'.repeat(40_000)
    expect(nextGroup([held('a', 7, big), held('b', 7, big), held('c', 7, 'y')]).map((m) => m.id)).toEqual(['a'])
    expect(nextGroup([])).toEqual([])
  })
})
