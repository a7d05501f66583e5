// Credentials on /api/v2: OAuth bearer tokens the emulator issued, or the legacy API token as Basic
// `email/token:TOKEN`. Scopes follow Zendesk's OAuth scopes: `read` covers GET, `write` covers the other
// methods, and `resource:read` / `resource:write` limit either to one resource.

import { couldNotAuthenticate, forbidden, invalidToken } from './errors.js'
import type { Principal, Route } from './http.js'
import type { EmulatorState } from './state.js'

export function authenticate(state: EmulatorState, authorization: string | undefined): Principal {
  const [scheme = '', credentials = ''] = (authorization ?? '').split(/\s+/, 2)
  if (scheme.toLowerCase() === 'bearer') {
    const token = state.accessTokens.get(credentials)
    const user = token && state.users.get(token.userId)
    if (!token || !user || (token.expiresAt !== undefined && token.expiresAt <= state.now().getTime())) throw invalidToken()
    return { user, scopes: token.scopes }
  }
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const match = /^(.+)\/token:(.+)$/.exec(decoded)
    const userId = match?.[2] === undefined ? undefined : state.apiTokens.get(match[2])
    const user = userId === undefined ? undefined : state.users.get(userId)
    if (!match || !user || user.email?.toLowerCase() !== match[1]?.toLowerCase()) throw couldNotAuthenticate()
    return { user, scopes: ['read', 'write'] }
  }
  throw couldNotAuthenticate()
}

export function authorize(route: Route, method: string, principal: Principal): void {
  const { user } = principal
  if (user.role === 'end-user' && route.pattern !== '/api/v2/users/me') throw forbidden()
  if (route.adminOnly && user.role !== 'admin') throw forbidden()
  const access = method === 'GET' || method === 'HEAD' ? 'read' : 'write'
  const allowed = principal.scopes.some((scope) => scope === access || (route.resource !== undefined && scope === `${route.resource}:${access}`))
  if (!allowed) throw forbidden()
}
