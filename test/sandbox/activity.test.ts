// What the sandbox's call log shows of a call's bodies.
import { describe, expect, it } from 'vitest'
import { detailOf } from '../../sandbox/activity'

describe('the call log', () => {
  it('redacts credentials and signing secrets wherever they pass', () => {
    const detail = detailOf({
      response: { signing_secret: { secret: 'sig-123', algorithm: 'SHA256' } },
      request: { payload: { signingSecret: 'sig-123', accessToken: 'tok-1', refreshToken: 'ref-1' }, client_secret: 'cs-1' },
    })
    for (const secret of ['sig-123', 'tok-1', 'ref-1', 'cs-1']) expect(detail).not.toContain(secret)
    expect(detail).toContain('"algorithm": "SHA256"')
    expect(detail).toContain('"secret": "[redacted]"')
  })

  it('shows uploaded bytes as their size, and cuts long bodies visibly', () => {
    expect(detailOf({ body: Buffer.alloc(300) })).toContain('"<300 bytes>"')
    expect(detailOf({ text: 'x'.repeat(10_000) })).toMatch(/… \(\d+ more characters\)$/)
  })
})
