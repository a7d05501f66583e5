// Connecting to Zendesk as Zendesk now requires: "Connect with Zendesk" (OAuth code + PKCE), client credentials,
// an access token, or a legacy API token, with tokens kept fresh and never shown.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startBotpressEmulator } from '../../emulators/botpress'
import { startZendeskEmulator, type ZendeskEmulator } from '../../emulators/zendesk'
import { startCloud, type Cloud } from '../../emulators/cloud'
import { Plugin, type Loop, startLoop } from '../../emulators/plugin/index'
import { commentEvent, setupOf, signedWebhook } from './webhooks'

const CLIENT = { identifier: 'botpress_hitl_global', secret: 'global-client-secret-5f1c9e' }

let zd: ZendeskEmulator
const secrets = new Set<string>([CLIENT.secret])
const seen: string[] = []
const opened: { close(): Promise<void> }[] = []

beforeAll(async () => {
  zd = await startZendeskEmulator({ webhookRetryBackoffMs: 20 })
})
afterEach(async () => {
  while (opened.length) await opened.pop()!.close()
})
afterAll(() => zd?.close())

const remember = (cloud: Cloud) => opened.push({ close: async () => (seen.push(...cloud.logs), cloud.stop()) })
const messageOf = (p: Promise<unknown>) =>
  p.then(
    () => '',
    (e: Error) => (seen.push(e.message), e.message)
  )

/** Follows redirects by hand, as a browser would, returning the final answer. */
async function browse(url: string): Promise<{ status: number; body: string; hops: string[] }> {
  const hops: string[] = []
  for (let at = url; ; ) {
    hops.push(at)
    const res = await fetch(at, { redirect: 'manual' })
    const location = res.headers.get('location')
    if (res.status >= 300 && res.status < 400 && location) {
      at = new URL(location, at).toString()
      continue
    }
    return { status: res.status, body: await res.text(), hops }
  }
}

async function connectWithZendesk() {
  const botpress = await startBotpressEmulator()
  opened.push(botpress)
  const cloud = await startCloud({
    botpress,
    configuration: { subdomain: zd.url },
    env: { SECRET_CLIENT_ID: CLIENT.identifier, SECRET_CLIENT_SECRET: CLIENT.secret },
  })
  remember(cloud)
  zd.createOAuthClient({ ...CLIENT, redirectUris: [`${new URL(cloud.webhookUrl).origin}/oauth`] })
  expect((await cloud.register()).status).toBe(200)
  const connected = await browse(`${cloud.webhookUrl}/oauth/start`)
  return { botpress, cloud, connected, plugin: new Plugin(cloud, botpress, zd) }
}

const credentialsOf = (botpress: Awaited<ReturnType<typeof startBotpressEmulator>>) => {
  const state = [...botpress.state.states.values()].find((s) => (s as { name: string }).name === 'credentials') as
    | { payload: { accessToken: string; refreshToken?: string } }
    | undefined
  if (state) {
    secrets.add(state.payload.accessToken)
    if (state.payload.refreshToken) secrets.add(state.payload.refreshToken)
  }
  return state?.payload
}

