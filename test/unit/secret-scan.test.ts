import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { configurationSecrets, findLeaks } from '../../emulators/secret-scan'

describe('the suite-wide secret scan', () => {
  it('finds a secret written in any log, and names it only by its first characters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'))
    writeFileSync(join(dir, 'secrets-a.txt'), 'tok_0123456789abcdef\nanother-secret-xyz')
    writeFileSync(join(dir, 'logs-1.txt'), 'all good\nnothing here')
    writeFileSync(join(dir, 'logs-2.txt'), 'Bearer tok_0123456789abcdef refused')
    expect(findLeaks(dir)).toEqual(['tok_… in logs-2.txt'])
  })

  it.each([
    [{ subdomain: 'https://admin:Typed-Pass-123@acme.zendesk.com' }, ['admin:Typed-Pass-123', 'Typed-Pass-123']],
    [{ subdomain: 'admin:Typed-Pass-123@acme' }, ['admin:Typed-Pass-123', 'Typed-Pass-123']],
    [{ subdomain: 'Typed-Pass-123@acme.zendesk.com' }, ['Typed-Pass-123']],
    [{ subdomain: 'acme', accessToken: 'tok_abc', clientSecret: 'cs_1', apiToken: 'api_1', email: 'a@b.c', stopStatus: 'solved' }, ['tok_abc', 'cs_1', 'api_1']],
  ])('takes the secrets a bot builder typed from a configuration: %j', (configuration, secrets) => {
    expect(configurationSecrets(configuration)).toEqual(secrets)
  })
})
