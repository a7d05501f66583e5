import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { pkceChallenge, startZendeskEmulator, type ZendeskEmulator } from '../../../emulators/zendesk/index.js'
import { apiClient, bearer } from './test-support.js'

const REDIRECT = 'https://webhook.example.com/oauth'

let zd: ZendeskEmulator

beforeAll(async () => {
  zd = await startZendeskEmulator({ accessTokenTtlSeconds: 600, refreshTokenTtlSeconds: 3600 })
})

afterAll(() => zd.close())

beforeEach(() => {
  zd.contractViolations.length = 0
})

async function token(grant: Record<string, string>, form = false) {
  const res = await fetch(`${zd.url}/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(grant).toString() : JSON.stringify(grant),
  })
  return { status: res.status, body: (await res.json()) as Record<string, string | number> }
}

async function authorize(params: Record<string, string>) {
  const url = new URL(`${zd.url}/oauth/authorizations/new`)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  const res = await fetch(url, { redirect: 'manual' })
  return { status: res.status, location: res.headers.get('location'), text: await res.text() }
}

const me = async (accessToken: string) => (await apiClient(zd.url, bearer(accessToken)).get('/api/v2/users/me')).status

describe('authorization code with PKCE', () => {
  it('approves as the admin, exchanges the code once with the right verifier, and the token works', async () => {
    const client = zd.createOAuthClient({ identifier: 'bp_hitl', kind: 'confidential', redirectUris: [REDIRECT] })
    const verifier = randomBytes(32).toString('base64url')
    const auth = await authorize({
      response_type: 'code',
      client_id: client.identifier,
      redirect_uri: REDIRECT,
      scope: 'read write',
      state: 'webhook-42',
      code_challenge: pkceChallenge(verifier),
      code_challenge_method: 'S256',
    })
    expect(auth.status).toBe(302)
    const location = new URL(auth.location ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT)
    expect(location.searchParams.get('state')).toBe('webhook-42')
    const code = location.searchParams.get('code') ?? ''

    const grant = { grant_type: 'authorization_code', code, client_id: client.identifier, client_secret: client.secret, redirect_uri: REDIRECT }
    const wrongVerifier = await token({ ...grant, code_verifier: 'not-the-verifier-' + verifier })
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })

    const auth2 = await authorize({ response_type: 'code', client_id: client.identifier, redirect_uri: REDIRECT, scope: 'read write', code_challenge: pkceChallenge(verifier), code_challenge_method: 'S256' })
    const code2 = new URL(auth2.location ?? '').searchParams.get('code') ?? ''
    const ok = await token({ ...grant, code: code2, code_verifier: verifier })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ token_type: 'bearer', scope: 'read write', expires_in: 600, refresh_token_expires_in: 3600 })
    expect(typeof ok.body.refresh_token).toBe('string')
    expect(await me(String(ok.body.access_token))).toBe(200)
    const reused = await token({ ...grant, code: code2, code_verifier: verifier })
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    expect(zd.contractViolations).toEqual([])
  })

  it('refuses unknown clients and unregistered redirect URIs with an error page, and expired codes', async () => {
    const client = zd.createOAuthClient({ identifier: 'public_app', kind: 'public', redirectUris: [REDIRECT] })
    expect((await authorize({ response_type: 'code', client_id: 'nobody', redirect_uri: REDIRECT })).status).toBe(400)
    const wrongRedirect = await authorize({ response_type: 'code', client_id: client.identifier, redirect_uri: 'https://evil.example.com/cb' })
    expect(wrongRedirect.status).toBe(400)
    expect(wrongRedirect.location).toBeNull()
    const noPkce = await authorize({ response_type: 'code', client_id: client.identifier, redirect_uri: REDIRECT })
    expect(new URL(noPkce.location ?? '').searchParams.get('error')).toBe('invalid_request')

    const verifier = randomBytes(32).toString('base64url')
    const auth = await authorize({ response_type: 'code', client_id: client.identifier, redirect_uri: REDIRECT, code_challenge: pkceChallenge(verifier), code_challenge_method: 'S256' })
    const code = new URL(auth.location ?? '').searchParams.get('code') ?? ''
    zd.advanceClock(121)
    const late = await token({ grant_type: 'authorization_code', code, client_id: client.identifier, redirect_uri: REDIRECT, code_verifier: verifier }, true)
    expect(late).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
  })
})

describe('client credentials', () => {
  it('issues a token to a confidential client with its secret, never to a wrong secret', async () => {
    const client = zd.createOAuthClient({ identifier: 'bp_server', secret: 'right-secret' })
    const ok = await token({ grant_type: 'client_credentials', client_id: client.identifier, client_secret: 'right-secret', scope: 'read write' })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ token_type: 'bearer', scope: 'read write', expires_in: 600 })
    expect(ok.body.refresh_token).toBeUndefined()
    expect(await me(String(ok.body.access_token))).toBe(200)
    const wrong = await token({ grant_type: 'client_credentials', client_id: client.identifier, client_secret: 'wrong', scope: 'read' })
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    const unknownGrant = await token({ grant_type: 'password', client_id: client.identifier, client_secret: 'right-secret' })
    expect(unknownGrant).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } })
  })

  it('limits a read-scoped token to reads', async () => {
    zd.createOAuthClient({ identifier: 'reader', secret: 's' })
    const ok = await token({ grant_type: 'client_credentials', client_id: 'reader', client_secret: 's', scope: 'read' })
    const api = apiClient(zd.url, bearer(String(ok.body.access_token)))
    expect((await api.get('/api/v2/users/me')).status).toBe(200)
    expect((await api.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } })).status).toBe(403)
  })
})

describe('refresh tokens and expiry', () => {
  async function firstPair() {
    const client = zd.createOAuthClient({ identifier: `rot_${Math.random()}`, redirectUris: [REDIRECT] })
    const auth = await authorize({ response_type: 'code', client_id: client.identifier, redirect_uri: REDIRECT, scope: 'read write' })
    const code = new URL(auth.location ?? '').searchParams.get('code') ?? ''
    const pair = await token({ grant_type: 'authorization_code', code, client_id: client.identifier, client_secret: client.secret, redirect_uri: REDIRECT })
    expect(pair.status).toBe(200)
    return { client, pair: pair.body }
  }

  it('rotates: the new pair works, the old access and refresh tokens stop working, reuse is refused', async () => {
    const { client, pair } = await firstPair()
    const refresh = { grant_type: 'refresh_token', refresh_token: String(pair.refresh_token), client_id: client.identifier, client_secret: client.secret }
    const next = await token(refresh)
    expect(next.status).toBe(200)
    expect(next.body.refresh_token).not.toBe(pair.refresh_token)
    expect(await me(String(next.body.access_token))).toBe(200)
    expect(await me(String(pair.access_token))).toBe(401)
    const reused = await token(refresh)
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    expect(typeof reused.body.error_description).toBe('string')
    expect(zd.contractViolations).toEqual([])
  })

  it('expires access tokens with the emulator clock and refuses revoked or expired refresh tokens', async () => {
    const { client, pair } = await firstPair()
    zd.advanceClock(601)
    const expired = await apiClient(zd.url, bearer(String(pair.access_token))).get('/api/v2/users/me')
    expect(expired.status).toBe(401)
    expect(expired.body.error).toBe('invalid_token')
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(pair.refresh_token), client_id: client.identifier, client_secret: client.secret })
    expect(await me(String(refreshed.body.access_token))).toBe(200)

    zd.revokeRefreshToken(String(refreshed.body.refresh_token))
    const revoked = await token({ grant_type: 'refresh_token', refresh_token: String(refreshed.body.refresh_token), client_id: client.identifier, client_secret: client.secret })
    expect(revoked).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })

    const { client: c2, pair: p2 } = await firstPair()
    zd.advanceClock(3601)
    const late = await token({ grant_type: 'refresh_token', refresh_token: String(p2.refresh_token), client_id: c2.identifier, client_secret: c2.secret })
    expect(late).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })

    const issued = zd.issueAccessToken()
    expect(await me(issued)).toBe(200)
    zd.revokeAccessToken(issued)
    expect(await me(issued)).toBe(401)
  })
})
