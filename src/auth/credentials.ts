// Turns the configured credential into Authorization headers, keeping OAuth tokens fresh. Tokens live in the
// integration state, never in memory across invocations (Botpress runs many copies of the integration at once)
// and never in logs or error messages.
import * as sdk from '@botpress/sdk'
import type { Credential, Settings } from '../config'
import { ZendeskApi } from '../zendesk/client'
import { ZendeskError } from '../zendesk/errors'
import type { TokenResponse } from '../zendesk/schemas'
import type { Authorizer } from '../zendesk/transport'
import { stateOrNone } from '../state'
import type { Client, Context, Logger } from '../types'

type StoredCredentials = {
  accessToken: string
  refreshToken?: string
  expiresAt?: number
  subdomain: string
}

/** How long a copy that lost a refresh race waits for the winner's tokens to appear in the state. */
const WINNER_LOOKS = 5
const WINNER_WAIT_MS = 200

/** Renew this long before Zendesk's expiry, so a token never expires mid-request. */
const EXPIRY_MARGIN_MS = 60_000

export const oauthSecrets = () => ({
  clientId: process.env.SECRET_CLIENT_ID ?? '',
  clientSecret: process.env.SECRET_CLIENT_SECRET ?? '',
})

export const API_TOKEN_CUTOFF = '2027-04-30'

export function tokenEndpoint(baseUrl: string): ZendeskApi {
  return new ZendeskApi(baseUrl, { header: async () => '' })
}

export function storedFrom(token: TokenResponse, baseUrl: string, now = Date.now()): StoredCredentials {
  return {
    accessToken: token.access_token,
    ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
    ...(token.expires_in ? { expiresAt: now + token.expires_in * 1_000 } : {}),
    subdomain: baseUrl,
  }
}

type Deps = { client: Client; ctx: Pick<Context, 'integrationId'>; logger: Logger }

export class CredentialStore {
  public constructor(private readonly deps: Deps) {}

  public async read(): Promise<StoredCredentials | undefined> {
    const payload = await stateOrNone(() => this.deps.client.getState({ type: 'integration', name: 'credentials', id: this.deps.ctx.integrationId }))
    return payload as StoredCredentials | undefined
  }

  public async write(credentials: StoredCredentials): Promise<void> {
    await this.deps.client.setState({
      type: 'integration',
      name: 'credentials',
      id: this.deps.ctx.integrationId,
      payload: credentials,
    })
  }
}

export const fresh = (c: StoredCredentials | undefined, baseUrl: string, now = Date.now()): c is StoredCredentials =>
  c !== undefined && c.subdomain === baseUrl && (c.expiresAt === undefined || c.expiresAt - EXPIRY_MARGIN_MS > now)

const isInvalidGrant = (thrown: unknown) =>
  thrown instanceof ZendeskError && (thrown.failure.error === 'invalid_grant' || thrown.status === 400)

/** One Authorizer per invocation. */
export function authorizerFor(settings: Settings, deps: Deps): Authorizer {
  const { credential, baseUrl } = settings
  switch (credential.kind) {
    case 'api-token': {
      const header = `Basic ${Buffer.from(`${credential.email}/token:${credential.token}`).toString('base64')}`
      return { header: async () => header }
    }
    case 'access-token':
      return { header: async () => `Bearer ${credential.token}` }
    case 'client-credentials':
    case 'oauth-connection':
      return new TokenAuthorizer(baseUrl, credential, new CredentialStore(deps))
  }
}

class TokenAuthorizer implements Authorizer {
  private current: StoredCredentials | undefined

  public constructor(
    private readonly baseUrl: string,
    private readonly credential: Extract<Credential, { kind: 'client-credentials' | 'oauth-connection' }>,
    private readonly store: CredentialStore
  ) {}

  public async header(): Promise<string> {
    const known = this.current
    const current = fresh(known, this.baseUrl) ? known : await this.obtain(this.current?.accessToken)
    this.current = current
    return `Bearer ${current.accessToken}`
  }

  public async renew(refused: string): Promise<boolean> {
    this.current = await this.obtain(refused.replace(/^Bearer /, ''), true)
    return true
  }

  /**
   * Re-reads the state first: another copy of the integration may have renewed already, and with rotating refresh
   * tokens only the winner's token is valid. `refused` is a token known to be bad.
   */
  private async obtain(refused: string | undefined, rejected = false): Promise<StoredCredentials> {
    const stored = await this.store.read()
    if (fresh(stored, this.baseUrl) && !(rejected && stored.accessToken === refused)) return stored
    const api = tokenEndpoint(this.baseUrl)
    if (this.credential.kind === 'client-credentials') {
      const token = await api.requestToken({
        grant_type: 'client_credentials',
        client_id: this.credential.clientId,
        client_secret: this.credential.clientSecret,
        scope: 'read write',
      })
      const next = storedFrom(token, this.baseUrl)
      await this.store.write(next)
      return next
    }
    if (!stored?.refreshToken || stored.subdomain !== this.baseUrl) {
      throw new sdk.RuntimeError(
        `Zendesk is not connected for ${this.baseUrl}: open the integration's configuration and click "Connect with Zendesk".`
      )
    }
    const { clientId, clientSecret } = oauthSecrets()
    try {
      const token = await api.requestToken({
        grant_type: 'refresh_token',
        refresh_token: stored.refreshToken,
        client_id: clientId,
        client_secret: clientSecret,
      })
      const next = storedFrom(token, this.baseUrl)
      await this.store.write(next)
      return next
    } catch (thrown) {
      if (!isInvalidGrant(thrown)) throw thrown
      // Zendesk rotated our refresh token away: another copy won the race and is saving its tokens right now.
      for (let look = 0; look < WINNER_LOOKS; look++) {
        const again = await this.store.read()
        if (again && again.refreshToken !== stored.refreshToken && fresh(again, this.baseUrl)) return again
        await new Promise((resolve) => setTimeout(resolve, WINNER_WAIT_MS))
      }
      throw new sdk.RuntimeError(
        'Zendesk refused to renew the connection (the refresh token was revoked or has expired): reconnect with "Connect with Zendesk" in the integration\'s configuration.'
      )
    }
  }
}
