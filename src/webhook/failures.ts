// What a delivery that failed half-way answers Zendesk. Zendesk retries a webhook request only after a 409, a 429
// or 503 whose Retry-After is under a minute, a time-out or a network error (developer.zendesk.com, Webhooks API
// reference, "Webhook retries"); any other status is final. Botpress Cloud hands the handler's status, headers and
// body back to Zendesk as they are, but turns a thrown error into a 4xx: so the handler never lets a failure
// escape, and answers a transient one with a status Zendesk retries. A retried delivery redoes only what is not
// done: messages are got-or-created by comment id, events are claimed, and the watermark moves last.
import * as sdk from '@botpress/sdk'
import type { WebhookProps } from '../types'
import { ZendeskError } from '../zendesk/errors'
import type { WebhookEvent } from './events'

/** Under Zendesk's 60-second limit for retrying a 503, and long enough for a blip to pass. */
export const RETRY_AFTER_SECONDS = 10

const BOTPRESS_TRANSIENT = new Set(['Internal', 'Unknown', 'RateLimited', 'OperationTimeout'])

/** Whether the same request, sent again a little later, may succeed. */
export function isTransient(thrown: unknown): boolean {
  if (thrown instanceof ZendeskError) return thrown.status === undefined || thrown.status === 429 || thrown.status >= 500
  if (sdk.isApiError(thrown)) return thrown.code === 429 || thrown.code >= 500 || BOTPRESS_TRANSIENT.has(thrown.type)
  return false
}

const answer = (status: number, message: string, headers: Record<string, string> = {}): sdk.Response => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ message }),
})

export function failureAnswer({ logger }: Pick<WebhookProps, 'logger'>, event: WebhookEvent, thrown: unknown): sdk.Response {
  const what = `the "${event.event}" webhook of ticket ${event.ticket.id}`
  const why = thrown instanceof Error ? thrown.message : String(thrown)
  if (isTransient(thrown)) {
    logger.forBot().warn(`Asked Zendesk to send ${what} again in ${RETRY_AFTER_SECONDS} s: ${why}`)
    return answer(503, `retry: ${why}`, { 'retry-after': String(RETRY_AFTER_SECONDS) })
  }
  logger.forBot().error(`Could not handle ${what}, and a retry would fail the same way: ${why}`)
  return answer(500, `failed: ${why}`)
}
