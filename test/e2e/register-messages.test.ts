// What a bot builder reads when saving the configuration fails: one plain message per mistake, naming what was
// tried and what to fix, through the built bundle's register.
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startZendeskEmulator, type ZendeskEmulator } from '../../emulators/zendesk'
import { startLoop } from '../../emulators/plugin/index'

let zd: ZendeskEmulator
beforeAll(async () => {
  zd = await startZendeskEmulator()
})
afterAll(() => zd?.close())

/** register's answer and the bundle's log lines, for a configuration. */
async function register(configuration: Record<string, unknown>): Promise<{ status: number; message: string; logs: string[] }> {
  const loop = await startLoop({ zendesk: zd, configuration, register: false })
  try {
    const answer = await loop.cloud.register()
    return { status: answer.status, message: answer.json?.message, logs: loop.cloud.logs }
  } finally {
    await loop.close()
  }
}

/**
 * A loopback port where nothing listens. A port taken from the system and released would go back to the ephemeral
 * range, where a server another test file starts meanwhile (files run three at a time) may be given it: a
 * privileged port is never handed out that way, and one is used only once a connection to it is refused.
 */
async function closedPort(): Promise<number> {
  // (Not one of the ports fetch refuses to call, such as 9 or 13.)
  for (const port of [4, 8, 12, 14, 16, 18]) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => (socket.destroy(), resolve(false)))
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'))
    })
    if (refused) return port
  }
  throw new Error('every candidate port on 127.0.0.1 has a listener')
}

const EMPTY = 'The Zendesk subdomain is empty: type "acme", "acme.zendesk.com" or "https://acme.zendesk.com".'

describe('register says what to fix, once', () => {
  it.each([[''], ['   ']])('an empty subdomain (%j) gets the same friendly message', async (subdomain) => {
    expect(await register({ subdomain, accessToken: 'unused-token-1' })).toMatchObject({ status: 400, message: EMPTY })
  })

  it('a credential Zendesk refuses is said to be refused once, with the address and what Zendesk answered', async () => {
    const { status, message } = await register({ subdomain: zd.url, accessToken: 'not-a-token-5150' })
    expect(status).toBe(400)
    expect(message).toBe(
      `Zendesk at ${zd.url} did not accept the credentials (read the connected user: Zendesk answered 401 invalid_token: ` +
        'The access token provided is expired, revoked, malformed or invalid for other reasons.): check them, or reconnect.',
    )
  })

  it('an unreachable Zendesk is named, with the reason in plain words', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const { status, message } = await register({ subdomain: url, accessToken: 'unused-token-2' })
    expect(status).toBe(400)
    expect(message).toBe(`Could not reach Zendesk at ${url} (read the connected user): the connection was refused. Check the subdomain, and that Zendesk is reachable.`)
  })

  it('with an API token, the deprecation warning comes only once the connection works', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const failed = await register({ subdomain: url, email: 'admin@acme.test', apiToken: 'unused-token-3' })
    expect(failed.message).toMatch(/^Could not reach Zendesk at /)
    expect(failed.logs.join('\n')).not.toContain('API token')

    const legacy = zd.createApiToken()
    const worked = await register({ subdomain: zd.url, email: legacy.email, apiToken: legacy.token })
    expect(worked.status).toBe(200)
    expect(worked.logs.filter((l) => l.includes('API token'))).toEqual([
      expect.stringContaining('Connected with a Zendesk API token: Zendesk turns every API token off on 2027-04-30. Switch to an OAuth client before then.'),
    ])
  })
})
