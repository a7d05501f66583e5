// "Connect with Zendesk": the OAuth authorization-code flow with PKCE for the default configuration. The
// configuration link opens <webhook>/oauth/start, which sends the admin to Zendesk; Zendesk sends them back to
// Botpress's OAuth route, which reaches this handler at /oauth with the `state` (this instance's webhook id).
import { createHash, randomBytes } from 'node:crypto'
import * as sdk from '@botpress/sdk'
import { readSettings } from '../config'
import { setUpZendesk } from '../setup/register'
import type { WebhookProps } from '../types'
import { CredentialStore, oauthSecrets, storedFrom, tokenEndpoint } from './credentials'

/** An authorization not finished within this time must be started again. */
const AUTHORIZATION_TTL_MS = 10 * 60_000
const OAUTH_SCOPES = 'read write'

const html = (status: number, title: string, text: string): sdk.Response => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${text}</p>`,
})

const base64url = (bytes: Buffer) => bytes.toString('base64url')

/** Where Botpress's OAuth route lives: the redirect URI registered once on the global Zendesk OAuth client. */
export const redirectUri = () => `${process.env.BP_WEBHOOK_URL ?? 'https://webhook.botpress.cloud'}/oauth`
const webhookUrlOf = (webhookId: string) => `${process.env.BP_WEBHOOK_URL ?? 'https://webhook.botpress.cloud'}/${webhookId}`

export async function startAuthorization(props: WebhookProps): Promise<sdk.Response> {
  const { ctx, client } = props
  const settings = readSettings(ctx)
  if (settings.credential.kind !== 'oauth-connection') {
    return html(400, 'Not an OAuth configuration', 'This integration is configured manually: there is nothing to connect.')
  }
  const { clientId } = oauthSecrets()
  if (!clientId) return html(500, 'OAuth client missing', 'The integration was deployed without its CLIENT_ID secret.')
  const codeVerifier = base64url(randomBytes(48))
  await client.setState({
    type: 'integration',
    name: 'oauthRequest',
    id: ctx.integrationId,
    payload: { state: ctx.webhookId, codeVerifier, createdAt: Date.now() },
  })
  const authorize = new URL(`${settings.baseUrl}/oauth/authorizations/new`)
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri(),
    scope: OAUTH_SCOPES,
    state: ctx.webhookId,
    code_challenge: base64url(createHash('sha256').update(codeVerifier).digest()),
    code_challenge_method: 'S256',
  }).toString()
  return { status: 302, headers: { location: authorize.toString() } }
}

export async function finishAuthorization(props: WebhookProps): Promise<sdk.Response> {
  const { ctx, client, req, logger } = props
  const query = new URLSearchParams(req.query)
  if (query.get('error')) {
    return html(400, 'Zendesk did not connect', `Zendesk answered: ${escapeHtml(query.get('error_description') ?? query.get('error')!)}.`)
  }
  const code = query.get('code')
  if (!code || query.get('state') !== ctx.webhookId) {
    return html(400, 'Not a valid authorization', 'The link is not from this integration. Start again from its configuration.')
  }
  const pending = await client
    .getState({ type: 'integration', name: 'oauthRequest', id: ctx.integrationId })
    .then(({ state }) => state.payload)
    .catch(() => undefined)
  if (!pending?.codeVerifier || pending.state !== ctx.webhookId || Date.now() - pending.createdAt > AUTHORIZATION_TTL_MS) {
    return html(400, 'Authorization expired', 'Click "Connect with Zendesk" again in the integration\'s configuration.')
  }
  // Single use: a replayed callback finds nothing to finish.
  await client.setState({ type: 'integration', name: 'oauthRequest', id: ctx.integrationId, payload: { ...pending, codeVerifier: '' } })

  const settings = readSettings(ctx)
  const { clientId, clientSecret } = oauthSecrets()
  const token = await tokenEndpoint(settings.baseUrl).requestToken({
    grant_type: 'authorization_code',
    code,
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uri: redirectUri(),
    code_verifier: pending.codeVerifier,
    scope: OAUTH_SCOPES,
  })
  await new CredentialStore(props).write(storedFrom(token, settings.baseUrl))
  await client.configureIntegration({ identifier: new URL(settings.baseUrl).host })
  await setUpZendesk(props, webhookUrlOf(ctx.webhookId))
  logger.forBot().info(`Connected to Zendesk at ${settings.baseUrl}.`)
  return html(200, 'Connected to Zendesk', 'You can close this window and go back to Botpress.')
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
