import { describe, expect, it } from 'vitest'
import { fresh } from '../../src/auth/credentials'
import { readSettings, zendeskBaseUrl } from '../../src/config'

describe('the Zendesk subdomain a bot builder types', () => {
  it.each([
    ['acme', 'https://acme.zendesk.com'],
    ['  Acme ', 'https://acme.zendesk.com'],
    ['acme.zendesk.com', 'https://acme.zendesk.com'],
    ['https://acme.zendesk.com', 'https://acme.zendesk.com'],
    ['https://acme.zendesk.com/', 'https://acme.zendesk.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:3001/', 'http://localhost:3001'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
  ])('%s is %s', (typed, url) => {
    expect(zendeskBaseUrl(typed)).toBe(url)
  })

  it.each([
    ['', /empty/],
    ['http://acme.zendesk.com', /plain http/],
    ['https://evil.example.com', /not a Zendesk address/],
    ['https://acme.zendesk.com.evil.io', /not a Zendesk address/],
    ['https://acme.zendesk.com/api/v2', /not a Zendesk address/],
    ['https://user:pw@acme.zendesk.com', /contains "@"/],
    ['http://10.0.0.8', /plain http/],
    ['ac me', /not a Zendesk address/],
    ['ftp://acme.zendesk.com', /not a Zendesk address/],
  ])('%j is refused with a message saying what to type', (typed, message) => {
    expect(() => zendeskBaseUrl(typed)).toThrow(message)
  })

  it.each(['https://admin:S3cret-Pass@acme.zendesk.com', 'admin:S3cret-Pass@acme.zendesk.com', 'S3cret-Pass@acme', 'https://admin:S3cret Pass@acme.zendesk.com'])(
    'a password typed into %j is refused without being repeated',
    (typed) => {
      expect(() => zendeskBaseUrl(typed)).toThrow(/contains "@"/)
      try {
        zendeskBaseUrl(typed)
      } catch (thrown) {
        expect((thrown as Error).message).not.toContain('S3cret')
      }
    }
  )
})

describe('the manual configuration', () => {
  const manual = (c: Record<string, unknown>) =>
    readSettings({ configurationType: 'manual', configuration: { subdomain: 'acme', ...c } as never })

  it.each([
    [{ clientId: 'id', clientSecret: 's' }, { kind: 'client-credentials', clientId: 'id', clientSecret: 's' }],
    [{ accessToken: 't' }, { kind: 'access-token', token: 't' }],
    [{ email: 'a@b.c', apiToken: 't' }, { kind: 'api-token', email: 'a@b.c', token: 't' }],
  ])('takes one credential: %j', (given, credential) => {
    expect(manual(given).credential).toEqual(credential)
  })

  it.each([
    [{}, /No Zendesk credential given/],
    [{ clientId: 'id' }, /both its client ID and its client secret/],
    [{ email: 'a@b.c' }, /both the admin email and the token/],
    [{ accessToken: 't', apiToken: 'x', email: 'a@b.c' }, /exactly one Zendesk credential, not access token and email \+ API token/],
  ])('refuses %j', (given, message) => {
    expect(() => manual(given)).toThrow(message)
  })

  it('defaults the end status to solved and refuses an unknown one', () => {
    expect(manual({ accessToken: 't' }).stopStatus).toBe('solved')
    expect(manual({ accessToken: 't', stopStatus: 'closed' }).stopStatus).toBe('closed')
    expect(() => manual({ accessToken: 't', stopStatus: 'deleted' })).toThrow(/stopStatus/)
  })

  it('reads the default configuration as the "Connect with Zendesk" OAuth connection', () => {
    expect(readSettings({ configurationType: null, configuration: { subdomain: 'acme' } as never })).toEqual({
      baseUrl: 'https://acme.zendesk.com',
      credential: { kind: 'oauth-connection' },
      stopStatus: 'solved',
      linkExistingEndUsers: false,
    })
  })

  it('links users to existing end users only when the bot builder turns it on', () => {
    expect(manual({ accessToken: 't' }).linkExistingEndUsers).toBe(false)
    expect(manual({ accessToken: 't', linkExistingEndUsers: true }).linkExistingEndUsers).toBe(true)
  })
})

describe('when a stored token is renewed', () => {
  const base = 'https://acme.zendesk.com'
  const now = Date.parse('2026-11-25T10:00:00Z')
  it.each([
    ['no expiry known', { accessToken: 't', subdomain: base }, true],
    ['expires in ten minutes', { accessToken: 't', subdomain: base, expiresAt: now + 10 * 60_000 }, true],
    ['expires within the minute: renewed before it fails mid-request', { accessToken: 't', subdomain: base, expiresAt: now + 30_000 }, false],
    ['expired', { accessToken: 't', subdomain: base, expiresAt: now - 1 }, false],
    ['for another Zendesk account', { accessToken: 't', subdomain: 'https://other.zendesk.com' }, false],
    ['nothing stored', undefined, false],
  ])('%s: fresh is %s', (_, stored, isFresh) => {
    expect(fresh(stored, base, now)).toBe(isFresh)
  })
})
