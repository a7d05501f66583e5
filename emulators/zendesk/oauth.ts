// Zendesk OAuth (not in the Support OpenAPI document): the authorization endpoint, which the emulator
// approves at once as its admin, and the token endpoint with the authorization_code (with PKCE S256),
// client_credentials and refresh_token grants. Refreshing rotates: the new pair replaces the old access and
// refresh tokens, which stop working. Error bodies are OAuth 2.0's `{error, error_description}`.

import { createHash, randomBytes } from 'node:crypto'
import { OAuthError, TokenRequest, TokenResponse } from './contracts.js'
import { ApiError } from './errors.js'
import { json, objectBody, type ApiRequest, type ApiResponse, type Route } from './http.js'
import type { EmulatorState, OAuthClient } from './state.js'

// Zendesk: "an authorization code valid for 120 seconds".
const CODE_TTL_MS = 120 * 1000

export interface TokenLifetimes {
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
}

const oauthError = (status: number, error: string, error_description: string) => new ApiError(status, { error, error_description })

const invalidGrant = () =>
  oauthError(
    400,
    'invalid_grant',
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  )

const invalidClient = () =>
  oauthError(
    401,
    'invalid_client',
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  )

const secureToken = () => randomBytes(32).toString('hex')

export function issueTokenPair(
  state: EmulatorState,
  p: { userId: number; scopes: string[]; clientId: string; accessTtl: number; refreshTtl?: number },
): Record<string, unknown> {
  const now = state.now().getTime()
  const access = secureToken()
  state.accessTokens.set(access, { token: access, userId: p.userId, scopes: p.scopes, clientId: p.clientId, expiresAt: now + p.accessTtl * 1000 })
  const body: Record<string, unknown> = { access_token: access, token_type: 'bearer', scope: p.scopes.join(' '), expires_in: p.accessTtl }
  if (p.refreshTtl !== undefined) {
    const refresh = secureToken()
    state.refreshTokens.set(refresh, {
      token: refresh,
      userId: p.userId,
      scopes: p.scopes,
      clientId: p.clientId,
      expiresAt: now + p.refreshTtl * 1000,
      accessToken: access,
    })
    body.refresh_token = refresh
    body.refresh_token_expires_in = p.refreshTtl
  }
  return body
}

function parseScopes(scope: unknown, fallback: string): string[] {
  return (typeof scope === 'string' && scope.trim() !== '' ? scope : fallback).split(/\s+/).filter(Boolean)
}

/** Client credentials come in the body or, as OAuth 2.0 allows, as HTTP Basic. */
function clientCredentials(req: ApiRequest, body: Record<string, unknown>): { id?: string; secret?: string } {
  const basic = /^basic\s+(.+)$/i.exec(req.headers.authorization ?? '')
  if (basic?.[1]) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':', 2)
    return { ...(id ? { id } : {}), ...(secret ? { secret } : {}) }
  }
  return {
    ...(typeof body.client_id === 'string' ? { id: body.client_id } : {}),
    ...(typeof body.client_secret === 'string' ? { secret: body.client_secret } : {}),
  }
}

function authenticateClient(state: EmulatorState, req: ApiRequest, body: Record<string, unknown>): OAuthClient {
  const { id, secret } = clientCredentials(req, body)
  const client = id === undefined ? undefined : state.oauthClients.get(id)
  if (!client) throw invalidClient()
  if (client.kind === 'confidential' && secret !== client.secret) throw invalidClient()
  return client
}

function errorPage(message: string): ApiResponse {
  const html = `<!DOCTYPE html><html><head><title>Zendesk - Authorization error</title></head><body><h1>Invalid authorization request</h1><p>${message}</p></body></html>`
  return { status: 400, raw: { data: html, contentType: 'text/html; charset=utf-8' } }
}

function redirect(uri: string, params: Record<string, string | undefined>): ApiResponse {
  const url = new URL(uri)
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value)
  return { status: 302, headers: { location: url.toString() }, raw: { data: '', contentType: 'text/html; charset=utf-8' } }
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

