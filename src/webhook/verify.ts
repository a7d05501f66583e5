// Stage 1 of a Zendesk webhook: is it from Zendesk, and recent? Pure, so it is tested on its own, including
// against Zendesk's published scheme: base64(HMAC-SHA256(signing secret, timestamp + raw body)).
import { createHmac, timingSafeEqual } from 'node:crypto'

const SIGNATURE_HEADER = 'x-zendesk-webhook-signature'
const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp'
/** Zendesk retries a delivery for a while; older signatures are replays. */
const DEFAULT_TOLERANCE_SECONDS = 5 * 60

export type Refusal = 'missing' | 'unknown-secret' | 'bad-timestamp' | 'stale' | 'mismatch'
export type Verdict = { ok: true } | { ok: false; refusal: Refusal; reason: string }

export function sign(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(timestamp + rawBody, 'utf8').digest('base64')
}

const header = (headers: Record<string, string | undefined>, name: string) => {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value
  return undefined
}

export function verify(
  rawBody: string,
  headers: Record<string, string | undefined>,
  secret: string,
  opts: { now?: number; toleranceSeconds?: number } = {}
): Verdict {
  const signature = header(headers, SIGNATURE_HEADER)
  const timestamp = header(headers, TIMESTAMP_HEADER)
  if (!signature || !timestamp) return { ok: false, refusal: 'missing', reason: 'the signature headers are missing' }
  if (!secret) return { ok: false, refusal: 'unknown-secret', reason: 'no signing secret is known' }
  const signedAt = Date.parse(timestamp)
  if (Number.isNaN(signedAt)) return { ok: false, refusal: 'bad-timestamp', reason: 'the signature timestamp is not a date' }
  const tolerance = (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS) * 1000
  if (Math.abs((opts.now ?? Date.now()) - signedAt) > tolerance) {
    return { ok: false, refusal: 'stale', reason: 'the signature timestamp is outside the tolerance window' }
  }
  const expected = Buffer.from(sign(secret, timestamp, rawBody), 'base64')
  const given = Buffer.from(signature, 'base64')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, refusal: 'mismatch', reason: 'the signature does not match' }
  }
  return { ok: true }
}
