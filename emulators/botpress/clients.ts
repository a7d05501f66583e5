import { Client } from '@botpress/client'
import { afterEach, beforeEach, expect } from 'vitest'
import { type BotpressEmulator, startBotpressEmulator } from './index'

export const INTEGRATION_ALIAS = 'zendesk-hitl'

export interface Clients {
  emulator: BotpressEmulator
  /** The client an integration gets from the SDK: bot id, integration id and alias, a token. */
  integration: Client
  /** A bot's client: bot id and a bot token only. */
  bot: Client
}

/** An emulator and real `@botpress/client` clients on it, for the tests of the emulator. */
export async function startWithClients(opts: { pageSize?: number } = {}): Promise<Clients> {
  const emulator = await startBotpressEmulator(opts)
  const integration = new Client({
    apiUrl: emulator.url,
    botId: emulator.botId,
    integrationId: '5b0c9e2e-8c4f-4a57-9c8e-6f0a3f1f2d11',
    integrationAlias: INTEGRATION_ALIAS,
    token: 'bp_int_test',
  })
  const bot = new Client({ apiUrl: emulator.url, botId: emulator.botId, token: 'bp_bot_test' })
  return { emulator, integration, bot }
}

/**
 * A fresh emulator and clients around each test of a file, closed after it; a test that made the emulator break
 * the runtime contract fails. The returned object always holds the current test's.
 */
export function emulatorPerTest(opts: { pageSize?: number } = {}): Clients {
  let current: Clients | undefined
  beforeEach(async () => {
    current = await startWithClients(opts)
  })
  afterEach(async () => {
    expect(current!.emulator.contractViolations).toEqual([])
    await current!.emulator.close()
  })
  const now = () => {
    if (!current) throw new Error('emulatorPerTest is only available inside a test')
    return current
  }
  return {
    get emulator() {
      return now().emulator
    },
    get integration() {
      return now().integration
    },
    get bot() {
      return now().bot
    },
  }
}