describe('Connect with Zendesk (OAuth authorization code with PKCE)', () => {
  it('the admin approves once and the integration is set up: webhook, triggers, tokens', async () => {
    const webhooksBefore = zd.state.webhooks.size
    const { botpress, cloud, connected, plugin } = await connectWithZendesk()
    expect(connected.status).toBe(200)
    expect(connected.body).toContain('Connected to Zendesk')
    const authorize = new URL(connected.hops[1]!)
    expect(authorize.pathname).toBe('/oauth/authorizations/new')
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('state')).toBe(cloud.webhookId)
    expect(credentialsOf(botpress)).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) })
    expect(zd.state.webhooks.size).toBe(webhooksBefore + 1)
    expect(botpress.calls.some((c) => c.operation === 'configureIntegration')).toBe(true)
    const session = await plugin.escalate()
    expect(zd.state.tickets.get(session.ticketId)).toBeDefined()
  })

  it('refuses a callback that is not from this installation, or replayed, before asking Zendesk for a token', async () => {
    const { cloud, connected, botpress } = await connectWithZendesk()
    const tokenRequests = () => zd.requests.filter((r) => r.path === '/oauth/tokens').length
    const connectedWith = credentialsOf(botpress)!
    const before = tokenRequests()
    const callback = connected.hops.at(-1)!
    const replay = await fetch(callback)
    expect(replay.status).toBe(400)
    // The verifier was spent by the first callback: nothing is exchanged, and the connection made stays.
    expect(tokenRequests()).toBe(before)
    expect(credentialsOf(botpress)).toEqual(connectedWith)
    expect(await replay.text()).toContain('Authorization expired')
    const forged = await fetch(`${new URL(cloud.webhookUrl).origin}/${cloud.webhookId}/oauth?code=stolen&state=someone-else`)
    expect(forged.status).toBe(400)
    expect(tokenRequests()).toBe(before)
  })

  it('a token refused with a 401 is refreshed once, then the call succeeds', async () => {
    const { botpress, plugin } = await connectWithZendesk()
    const before = credentialsOf(botpress)!
    zd.revokeAccessToken(before.accessToken)
    const session = await plugin.escalate()
    expect(zd.state.tickets.get(session.ticketId)).toBeDefined()
    const after = credentialsOf(botpress)!
    expect(after.accessToken).not.toBe(before.accessToken)
    expect(after.refreshToken).not.toBe(before.refreshToken)
  })

  it('a token Zendesk considers expired is renewed, and the call succeeds', async () => {
    const { botpress, plugin } = await connectWithZendesk()
    const before = credentialsOf(botpress)!
    // Zendesk's clock moves on, ours does not: the 401 is what tells the integration.
    zd.advanceClock(31 * 60)
    const refusedBefore = zd.requests.filter((r) => r.status === 401).length
    await plugin.createUser({ name: 'After expiry', email: 'late@example.com' })
    expect(credentialsOf(botpress)!.accessToken).not.toBe(before.accessToken)
    expect(zd.requests.filter((r) => r.status === 401).length).toBe(refusedBefore + 1)
  })

  it('two copies refreshing at once leave a refresh token that still works', async () => {
    const botpress = await startBotpressEmulator()
    opened.push(botpress)
    const cloud = await startCloud({
      botpress,
      processes: 2,
      configuration: { subdomain: zd.url },
      env: { SECRET_CLIENT_ID: CLIENT.identifier, SECRET_CLIENT_SECRET: CLIENT.secret },
    })
    remember(cloud)
    zd.createOAuthClient({ ...CLIENT, redirectUris: [`${new URL(cloud.webhookUrl).origin}/oauth`] })
    expect((await browse(`${cloud.webhookUrl}/oauth/start`)).status).toBe(200)
    zd.advanceClock(31 * 60)
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => cloud.action('createUser', { name: `Racer ${i}`, email: `racer${i}@example.com` }))
    )
    expect(results).toHaveLength(4)
    zd.advanceClock(31 * 60)
    await expect(cloud.action('createUser', { name: 'After the race', email: 'after@example.com' })).resolves.toMatchObject({ userId: expect.any(String) })
    credentialsOf(botpress)
  })

  it('a revoked refresh token gives a message that says to reconnect', async () => {
    const { botpress, cloud } = await connectWithZendesk()
    const stored = credentialsOf(botpress)!
    zd.revokeRefreshToken(stored.refreshToken!)
    zd.advanceClock(31 * 60)
    const message = await messageOf(cloud.action('createUser', { name: 'Locked out', email: 'out@example.com' }))
    expect(message).toMatch(/reconnect with "Connect with Zendesk"/)
  })
})

