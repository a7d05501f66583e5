// Every call between the three parts (the bot and its hitl plugin, Botpress, Zendesk), in one list, so an author
// sees exactly what the integration did. An entry is added once the call finished; the page shows them in the
// order they started, each call before the calls it made. Most entries are read from what the emulators and the
// driver record; the sandbox adds what only it sees (the plugin's calls, the agent's clicks, file downloads).
import type { BotpressEmulator } from '../emulators/botpress'
import type { ZendeskEmulator } from '../emulators/zendesk'
import { InvocationError, type Cloud } from '../emulators/cloud'

export type Party = 'plugin' | 'botpress' | 'integration' | 'zendesk' | 'agent' | 'files'

export interface Entry {
  n: number
  /** Date.now() of the call. */
  at: number
  from: Party
  to: Party
  what: string
  /** The HTTP status, for the calls that are HTTP requests. */
  status?: number
  /** Why the call failed, when it did (an agent's click, which has no HTTP status, fails with this alone). */
  error?: string
  /** Why an error status is an answer the caller expects, not a failure (a state not written yet is a 404). */
  expected?: string
  ms?: number
  /** JSON of what was sent and answered, cut to keep the page light. */
  detail?: string
}

const MAX_DETAIL = 4000
// The page may be shared or screenshotted: credentials and signing secrets that pass between the parts (in
// Zendesk's answers, in the states the integration writes) are shown as [redacted].
const SECRET_KEY = /secret|password|access_?token|refresh_?token|api_?token|authorization|code_?verifier/i

