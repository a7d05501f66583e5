import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findLeaks } from '../../emulators/secret-scan'

describe('the suite-wide secret scan', () => {
  it('finds a secret written in any log, and names it only by its first characters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'))
    writeFileSync(join(dir, 'secrets-a.txt'), 'tok_0123456789abcdef\nanother-secret-xyz')
    writeFileSync(join(dir, 'logs-1.txt'), 'all good\nnothing here')
    writeFileSync(join(dir, 'logs-2.txt'), 'Bearer tok_0123456789abcdef refused')
    expect(findLeaks(dir)).toEqual(['tok_… in logs-2.txt'])
  })
})