export function oauthRoutes(state: EmulatorState, lifetimes: TokenLifetimes, approver: () => number): Route[] {
  const ttl = (requested: unknown, fallback: number) => {
    const n = Number(requested)
    return Number.isInteger(n) && n > 0 ? n : fallback
  }

  return [
    {
      method: 'GET',
      pattern: '/oauth/authorizations/new',
      auth: 'none',
      handler: (req) => {
        const q = req.query
        const client = q.client_id === undefined ? undefined : state.oauthClients.get(q.client_id)
        if (!client) return errorPage('The client identifier is unknown.')
        if (q.redirect_uri === undefined || !client.redirectUris.includes(q.redirect_uri)) {
          return errorPage('The redirect URI is not registered for this client.')
        }
        if (q.response_type !== 'code') return redirect(q.redirect_uri, { error: 'unsupported_response_type', state: q.state })
        if (q.code_challenge !== undefined && q.code_challenge_method !== 'S256') {
          return redirect(q.redirect_uri, { error: 'invalid_request', error_description: 'code_challenge_method must be S256', state: q.state })
        }
        if (client.kind === 'public' && q.code_challenge === undefined) {
          return redirect(q.redirect_uri, { error: 'invalid_request', error_description: 'Public clients must use PKCE', state: q.state })
        }
        const code = secureToken()
        state.authorizationCodes.set(code, {
          code,
          clientId: client.identifier,
          redirectUri: q.redirect_uri,
          scopes: parseScopes(q.scope, 'read'),
          userId: approver(),
          ...(q.code_challenge === undefined ? {} : { codeChallenge: q.code_challenge }),
          expiresAt: state.now().getTime() + CODE_TTL_MS,
        })
        return redirect(q.redirect_uri, { code, state: q.state })
      },
    },
    {
      method: 'POST',
      pattern: '/oauth/tokens',
      auth: 'none',
      contract: { name: 'CreateTokenForGrantType', request: TokenRequest, responses: { 200: TokenResponse, 400: OAuthError, 401: OAuthError } },
      handler: (req) => {
        const body = objectBody(req)
        const grant = body.grant_type
        if (grant !== 'authorization_code' && grant !== 'client_credentials' && grant !== 'refresh_token') {
          throw oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.')
        }
        const client = authenticateClient(state, req, body)
        const now = state.now().getTime()

        if (grant === 'authorization_code') {
          const code = typeof body.code === 'string' ? state.authorizationCodes.get(body.code) : undefined
          // A code is single-use, whatever the outcome of the exchange.
          if (code) state.authorizationCodes.delete(code.code)
          if (!code || code.clientId !== client.identifier || code.expiresAt <= now || code.redirectUri !== body.redirect_uri) {
            throw invalidGrant()
          }
          if (code.codeChallenge !== undefined) {
            if (typeof body.code_verifier !== 'string' || pkceChallenge(body.code_verifier) !== code.codeChallenge) throw invalidGrant()
          }
          return json(
            200,
            issueTokenPair(state, {
              userId: code.userId,
              scopes: code.scopes,
              clientId: client.identifier,
              accessTtl: ttl(body.expires_in, lifetimes.accessTokenTtlSeconds),
              refreshTtl: ttl(body.refresh_token_expires_in, lifetimes.refreshTokenTtlSeconds),
            }),
          )
        }

        if (grant === 'client_credentials') {
          if (client.kind !== 'confidential') {
            throw oauthError(400, 'unauthorized_client', 'The client is not authorized to perform this request using this method.')
          }
          // OAuth 2.0 (RFC 6749 §4.4.3): no refresh token for client credentials; the client asks again.
          return json(
            200,
            issueTokenPair(state, {
              userId: client.userId,
              scopes: parseScopes(body.scope, 'read write'),
              clientId: client.identifier,
              accessTtl: ttl(body.expires_in, lifetimes.accessTokenTtlSeconds),
            }),
          )
        }

        const refresh = typeof body.refresh_token === 'string' ? state.refreshTokens.get(body.refresh_token) : undefined
        if (!refresh || refresh.clientId !== client.identifier || refresh.expiresAt <= now) throw invalidGrant()
        const requested = parseScopes(body.scope, refresh.scopes.join(' '))
        if (!requested.every((s) => refresh.scopes.includes(s))) {
          throw oauthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.')
        }
        state.refreshTokens.delete(refresh.token)
        state.accessTokens.delete(refresh.accessToken)
        return json(
          200,
          issueTokenPair(state, {
            userId: refresh.userId,
            scopes: requested,
            clientId: client.identifier,
            accessTtl: ttl(body.expires_in, lifetimes.accessTokenTtlSeconds),
            refreshTtl: ttl(body.refresh_token_expires_in, lifetimes.refreshTokenTtlSeconds),
          }),
        )
      },
    },
  ]
}
