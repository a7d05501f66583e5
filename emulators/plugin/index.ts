// One HITL loop on loopback: the Zendesk emulator, the Botpress emulator, the built bundle driven as Botpress
// Cloud drives it, and the hitl plugin in the bot (hitl-plugin.ts).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startBotpressEmulator, type BotpressEmulator } from '../botpress'
import { startZendeskEmulator, type ZendeskEmulator } from '../zendesk'
import { startCloud, type Cloud } from '../cloud'
import { Plugin, type PluginConfiguration } from './hitl-plugin'

export * from './hitl-plugin'

export const ALIAS = 'zendesk-hitl'

export type Loop = {
  zendesk: ZendeskEmulator
  botpress: BotpressEmulator
  cloud: Cloud
  plugin: Plugin
  close(): Promise<void>
}

export async function startLoop(
  opts: {
    zendesk?: ZendeskEmulator
    configuration?: Record<string, unknown>
    processes?: number
    webhookId?: string
    register?: boolean
    /** Record every connection the bundle attempts, and refuse those off loopback (see the Cloud driver). */
    connectLog?: string
    /** The hitl plugin's configuration in the bot. */
    plugin?: PluginConfiguration
  } = {}
): Promise<Loop> {
  const zendesk = opts.zendesk ?? (await startZendeskEmulator({ webhookRetryBackoffMs: 20 }))
  const botpress = await startBotpressEmulator()
  const cloud = await startCloud({
    botpress,
    configurationType: 'manual',
    configuration: opts.configuration ?? { subdomain: zendesk.url, accessToken: zendesk.issueAccessToken() },
    ...(opts.processes ? { processes: opts.processes } : {}),
    ...(opts.webhookId ? { webhookId: opts.webhookId } : {}),
    ...(opts.connectLog ? { connectLog: opts.connectLog } : {}),
  })
  if (opts.register !== false) {
    const registered = await cloud.register()
    if (registered.status !== 200) throw new Error(`register failed: ${registered.status} ${registered.body}`)
  }
  const plugin = new Plugin(cloud, botpress, zendesk, opts.plugin)
  return {
    zendesk,
    botpress,
    cloud,
    plugin,
    async close() {
      plugin.close()
      await cloud.stop()
      await botpress.close()
      if (!opts.zendesk) await zendesk.close()
    },
  }
}

/** A small file server standing for the user's media (Botpress file storage, a CDN). */
export async function startFileServer(files: Record<string, { type: string; data: Buffer }>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname]
    if (!file) return void res.writeHead(404).end('not found')
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.data.length }).end(file.data)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A real 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==', 'base64')
