// The customer's side: a webchat conversation with a tiny bot that has the hitl plugin installed. The plugin is
// the stand-in of emulators/plugin/hitl-plugin.ts (hitl plugin 1.4.2, call for call), so the chat shows what a
// real webchat user reads: the bot's answers, the plugin's own messages with their default texts, and the agents'
// replies under the agent's name and picture. Nothing else is said in the chat.
import type { BotpressEmulator, Message } from '../emulators/botpress'
import type { Chat, Plugin, Turn } from '../emulators/plugin/index'

export type Media = { type: 'image' | 'file' | 'audio' | 'video'; url: string; title?: string }

export interface ChatMessage {
  id: number
  from: 'user' | 'bot' | 'agent' | 'notice'
  /** The agent's name and picture, as the plugin shows them on webchat. */
  author?: { name: string; pictureUrl?: string }
  text?: string
  media?: Media
}

export type ChatStatus =
  | { kind: 'bot' }
  | { kind: 'escalating' }
  | { kind: 'hitl'; conversationId: string; ticketId: number; agent?: string }

const ASKS_FOR_HUMAN = /\b(human|agent|person|someone)\b/i
const CUSTOMER = { name: 'Ann Lee', email: 'ann.lee@example.com' }

export class CustomerChat {
  /** The chat as shown, in order; only ever appended to. */
  public readonly messages: ChatMessage[] = []
  private readonly chat: Chat
  private escalating = 0
  private readonly shown = new Set<string>()
  private readonly unsubscribe: () => void

  public constructor(private readonly deps: { plugin: Plugin; botpress: BotpressEmulator; onChange: () => void }) {
    this.chat = deps.plugin.openChat(CUSTOMER)
    // Every message of the user's conversation, whoever wrote it (the user, the bot, the plugin), in order.
    this.unsubscribe = deps.botpress.on('message', (m: Message) => {
      if (m.conversationId === this.chat.conversationId) this.show(m)
    })
    deps.plugin.botSays(this.chat, 'text', { text: "Hi, I'm the Acme bot. Ask me anything, or say \"talk to a human\" to reach a Zendesk agent." })
  }

  public get status(): ChatStatus {
    if (this.escalating) return { kind: 'escalating' }
    const { plugin, botpress } = this.deps
    const upstream = botpress.state.conversations.get(this.chat.conversationId)
    const downstreamId = upstream?.tags['hitl#downstream']
    if (!downstreamId || !plugin.isActive(this.chat.conversationId)) return { kind: 'bot' }
    // The downstream conversation is this session's own; the upstream one keeps the agent of an earlier session.
    const agent = botpress.state.conversations.get(downstreamId)?.tags['hitl#humanAgentName']
    return { kind: 'hitl', conversationId: downstreamId, ticketId: plugin.ticketIdOf(downstreamId), ...(agent && { agent }) }
  }

  /** The user types: the plugin's hook decides whether the bot or the agent gets it, as in a real bot. */
  public say(text: string): Promise<void> {
    const trimmed = text.trim()
    if (!trimmed) return Promise.resolve()
    return this.turn('text', { text: trimmed }, () => (ASKS_FOR_HUMAN.test(trimmed) ? this.escalate() : this.botSays(botAnswer(trimmed))))
  }

  public askForHuman(): Promise<void> {
    return this.say('Talk to a human')
  }

  /** A file the user sent, already stored at `media.url` (what Botpress file storage gives the plugin). */
  public send(media: Media): Promise<void> {
    return this.turn(media.type, mediaPayload(media), () => this.botSays('Thanks, I cannot read files myself, but an agent can: say "talk to a human".'))
  }

  public close(): Promise<void> {
    this.unsubscribe()
    this.deps.plugin.close()
    return this.deps.plugin.settled()
  }

