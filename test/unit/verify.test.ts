import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { sign, verify } from '../../src/webhook/verify'

// Zendesk's documented test signing secret (the one its "test webhook" requests are signed with).
const secret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=='
const timestamp = '2026-11-25T10:00:00Z'
const body = '{"event":"comment","ticket":{"id":"42","external_id":"conv_1"},"instance":"bphitl_x","note":"é ✓"}'
const now = Date.parse(timestamp)

const openssl = (key: string, message: string) =>
  execFileSync('sh', ['-c', 'printf %s "$MSG" | openssl dgst -sha256 -hmac "$KEY" -binary | base64'], {
    env: { ...process.env, MSG: message, KEY: key },
  })
    .toString()
    .trim()

describe('Zendesk webhook signatures', () => {
  it('are base64(HMAC-SHA256(secret, timestamp + body)), as openssl computes them', () => {
    expect(sign(secret, timestamp, body)).toBe(openssl(secret, timestamp + body))
  })

  it('a genuine request passes', () => {
    const headers = { 'X-Zendesk-Webhook-Signature': openssl(secret, timestamp + body), 'x-zendesk-webhook-signature-timestamp': timestamp }
    expect(verify(body, headers, secret, { now })).toEqual({ ok: true })
  })

  const genuine = () => ({ 'x-zendesk-webhook-signature': sign(secret, timestamp, body), 'x-zendesk-webhook-signature-timestamp': timestamp })
  it.each([
    ['a changed body', () => [body.replace('42', '43'), genuine(), secret, now] as const, 'the signature does not match'],
    ['another secret', () => [body, genuine(), 'other', now] as const, 'the signature does not match'],
    ['no signature', () => [body, { 'x-zendesk-webhook-signature-timestamp': timestamp }, secret, now] as const, 'the signature headers are missing'],
    ['a stale timestamp (replay)', () => [body, genuine(), secret, now + 6 * 60_000] as const, 'the signature timestamp is outside the tolerance window'],
    ['a timestamp from the future', () => [body, genuine(), secret, now - 6 * 60_000] as const, 'the signature timestamp is outside the tolerance window'],
    ['a garbage timestamp', () => [body, { ...genuine(), 'x-zendesk-webhook-signature-timestamp': 'yesterday' }, secret, now] as const, 'the signature timestamp is not a date'],
    ['a truncated signature', () => [body, { ...genuine(), 'x-zendesk-webhook-signature': sign(secret, timestamp, body).slice(0, 20) }, secret, now] as const, 'the signature does not match'],
    ['an empty known secret', () => [body, genuine(), '', now] as const, 'no signing secret is known'],
  ])('%s is refused', (_, args, reason) => {
    const [b, h, s, at] = args()
    expect(verify(b, h, s, { now: at })).toMatchObject({ ok: false, reason })
  })
})