describe('the manual configuration', () => {
  it('an OAuth client gets its own token by client credentials, and a new one after expiry', async () => {
    const client = zd.createOAuthClient({ identifier: `cc_${Date.now()}`, secret: 'cc-secret-8d2a' })
    secrets.add(client.secret)
    const loop: Loop = await startLoop({ zendesk: zd, configuration: { subdomain: zd.url, clientId: client.identifier, clientSecret: client.secret } })
    opened.push({ close: async () => (seen.push(...loop.cloud.logs), loop.close()) })
    const grants = () => zd.requests.filter((r) => r.path === '/oauth/tokens' && JSON.stringify(r.body).includes(client.identifier)).length
    await loop.plugin.escalate()
    expect(grants()).toBe(1)
    zd.advanceClock(31 * 60)
    await loop.plugin.escalate()
    expect(grants()).toBe(2)
    credentialsOf(loop.botpress)
  })

  it('a legacy API token works, with a warning naming the day Zendesk turns it off', async () => {
    const legacy = zd.createApiToken()
    secrets.add(legacy.token)
    const loop = await startLoop({ zendesk: zd, configuration: { subdomain: zd.url, email: legacy.email, apiToken: legacy.token } })
    opened.push({ close: async () => (seen.push(...loop.cloud.logs), loop.close()) })
    await loop.plugin.escalate()
    expect(loop.cloud.logs.join('\n')).toMatch(/Zendesk turns every API token off on 2027-04-30/)
  })

  it.each([
    ['a subdomain that is not Zendesk', () => ({ subdomain: 'https://zendesk.evil.io', accessToken: 'x' }), /is not a Zendesk address/],
    ['no credential', () => ({ subdomain: zd.url }), /No Zendesk credential given/],
    ['two credentials', () => ({ subdomain: zd.url, accessToken: 'x', email: 'a@b.c', apiToken: 'y' }), /exactly one Zendesk credential/],
    ['a client id without its secret', () => ({ subdomain: zd.url, clientId: 'id' }), /both its client ID and its client secret/],
    ['an access token Zendesk does not know', () => ({ subdomain: zd.url, accessToken: 'not-a-token-1234' }), /did not accept the credentials/],
    [
      'the token of an agent who is not an admin',
      () => ({ subdomain: zd.url, accessToken: zd.issueAccessToken({ userId: zd.createAgent({ name: 'Ag', email: `ag${Math.random()}@acme.test` }).id }) }),
      /is not an admin, so webhooks and triggers cannot be created: connect a Zendesk admin/,
    ],
    ['a client secret Zendesk refuses', () => ({ subdomain: zd.url, clientId: CLIENT.identifier, clientSecret: 'wrong' }), /did not accept the credentials \(OAuth client_credentials grant: Zendesk answered 401 invalid_client/],
  ])('refuses at register %s, with a message a bot builder can act on', async (_, configuration, message) => {
    const config = configuration()
    if ('accessToken' in config) secrets.add(config.accessToken as string)
    const loop = await startLoop({ zendesk: zd, configuration: config, register: false })
    opened.push({ close: async () => (seen.push(...loop.cloud.logs), loop.close()) })
    const answer = await loop.cloud.register()
    expect(answer.status).toBe(400)
    seen.push(answer.body)
    expect(answer.json.message).toMatch(message)
  })
})

/** What Zendesk answers an admin asking for a webhook's signing secret. */
async function signingSecretOf(webhookId: string): Promise<string> {
  const res = await fetch(`${zd.url}/api/v2/webhooks/${webhookId}/signing_secret`, { headers: { authorization: `Bearer ${zd.issueAccessToken()}` } })
  return ((await res.json()) as { signing_secret: { secret: string } }).signing_secret.secret
}

describe('secrets', () => {
  it('the signing secret, as registered and after a rotation, appears in no log line nor answer of the bundle', async () => {
    const loop = await startLoop({ zendesk: zd })
    opened.push({ close: async () => (seen.push(...loop.cloud.logs), loop.close()) })
    const { webhookId, signingSecret: registered } = setupOf(loop)
    const session = await loop.plugin.escalate()
    const rotate = await fetch(`${zd.url}/api/v2/webhooks/${webhookId}/signing_secret`, { method: 'POST', headers: { authorization: `Bearer ${zd.issueAccessToken()}` } })
    expect(rotate.status).toBe(201)
    // A forged request makes the integration re-read the secret from Zendesk.
    const forged = await signedWebhook(loop, commentEvent(loop, session), { secret: 'guessed-signing-secret' })
    expect(forged.status).toBe(401)
    zd.agent(zd.createAgent({ name: 'Sig Agent', email: `sig${Math.random()}@acme.test` }).id).reply(session.ticketId, { body: 'signed anew' })
    await zd.settled()
    expect(loop.plugin.toUser(session).map((m) => m.payload.text)).toEqual(['signed anew'])
    // Zendesk's secret now; the integration keeps the re-read one beside the setup, which only register writes.
    const rotated = await signingSecretOf(webhookId)
    expect(rotated).not.toBe(registered)
    const output = [...loop.cloud.logs, await forged.text()].join('\n')
    expect(output.includes(registered), 'the registered signing secret is in the output').toBe(false)
    expect(output.includes(rotated), 'the rotated signing secret is in the output').toBe(false)
  })

  it('no access token, refresh token, client secret, API token or signing secret appears in any log line or error above', async () => {
    for (const webhookId of zd.state.webhooks.keys()) secrets.add(await signingSecretOf(webhookId))
    expect(seen.length).toBeGreaterThan(10)
    const everything = seen.join('\n')
    for (const secret of secrets) {
      if (secret.length >= 8) expect(everything.includes(secret), `a secret leaked: ${secret.slice(0, 3)}…`).toBe(false)
    }
  })
})
