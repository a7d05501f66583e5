// The fault matrix of README "Guarantees", as data: every Botpress and Zendesk call on the inbound path (a Zendesk
// webhook) and on the outbound path (actions and user messages), each failing once in each way. The end-to-end test
// `test/e2e/fault-matrix.test.ts` plays every case through the built bundle and checks its outcome; `npm run gen`
// writes README's table from the same cases, and a test fails when README's copy is stale.

export const FAULTS = ['500', '503', '429', 'time-out', 'failure after the write'] as const
export type Fault = (typeof FAULTS)[number]

/**
 * `done once`: the work is done, exactly once (retried by the SDK, the integration or Zendesk's webhook retries).
 * `refused`: the caller gets an error saying what failed, and nothing is half-done.
 */
export type Outcome = 'done once' | 'refused'

/** What the test does around the fault, and what it checks. */
export type Scenario = 'agent reply' | 'agent assigns' | 'agent solves' | 'user message' | 'startHitl' | 'stopHitl' | 'stopHitl, messages held'

export type FaultCase = {
  path: 'inbound' | 'outbound'
  service: 'Botpress' | 'Zendesk'
  /** The call as README names it. */
  call: string
  scenario: Scenario
  /** Botpress: the operation (and a path pattern when one operation serves several states). Zendesk: method and path. */
  target: { operation?: string; method?: string; path?: RegExp }
  /** Outcomes other than `done once`. */
  otherwise?: Partial<Record<Fault, Outcome>>
}

const OUTBOUND: Scenario[] = ['startHitl', 'stopHitl', 'stopHitl, messages held', 'user message']

const bp = (call: string, scenario: Scenario, operation: string, path?: RegExp, otherwise?: FaultCase['otherwise']): FaultCase => ({
  path: OUTBOUND.includes(scenario) ? 'outbound' : 'inbound',
  service: 'Botpress',
  call,
  scenario,
  target: { operation, ...(path ? { path } : {}) },
  ...(otherwise ? { otherwise } : {}),
})

const zd = (call: string, scenario: Scenario, method: string, path: RegExp, otherwise?: FaultCase['otherwise']): FaultCase => ({
  path: OUTBOUND.includes(scenario) ? 'outbound' : 'inbound',
  service: 'Zendesk',
  call,
  scenario,
  target: { method, path },
  ...(otherwise ? { otherwise } : {}),
})

export const CASES: FaultCase[] = [
  bp('read the setup state', 'agent reply', 'getState', /\/states\/integration\//),
  bp('read the relay state (binding, watermark)', 'agent reply', 'getState', /\/relay$/),
  bp('read the conversation (first binding)', 'agent reply', 'getConversation'),
  bp("get-or-create the agent's user", 'agent reply', 'getOrCreateUser'),
  bp('get-or-create the message', 'agent reply', 'getOrCreateMessage'),
  bp('write the relay state', 'agent reply', 'setState', /\/relay$/),
  bp('claim the assignment', 'agent assigns', 'getOrSetState', /\/assignment\/get-or-set$/),
  bp('create hitlAssigned', 'agent assigns', 'createEvent'),
  bp('confirm the assignment', 'agent assigns', 'setState', /\/assignment$/),
  bp('claim the stop', 'agent solves', 'getOrSetState', /\/stop\/get-or-set$/),
  bp('create hitlStopped', 'agent solves', 'createEvent'),
  bp('confirm the stop', 'agent solves', 'setState', /\/stop$/),
  zd('list the comments', 'agent reply', 'GET', /\/tickets\/\d+\/comments/),
  zd('read the ticket (actual assignee)', 'agent assigns', 'GET', /\/tickets\/\d+(\.json)?$/),

  bp('record the budget and the comment id (conversation tags)', 'user message', 'updateConversation'),
  bp('read the user', 'startHitl', 'getUser'),
  // A POST the SDK does not retry: startHitl fails with Botpress's error and no ticket; the same startHitl again
  // finds the conversation (if it was written) and goes on.
  bp('get-or-create the conversation', 'startHitl', 'getOrCreateConversation', undefined, {
    '500': 'refused',
    '503': 'refused',
    'time-out': 'refused',
    'failure after the write': 'refused',
  }),
  bp('tag the conversation with the ticket', 'startHitl', 'updateConversation'),
  bp('write the stop on the conversation', 'stopHitl', 'updateConversation'),
  zd('add the comment (update ticket)', 'user message', 'PUT', /\/tickets\/\d+(\.json)?$/),
  zd('create the ticket', 'startHitl', 'POST', /\/tickets(\.json)?$/),
  zd('set the stop status (update ticket)', 'stopHitl', 'PUT', /\/tickets\/\d+(\.json)?$/),
  // Zendesk's ticket update limits held two messages back (src/limits/outbox.ts): stopHitl sends them with its status.
  bp('claim the outbox', 'stopHitl, messages held', 'getOrSetState', /\/outbox\/get-or-set$/),
  bp('list the held messages', 'stopHitl, messages held', 'listMessages'),
  bp('note the comment about to be written', 'stopHitl, messages held', 'setState', /\/outbox$/),
  bp('mark the held messages sent', 'stopHitl, messages held', 'updateMessage'),
  zd('add the held messages with the status (update ticket)', 'stopHitl, messages held', 'PUT', /\/tickets\/\d+(\.json)?$/),
]

export const outcomeOf = (c: FaultCase, fault: Fault): Outcome => c.otherwise?.[fault] ?? 'done once'

export const TABLE_START = '<!-- fault-matrix:start (npm run gen writes this table from scripts/fault-matrix.ts) -->'
export const TABLE_END = '<!-- fault-matrix:end -->'

export function renderTable(): string {
  const head = ['path', 'service', 'call (scenario)', ...FAULTS]
  const rows = CASES.map((c) => [c.path, c.service, `${c.call} (${c.scenario})`, ...FAULTS.map((f) => outcomeOf(c, f))])
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n')
}

/** README with its table between the markers replaced by the current one. */
export function withTable(readme: string): string {
  const start = readme.indexOf(TABLE_START)
  const end = readme.indexOf(TABLE_END)
  if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} markers`)
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderTable()}\n${readme.slice(end)}`
}
