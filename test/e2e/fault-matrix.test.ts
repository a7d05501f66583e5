// Issue 12's fault matrix: each Botpress and Zendesk call of both paths, failing once in each way, through the
// built bundle. The cases (and their expected outcomes) are scripts/fault-matrix.ts; README's table is written
// from them by `npm run gen`, and the last test fails when README's copy is stale.
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CASES, FAULTS, outcomeOf, withTable, type Fault, type FaultCase } from '../../scripts/fault-matrix'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())
afterEach(() => {
  loop.zendesk.faults.clear()
  loop.botpress.faults.clear()
})

function inject(c: FaultCase, fault: Fault): void {
  if (c.service === 'Botpress') {
    const at = { count: 1, operation: c.target.operation!, ...(c.target.path ? { path: c.target.path } : {}) }
    const kind = {
      '500': { status: 500 },
      '503': { status: 503, retryAfter: 0 },
      '429': { status: 429, retryAfter: 0 },
      // Botpress's gateway gives up on a slow operation with 504 OperationTimeout; the operation still completes.
      'time-out': { status: 504, afterWrite: true },
      'failure after the write': { status: 500, afterWrite: true },
    }[fault]
    loop.botpress.faults.serverError({ ...at, ...kind })
    return
  }
  const at = { count: 1, method: c.target.method!, path: c.target.path! }
  if (fault === '429') return loop.zendesk.faults.rateLimit({ ...at, retryAfterSeconds: 1 })
  const kind = {
    '500': { status: 500 as const },
    '503': { status: 503 as const },
    // What a client sees of a time-out at Zendesk's edge: 504 Gateway Time-out, the write done behind it.
    'time-out': { status: 504 as const, afterWrite: true },
    'failure after the write': { status: 500 as const, afterWrite: true },
  }[fault]
  loop.zendesk.faults.serverError({ ...at, ...kind })
}

const agent = () => loop.zendesk.createAgent({ name: 'Matrix Agent', email: `ma${Math.random()}@acme.test` })
const faultsLeft = () => loop.botpress.calls.length

/** Plays the scenario with the fault injected at the right moment; answers what happened. */
async function play(c: FaultCase, fault: Fault): Promise<{ once: boolean; refused?: string; halfDone?: boolean }> {
  const { plugin, zendesk, cloud } = loop
  const words = `${c.call} / ${fault}`
  // Each case gets a minute of its own on Zendesk's clock: the plan's limit (always on) is not what is tested here.
  zendesk.advanceClock(60)
  if (c.scenario === 'startHitl') {
    const { userId } = await plugin.createUser({ name: 'Matrix User', email: `mu${Math.random()}@example.com` })
    const tickets = zendesk.state.tickets.size
    inject(c, fault)
    try {
      const { conversationId } = await cloud.action<{ conversationId: string }>('startHitl', { userId, title: words, messageHistory: [] })
      const ticketId = plugin.ticketIdOf(conversationId)
      return { once: zendesk.state.tickets.size === tickets + 1 && zendesk.state.tickets.get(ticketId)?.subject === words }
    } catch (thrown) {
      return { once: false, refused: String((thrown as Error).message), halfDone: zendesk.state.tickets.size !== tickets }
    }
  }
  const session = await plugin.escalate()
  if (c.scenario === 'user message') {
    inject(c, fault)
    const answer = await plugin.userSays(session, words)
    const comments = plugin.comments(session).filter((x) => x.body === words).length
    if (answer.status === 200) return { once: comments === 1 }
    return { once: false, refused: String(answer.json?.message ?? ''), halfDone: comments !== 0 }
  }
  if (c.scenario === 'stopHitl, messages held') {
    // Ten messages spend the ticket's budget; the next two are held, and stopHitl sends them with its status.
    for (let n = 1; n <= 10; n++) await plugin.userSays(session, `${words} · alone ${n}`)
    const held = [`${words} · held 1`, `${words} · held 2`]
    for (const text of held) await plugin.userSays(session, text)
    const paragraphs = () => plugin.comments(session).flatMap((x) => (x.body ?? '').split('\n\n'))
    if (held.some((text) => paragraphs().includes(text))) throw new Error('the messages were not held: the scenario tests nothing')
    inject(c, fault)
    try {
      await cloud.action('stopHitl', { conversationId: session.conversationId })
    } catch (thrown) {
      return { once: false, refused: String((thrown as Error).message), halfDone: held.some((text) => paragraphs().includes(text)) }
    }
    const eachOnce = held.every((text) => paragraphs().filter((p) => p === text).length === 1)
    return { once: eachOnce && zendesk.state.tickets.get(session.ticketId)?.status === 'solved' }
  }
  if (c.scenario === 'stopHitl') {
    inject(c, fault)
    try {
      await cloud.action('stopHitl', { conversationId: session.conversationId })
      return { once: zendesk.state.tickets.get(session.ticketId)?.status === 'solved' }
    } catch (thrown) {
      return { once: false, refused: String((thrown as Error).message), halfDone: false }
    }
  }
  const a = agent()
  inject(c, fault)
  if (c.scenario === 'agent reply') zendesk.agent(a.id).reply(session.ticketId, { body: words })
  if (c.scenario === 'agent assigns') zendesk.agent(a.id).assignToMe(session.ticketId)
  if (c.scenario === 'agent solves') zendesk.agent(a.id).setStatus(session.ticketId, 'solved', { comment: { body: words } })
  await zendesk.settled()
  const texts = plugin.toUser(session).map((m) => m.payload.text)
  if (c.scenario === 'agent reply') return { once: texts.length === 1 && texts[0] === words }
  if (c.scenario === 'agent assigns') return { once: plugin.events(session, 'hitlAssigned').length === 1 }
  return { once: texts.length === 1 && texts[0] === words && plugin.events(session, 'hitlStopped').length === 1 }
}

describe.each(CASES.map((c) => [`${c.path} · ${c.service} · ${c.call} (${c.scenario})`, c] as const))('%s', (_, c) => {
  it.each(FAULTS.map((f) => [f]))('%s', async (fault) => {
    const before = faultsLeft()
    const result = await play(c, fault)
    expect(loop.botpress.calls.length).toBeGreaterThan(before)
    // The fault met its call: a case whose call is never made would test nothing.
    expect(loop.botpress.faults.pending() + loop.zendesk.faults.pending()).toBe(0)
    if (outcomeOf(c, fault) === 'done once') {
      expect(result).toEqual({ once: true })
    } else {
      expect(result.once).toBe(false)
      expect(result.refused).toMatch(/\w{3,}.*(failed|answered|error)/i)
      expect(result.halfDone).toBe(false)
    }
  })
})

it('README "Guarantees" shows the table these cases make (npm run gen)', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  expect(readme).toBe(withTable(readme))
})

it('broke no API contract', () => {
  expect(loop.zendesk.contractViolations).toEqual([])
  expect(loop.botpress.contractViolations).toEqual([])
})
