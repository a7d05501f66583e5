// One HITL loop on loopback: the Zendesk emulator, the Botpress emulator, the built bundle driven as Botpress
// Cloud drives it, and the part the hitl plugin plays (createUser, startHitl, user messages to the channel).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startBotpressEmulator, type BotpressEmulator } from '../botpress'
import { startZendeskEmulator, type ZendeskEmulator } from '../zendesk'
import { startCloud, type Cloud } from '../cloud'

export const ALIAS = 'zendesk-hitl'

export type Loop = {
  zendesk: ZendeskEmulator
  botpress: BotpressEmulator
  cloud: Cloud
  plugin: Plugin
  close(): Promise<void>
}

export type Session = { userId: string; conversationId: string; ticketId: number }

export async function startLoop(
  opts: {
    zendesk?: ZendeskEmulator
    configuration?: Record<string, unknown>
    processes?: number
    webhookId?: string
    register?: boolean
    /** Record every connection the bundle attempts, and refuse those off loopback (see the Cloud driver). */
    connectLog?: string
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
  return {
    zendesk,
    botpress,
    cloud,
    plugin: new Plugin(cloud, botpress, zendesk),
    async close() {
      await cloud.stop()
      await botpress.close()
      if (!opts.zendesk) await zendesk.close()
    },
  }
}

export type HistoryItem = { source: { type: 'user'; userId: string } | { type: 'bot' }; type: string; payload: Record<string, unknown> }

/** What the hitl plugin does with this integration, call for call. */
export class Plugin {
  public constructor(
    private readonly cloud: Cloud,
    private readonly botpress: BotpressEmulator,
    // Absent when the sandbox plays the plugin against a real Zendesk account.
    private readonly zendesk?: ZendeskEmulator
  ) {}

  public createUser(p: { name: string; email?: string; pictureUrl?: string }): Promise<{ userId: string }> {
    return this.cloud.action('createUser', p)
  }

  public async escalate(p: {
    name?: string
    email?: string
    title?: string
    description?: string
    history?: (userId: string) => HistoryItem[]
    hitlSession?: Record<string, unknown>
  } = {}): Promise<Session> {
    const { userId } = await this.createUser({ name: p.name ?? 'Ann Lee', email: p.email ?? `ann.${Date.now()}.${Math.random()}@example.com` })
    const { conversationId } = await this.cloud.action('startHitl', {
      userId,
      ...(p.title !== undefined && { title: p.title }),
      ...(p.description !== undefined && { description: p.description }),
      ...(p.hitlSession && { hitlSession: p.hitlSession }),
      messageHistory: p.history?.(userId) ?? [],
    })
    return { userId, conversationId, ticketId: this.ticketIdOf(conversationId) }
  }

  public ticketIdOf(conversationId: string): number {
    const conversation = this.botpress.state.conversations.get(conversationId)
    if (!conversation) throw new Error(`no conversation ${conversationId}`)
    return Number(this.botpress.asSeenByIntegration(conversation, ALIAS).tags.ticketId)
  }

  /** The plugin relays a user message into the channel as the bot, naming the user in payload.userId. */
  public userSends(session: Session, type: string, payload: Record<string, unknown>) {
    return this.cloud.messageCreated({
      conversationId: session.conversationId,
      userId: this.cloud.botUserId,
      type,
      payload: { ...payload, userId: session.userId },
    })
  }

  public userSays(session: Session, text: string) {
    return this.userSends(session, 'text', { text })
  }

  /** A plugin notice (no payload.userId): authored by the bot. */
  public notice(session: Session, text: string) {
    return this.cloud.messageCreated({ conversationId: session.conversationId, userId: this.cloud.botUserId, type: 'text', payload: { text } })
  }

  /** Messages the integration created in the HITL conversation: what the plugin forwards to the user. */
  public toUser(session: Session) {
    return this.botpress.messagesIn(session.conversationId).filter((m) => m.userId !== this.cloud.botUserId)
  }

  public events(session: Session, type?: string) {
    return this.botpress.eventsOf(type).filter((e) => e.conversationId === session.conversationId || (e.payload as { conversationId?: string }).conversationId === session.conversationId)
  }

  public comments(session: Session) {
    if (!this.zendesk) throw new Error('No Zendesk emulator: read the comments in Zendesk itself')
    return this.zendesk.state.comments.get(this.ticketIdOf(session.conversationId)) ?? []
  }

  public tagsOf(entity: { tags: Record<string, string> }): Record<string, string> {
    return (this.botpress.asSeenByIntegration(entity as never, ALIAS) as { tags: Record<string, string> }).tags
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