  /**
   * One message of the user, handled as Botpress would: its own run, not queued behind the others. A message the
   * plugin lets through goes to the bot, which answers with `bot`.
   */
  private async turn(type: string, payload: Record<string, unknown>, bot: () => Promise<void> | void): Promise<void> {
    try {
      const handled: Turn = await this.deps.plugin.userWrites(this.chat, type, payload)
      if (handled.handledBy === 'bot') await bot()
      else if (handled.delivery && handled.delivery.status >= 300) {
        this.notice(`The integration refused the message (${handled.delivery.status}): ${handled.delivery.json?.message ?? handled.delivery.body}`)
      }
    } catch (thrown) {
      this.notice(`Error: ${thrown instanceof Error ? thrown.message : String(thrown)}`)
    }
  }

  private async escalate(): Promise<void> {
    // The bot's flow is already in its "Start HITL" card: a second request waits for it rather than opening a
    // second ticket (the plugin has no lock of its own).
    if (this.escalating) return this.botSays('One moment, I am connecting you to the support team.')
    this.escalating++
    this.deps.onChange()
    try {
      await this.deps.plugin.startHitl(this.chat, {
        // The card's title left empty: the integration names the ticket after the user.
        title: '',
        description: 'The user asked to talk to a human in the sandbox chat.',
        hitlSession: { chatbotName: 'Acme bot' },
      })
    } finally {
      this.escalating--
      this.deps.onChange()
    }
  }

  private botSays(text: string): void {
    this.deps.plugin.botSays(this.chat, 'text', { text })
  }

  private show(m: Message): void {
    // The emulator reports a message again when it is updated: each is shown once.
    if (this.shown.has(m.id)) return
    this.shown.add(m.id)
    const payload = m.payload as Record<string, unknown>
    const agentId = m.direction === 'outgoing' && typeof payload.userId === 'string' ? payload.userId : undefined
    const from = m.direction === 'incoming' ? 'user' : agentId ? 'agent' : 'bot'
    const author = agentId ? this.agentOf(agentId) : undefined
    const media = mediaOf(m.type, payload)
    const text = typeof payload.text === 'string' ? payload.text : undefined
    if (media) this.post({ from, ...(author && { author }), media })
    else if (text !== undefined) this.post({ from, ...(author && { author }), text })
    else this.post({ from: 'notice', text: `A ${m.type} message, which this page cannot show.` })
  }

  private notice(text: string): void {
    this.post({ from: 'notice', text })
  }

  private agentOf(userId: string): { name: string; pictureUrl?: string } {
    const user = this.deps.botpress.state.users.get(userId)
    return { name: user?.name || 'Agent', ...(user?.pictureUrl && { pictureUrl: user.pictureUrl }) }
  }

  private post(m: Omit<ChatMessage, 'id'>): void {
    this.messages.push({ id: this.messages.length, ...m })
    this.deps.onChange()
  }
}

function botAnswer(text: string): string {
  if (/\b(hi|hello|hey)\b/i.test(text)) return 'Hello! What can I help you with?'
  if (/\b(refund|order|money)\b/i.test(text)) return 'Refunds take 5 to 7 days once we receive the item. Anything else?'
  return `I'm only a tiny demo bot and cannot answer "${text}". Say "talk to a human" and an agent will.`
}

const MEDIA_FIELD = { image: 'imageUrl', audio: 'audioUrl', video: 'videoUrl', file: 'fileUrl' } as const

function mediaPayload(media: Media): Record<string, unknown> {
  return { [MEDIA_FIELD[media.type]]: media.url, ...(media.title && { title: media.title }) }
}

function mediaOf(type: string, payload: Record<string, unknown>): Media | undefined {
  if (!(type in MEDIA_FIELD)) return undefined
  const mediaType = type as Media['type']
  const url = payload[MEDIA_FIELD[mediaType]]
  if (typeof url !== 'string') return undefined
  return { type: mediaType, url, ...(typeof payload.title === 'string' && { title: payload.title }) }
}
