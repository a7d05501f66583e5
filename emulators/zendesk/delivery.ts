// Sends what triggers planned the way Zendesk's webhook service does: after the API has answered, signed
// (base64 HMAC-SHA256 over timestamp + body, keyed by the webhook's signing secret), with Zendesk's headers,
// retried on 409, on 429/503 that carry a short Retry-After, and on timeouts and network errors. Every
// attempt is recorded.

import { createHmac, randomInt } from 'node:crypto'
import type { EmulatorState } from './state.js'
import { isoSeconds } from './state.js'
import type { PlannedDelivery } from './triggers.js'
import type { Webhook, WebhookDelivery } from './types.js'

const CONTENT_TYPES: Record<Webhook['request_format'], string> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  form_encoded: 'application/x-www-form-urlencoded; charset=utf-8',
}

// Zendesk retries a 409 up to three times, and a timeout or connection failure up to five times; it retries
// 429 and 503 only when Retry-After asks for less than a minute.
const MAX_CONFLICT_RETRIES = 3
const MAX_THROTTLE_RETRIES = 3
const MAX_NETWORK_RETRIES = 5
const RETRY_AFTER_LIMIT_SECONDS = 60

export interface DeliveryOptions {
  /** Pause before retry n is n times this; Zendesk waits far longer, tests should not. */
  retryBackoffMs: number
  /** Zendesk gives an endpoint 12 s to answer. */
  timeoutMs: number
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(timestamp + body).digest('base64')
}

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = []
  private readonly pending = new Set<Promise<void>>()
  private held: PlannedDelivery[] = []
  private holding = false
  private stopped = false
  duplicates = 1
  reorder = false
  staleSeconds = 0

  constructor(
    private readonly state: EmulatorState,
    private readonly options: DeliveryOptions,
  ) {}

  /** One ticket update's deliveries, in trigger order. */
  dispatch(batch: PlannedDelivery[]): void {
    if (batch.length === 0) return
    if (this.holding) {
      this.held.push(...batch)
      return
    }
    this.track(this.sendAll(this.reorder ? [...batch].reverse() : batch))
  }

  hold(): void {
    this.holding = true
  }

  /** Sends everything held, one after the other; with reorder on, the whole backlog goes newest first. */
  async release(): Promise<void> {
    this.holding = false
    const held = this.reorder ? [...this.held].reverse() : this.held
    this.held = []
    await this.track(this.sendAll(held))
  }

  /** Back to normal delivery; anything held goes out now, in order. */
  clearFaults(): void {
    this.duplicates = 1
    this.reorder = false
    this.staleSeconds = 0
    this.holding = false
    const held = this.held
    this.held = []
    if (held.length > 0) void this.track(this.sendAll(held))
  }

  /** The emulator is closing: no new attempt starts, so no retry timer outlives it. */
  stop(): void {
    this.stopped = true
  }

  /** Resolves once nothing is in flight; held deliveries wait for release and do not count. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }

  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work)
    return work.finally(() => this.pending.delete(work))
  }

  private async sendAll(planned: PlannedDelivery[]): Promise<void> {
    for (const delivery of planned) {
      const invocationId = String(randomInt(1_000_000_000, 9_999_999_999))
      for (let copy = 0; copy < this.duplicates; copy++) await this.send(delivery, invocationId)
    }
  }

  private async send(planned: PlannedDelivery, invocationId: string): Promise<void> {
    const { webhook } = planned
    const hasBody = webhook.http_method !== 'GET' && webhook.http_method !== 'DELETE'
    const body = hasBody ? planned.body : ''
    let conflicts = 0
    let throttles = 0
    let failures = 0
    for (let attempt = 1; !this.stopped; attempt++) {
      // Signature timestamps follow the real clock: receivers compare them with their own time.
      const timestamp = isoSeconds(new Date(Date.now() - this.staleSeconds * 1000))
      const secret = this.state.signingSecrets.get(webhook.id) ?? ''
      const headers: Record<string, string> = {
        'content-type': CONTENT_TYPES[webhook.request_format],
        'user-agent': 'Zendesk Webhook',
        'x-zendesk-account-id': String(this.state.accountId),
        'x-zendesk-webhook-id': webhook.id,
        'x-zendesk-webhook-invocation-id': invocationId,
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': signWebhook(secret, timestamp, body),
        ...authenticationHeaders(webhook),
        ...webhook.custom_headers,
      }
      const record: WebhookDelivery = {
        webhookId: webhook.id,
        triggerId: planned.triggerId,
        ticketId: planned.ticketId,
        invocationId,
        url: webhook.endpoint,
        method: webhook.http_method,
        headers,
        body,
        attempt,
        sentAt: Date.now(),
      }
      this.deliveries.push(record)
      let retry: boolean
      try {
        const response = await fetch(webhook.endpoint, {
          method: webhook.http_method,
          headers,
          ...(hasBody ? { body } : {}),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        })
        record.status = response.status
        await response.arrayBuffer().catch(() => undefined)
        record.answeredAt = Date.now()
        const retryAfter = Number(response.headers.get('retry-after'))
        if (response.status === 409) retry = ++conflicts <= MAX_CONFLICT_RETRIES
        else if (response.status === 429 || response.status === 503) {
          retry = response.headers.has('retry-after') && retryAfter < RETRY_AFTER_LIMIT_SECONDS && ++throttles <= MAX_THROTTLE_RETRIES
        } else retry = false
      } catch (error) {
        record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
        record.answeredAt = Date.now()
        retry = ++failures <= MAX_NETWORK_RETRIES
      }
      if (!retry) return
      await new Promise((resolve) => setTimeout(resolve, this.options.retryBackoffMs * attempt))
    }
  }
}

function authenticationHeaders(webhook: Webhook): Record<string, string> {
  const auth = webhook.authentication
  if (!auth) return {}
  switch (auth.type) {
    case 'basic_auth':
      return { authorization: `Basic ${Buffer.from(`${auth.data.username}:${auth.data.password ?? ''}`).toString('base64')}` }
    case 'bearer_token':
      return { authorization: `Bearer ${auth.data.token ?? ''}` }
    case 'api_key':
      return { [auth.data.name.toLowerCase()]: auth.data.value ?? '' }
  }
}