export function detailOf(value: unknown): string | undefined {
  if (value === undefined) return undefined
  const text = JSON.stringify(
    value,
    (key, v: unknown) => {
      if (typeof v === 'string' && SECRET_KEY.test(key)) return '[redacted]'
      if (Buffer.isBuffer(v)) return `<${v.length} bytes>`
      return isSerializedBuffer(v) ? `<${v.data.length} bytes>` : v
    },
    2,
  )
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}\n… (${text.length - MAX_DETAIL} more characters)` : text
}

// JSON.stringify turns a Buffer into {type: 'Buffer', data} before the replacer sees it.
function isSerializedBuffer(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)
}

// Invocations the sandbox records itself, with their input (see ActivityLog.traced).
const TRACED_OPERATIONS = new Set(['action_triggered', 'message_created'])

export class ActivityLog {
  public readonly entries: Entry[] = []
  private readonly read = { invocations: 0, botpress: 0, zendesk: 0, deliveries: 0 }
  private readonly timer: NodeJS.Timeout

  public constructor(
    private readonly sources: { cloud: Cloud; botpress: BotpressEmulator; zendesk?: ZendeskEmulator },
    private readonly onChange: () => void,
    pollMs = 100
  ) {
    this.timer = setInterval(() => this.poll(), pollMs)
  }

  /** Logs a call that just finished, after the recorded ones that finished before it (its inner calls among them). */
  public add(entry: Omit<Entry, 'n'>): void {
    this.poll()
    this.entries.push({ n: this.entries.length, ...entry })
    this.onChange()
  }

  /** The driver records an invocation without its input: these wrappers log the plugin's calls with theirs. */
  public traced(cloud: Cloud): Cloud {
    const log = (what: string, input: unknown, at: number, status: number, output?: unknown) =>
      this.add({ at, from: 'plugin', to: 'integration', what, status, ms: Date.now() - at, detail: detailOf({ input, output }) })
    return {
      ...cloud,
      action: async (type, input) => {
        const at = Date.now()
        try {
          const output = await cloud.action(type, input)
          // The sandbox makes one plugin call at a time, so the driver's latest action invocation is this one.
          const status = cloud.invocations.findLast((i) => i.operation === 'action_triggered')?.status ?? 200
          log(`action ${type}`, input, at, status, output)
          return output
        } catch (thrown) {
          this.add({ at, from: 'plugin', to: 'integration', what: `action ${type}`, ms: Date.now() - at, ...statusOrError(thrown), detail: detailOf({ input }) })
          throw thrown
        }
      },
      messageCreated: async (p) => {
        const at = Date.now()
        const result = await cloud.messageCreated(p)
        log(`message_created (${p.type}) on the hitl channel`, p, at, result.status, result.json)
        return result
      },
    }
  }

  public stop(): void {
    clearInterval(this.timer)
    this.poll()
  }

  private poll(): void {
    const { cloud, botpress, zendesk } = this.sources
    const fresh: Omit<Entry, 'n'>[] = []
    for (const i of cloud.invocations.slice(this.read.invocations)) {
      this.read.invocations++
      if (TRACED_OPERATIONS.has(i.operation)) continue
      fresh.push({ at: i.at, from: 'botpress', to: 'integration', what: i.operation, status: i.status, ms: Math.round(i.durationMs) })
    }
    for (const c of botpress.calls.slice(this.read.botpress)) {
      this.read.botpress++
      fresh.push({
        at: c.at,
        from: 'integration',
        to: 'botpress',
        what: `${c.operation} ${c.method} ${c.path}${heldNote(c)}`,
        status: c.status,
        ...(c.operation === 'getState' && c.status === 404 && { expected: 'no such state yet: the integration reads it before writing it' }),
        ms: Math.round(c.durationMs),
        detail: detailOf({ request: c.body, response: c.response }),
      })
    }
    if (zendesk) {
      for (const r of zendesk.requests.slice(this.read.zendesk)) {
        this.read.zendesk++
        const query = new URLSearchParams(r.query).toString()
        fresh.push({
          at: Date.parse(r.startedAt),
          from: 'integration',
          to: 'zendesk',
          what: `${r.method} ${r.path}${query ? `?${query}` : ''}`,
          status: r.status,
          ms: r.durationMs,
          detail: detailOf({ request: r.body, response: r.responseBody }),
        })
      }
      // A delivery is recorded before it is answered; it is logged once it has its answer, in order.
      for (const d of zendesk.deliveries.slice(this.read.deliveries)) {
        if (d.answeredAt === undefined) break
        this.read.deliveries++
        fresh.push({
          at: d.sentAt,
          ms: d.answeredAt - d.sentAt,
          from: 'zendesk',
          to: 'botpress',
          what: `webhook ${d.method} (trigger ${d.triggerId}, ticket #${d.ticketId}, attempt ${d.attempt})${d.error ? `: ${d.error}` : ''}`,
          ...(d.status !== undefined && { status: d.status }),
          detail: detailOf({ url: d.url, body: safeJson(d.body) }),
        })
      }
    }
    if (fresh.length === 0) return
    for (const entry of fresh.sort(byStart)) this.entries.push({ n: this.entries.length, ...entry })
    this.onChange()
  }
}

/** The integration's outbox (src/limits/outbox.ts): what Zendesk's ticket update limits hold back, said plainly. */
function heldNote(c: { operation: string; body: unknown }): string {
  if (c.operation !== 'updateMessage') return ''
  const held = (c.body as { tags?: Record<string, string> } | undefined)?.tags?.zendeskHeld
  if (held === 'yes') return " (message held back by Zendesk's ticket update limits)"
  return held === '' ? ' (held message sent)' : ''
}

/** The page's order: by start; of two calls started in the same millisecond, the longer one made the other. */
function byStart(a: Pick<Entry, 'at' | 'ms'>, b: Pick<Entry, 'at' | 'ms'>): number {
  return a.at - b.at || (b.ms ?? 0) - (a.ms ?? 0)
}

function statusOrError(thrown: unknown): { status?: number; error: string } {
  const error = thrown instanceof Error ? thrown.message : String(thrown)
  return thrown instanceof InvocationError ? { status: thrown.status, error } : { error }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
