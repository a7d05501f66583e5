import * as sdk from '@botpress/sdk'

/** What Zendesk answered when a call finally failed, without anything secret. */
type ZendeskFailure = {
  operation: string
  status?: number
  error?: string
  description?: string
  details?: string
  /** Why no answer came (connection refused, no such host, timed out), and where the call went. */
  cause?: string
  origin?: string
  /** On a 429: how long Zendesk asked to wait. */
  retryAfterMs?: number
}

const hints: Record<number, string> = {
  401: 'Zendesk did not accept the credentials: reconnect the integration or check the token',
  403: 'the connected Zendesk user may not do this: connect an admin, with the "read write" scopes',
  404: 'Zendesk does not know this resource: check the subdomain and the IDs in the configuration',
  413: 'the request is larger than Zendesk accepts',
  422: 'Zendesk refused the data',
  429: 'Zendesk rate limit reached: retry later or raise the plan limit',
  500: 'Zendesk failed on its side: retry later',
  502: 'a gateway in front of Zendesk got no valid answer from it: retry later',
  503: 'Zendesk is unavailable: retry later',
  504: 'a gateway in front of Zendesk timed out waiting for it: retry later',
}

/** The single error every Zendesk failure becomes; its message names the Zendesk error and what to fix. */
export class ZendeskError extends sdk.RuntimeError {
  public readonly failure: ZendeskFailure

  public constructor(failure: ZendeskFailure) {
    super(describeFailure(failure))
    this.failure = failure
  }

  public get status(): number | undefined {
    return this.failure.status
  }

  public get retryAfterMs(): number | undefined {
    return this.failure.retryAfterMs
  }

  /** What Zendesk answered, without the hint: for messages that give their own advice. */
  public get answer(): string {
    return answerOf(this.failure)
  }
}

function answerOf(f: ZendeskFailure): string {
  const what = [f.status, f.error].filter((x) => x !== undefined && x !== '').join(' ')
  const why = [f.description, f.details].filter(Boolean).join(': ')
  return [what, why].filter(Boolean).join(': ')
}

/** Zendesk's answer about a ticket that was deleted: the API no longer shows it ("Deleted tickets" view only). */
export const isDeletedTicket = (thrown: unknown) =>
  (thrown instanceof ZendeskError && thrown.status === 404 && thrown.failure.error === 'RecordNotFound') || thrown instanceof TicketDeleted

/** A user's message met a ticket deleted in Zendesk: it reached no agent, and the session has ended. */
export class TicketDeleted extends sdk.RuntimeError {}

function describeFailure(f: ZendeskFailure): string {
  if (f.status === undefined && f.cause !== undefined) {
    const where = f.origin ? ` at ${f.origin}` : ''
    return `Could not reach Zendesk${where} (${f.operation}): ${f.cause}. Check the subdomain, and that Zendesk is reachable.`
  }
  const hint = f.status === undefined ? undefined : hints[f.status]
  return `Zendesk ${f.operation} failed: ${answerOf(f)}${hint ? ` (${hint})` : ''}`
}

/** Zendesk's error bodies: `{error, description, details}`, `{error: {title, message}}` or OAuth's `{error, error_description}`. */
export function failureFromBody(operation: string, status: number, body: unknown): ZendeskFailure {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const err = b.error
  const failure: ZendeskFailure = { operation, status }
  if (typeof err === 'string') failure.error = err
  else if (typeof err === 'object' && err !== null) {
    const e = err as Record<string, unknown>
    if (typeof e.title === 'string') failure.error = e.title
    if (typeof e.message === 'string') failure.description = e.message
  }
  if (typeof b.description === 'string') failure.description = b.description
  if (typeof b.error_description === 'string') failure.description = b.error_description
  if (b.details !== undefined) failure.details = formatDetails(b.details)
  return failure
}

function formatDetails(details: unknown): string {
  if (typeof details !== 'object' || details === null) return String(details)
  return Object.entries(details as Record<string, unknown>)
    .flatMap(([field, list]) =>
      (Array.isArray(list) ? list : [list]).map((d) =>
        typeof d === 'object' && d !== null && 'description' in d ? String(d.description) : `${field}: ${JSON.stringify(d)}`
      )
    )
    .join('; ')
}
