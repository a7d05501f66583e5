// What the bot builder typed, turned into where Zendesk is and how to authenticate, or a message saying what to fix.
import * as sdk from '@botpress/sdk'
import definition from '../integration.definition'
import type { Context } from './types'

export type Credential =
  | { kind: 'oauth-connection' }
  | { kind: 'client-credentials'; clientId: string; clientSecret: string }
  | { kind: 'access-token'; token: string }
  | { kind: 'api-token'; email: string; token: string }

export type Settings = {
  baseUrl: string
  credential: Credential
  stopStatus: 'solved' | 'closed'
  /** Link a user to an existing Zendesk end user with the same email, and mark the address verified. */
  linkExistingEndUsers: boolean
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

const refuse = (message: string): never => {
  throw new sdk.RuntimeError(message)
}

/** `acme`, `acme.zendesk.com`, `https://acme.zendesk.com/` → `https://acme.zendesk.com`; plain http only on loopback. */
export function zendeskBaseUrl(input: string): string {
  const typed = input.trim()
  const help = 'type "acme", "acme.zendesk.com" or "https://acme.zendesk.com"'
  if (!typed) return refuse(`The Zendesk subdomain is empty: ${help}.`)
  // A user name or password typed into the address must not be repeated in an error (errors reach the logs).
  if (typed.includes('@')) {
    return refuse(`The Zendesk subdomain contains "@", as a user name or password would: remove it (credentials have their own fields) and ${help}.`)
  }
  const lower = typed.toLowerCase()
  if (LABEL.test(lower)) return `https://${lower}.zendesk.com`
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(lower) ? typed : `https://${typed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return refuse(`"${typed}" is not a Zendesk address: ${help}.`)
  }
  const host = url.hostname.toLowerCase()
  const bare = url.pathname.replace(/\/+$/, '') === '' && !url.search && !url.hash && !url.username && !url.password
  if (url.protocol === 'http:' && LOOPBACK.test(host) && bare) return `http://${url.host}`
  const sub = host.endsWith('.zendesk.com') ? host.slice(0, -'.zendesk.com'.length) : ''
  if (url.protocol === 'https:' && LABEL.test(sub) && !url.port && bare) return `https://${host}`
  if (url.protocol === 'http:') return refuse(`"${typed}" uses plain http: Zendesk is only reached over https (${help}).`)
  return refuse(`"${typed}" is not a Zendesk address (https://<subdomain>.zendesk.com): ${help}.`)
}

type Manual = sdk.z.infer<NonNullable<typeof definition.configurations>['manual']['schema']>

function manualCredential(c: Manual): Credential {
  const given = {
    'client ID + client secret': Boolean(c.clientId || c.clientSecret),
    'access token': Boolean(c.accessToken),
    'email + API token': Boolean(c.email || c.apiToken),
  }
  const chosen = Object.entries(given).filter(([, yes]) => yes).map(([name]) => name)
  if (chosen.length === 0) {
    return refuse('No Zendesk credential given: fill either the OAuth client ID and secret, an access token, or an email and API token.')
  }
  if (chosen.length > 1) return refuse(`Give exactly one Zendesk credential, not ${chosen.join(' and ')}.`)
  if (c.clientId || c.clientSecret) {
    if (!c.clientId || !c.clientSecret) return refuse('The OAuth client needs both its client ID and its client secret.')
    return { kind: 'client-credentials', clientId: c.clientId.trim(), clientSecret: c.clientSecret.trim() }
  }
  if (c.accessToken) return { kind: 'access-token', token: c.accessToken.trim() }
  if (!c.email || !c.apiToken) return refuse('A Zendesk API token needs both the admin email and the token.')
  return { kind: 'api-token', email: c.email.trim(), token: c.apiToken.trim() }
}

function parseWith<S extends sdk.z.ZodTypeAny>(schema: S, value: unknown): sdk.z.infer<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    // An empty subdomain gets the same words whether it is "" (refused by the schema) or "   " (by zendeskBaseUrl).
    if (issue?.path[0] === 'subdomain') zendeskBaseUrl(String((value as { subdomain?: unknown } | null)?.subdomain ?? ''))
    return refuse(`The configuration is invalid: ${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'unknown error'}.`)
  }
  return parsed.data
}

export function readSettings(ctx: Pick<Context, 'configurationType' | 'configuration'>): Settings {
  if (ctx.configurationType === 'manual') {
    const c = parseWith(definition.configurations!.manual.schema, ctx.configuration) as Manual
    return {
      baseUrl: zendeskBaseUrl(c.subdomain),
      credential: manualCredential(c),
      stopStatus: c.stopStatus,
      linkExistingEndUsers: c.linkExistingEndUsers,
    }
  }
  if (ctx.configurationType) return refuse(`Unknown configuration type "${ctx.configurationType}".`)
  const c = parseWith(definition.configuration!.schema, ctx.configuration) as {
    subdomain: string
    stopStatus: 'solved' | 'closed'
    linkExistingEndUsers: boolean
  }
  return {
    baseUrl: zendeskBaseUrl(c.subdomain),
    credential: { kind: 'oauth-connection' },
    stopStatus: c.stopStatus,
    linkExistingEndUsers: c.linkExistingEndUsers,
  }
}
