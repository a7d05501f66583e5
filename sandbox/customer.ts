// The customer's side: a tiny bot, and the hitl plugin's part once the user asks for a human, done the way
// the plugin does it (see /work/shared/HITL-PLUGIN.md): createUser, startHitl with the chat so far, user
// messages relayed to the hitl channel with payload.userId, `/end` as a notice then stopHitl, and the
// integration's messages and hitlAssigned / hitlStopped events brought back to the user.
import type { BotpressEmulator, Event, Message } from '../emulators/botpress'
import type { Cloud } from '../emulators/cloud'
import type { HistoryItem, Plugin, Session } from '../emulators/plugin/index'

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

/** The plugin's default close command. */
export const CLOSE_COMMAND = '/end'
const ASKS_FOR_HUMAN = /\b(human|agent|person|someone)\b/i
const CUSTOMER = { name: 'Ann Lee', email: 'ann.lee@example.com' }

type Hitl = { session: Session; agentUserId?: string }

export class CustomerChat {
  public readonly messages: ChatMessage[] = []
  private hitl: Hitl | undefined
  private escalating = false
  // One turn at a time, like a chat: a message sent while the ticket opens waits for the session.
  private queue: Promise<void> = Promise.resolve()
  private readonly unsubscribe: (() => void)[]
  // The emulator reports a message again when it is updated (tags, acks): each is shown once.
  private readonly seen = new Set<string>()

  public constructor(
    private readonly deps: { plugin: Plugin; cloud: Cloud; botpress: BotpressEmulator; onChange: () => void },
  ) {
    this.post({ from: 'bot', text: "Hi, I'm the Acme bot. Ask me anything, or say \"talk to a human\" to reach a Zendesk agent." })
    this.unsubscribe = [
      deps.botpress.on('message', (m: Message) => this.onMessage(m)),
      deps.botpress.on('event', (e: Event) => this.onEvent(e)),
    ]
  }

  public get status(): ChatStatus {
    if (this.escalating) return { kind: 'escalating' }
    if (!this.hitl) return { kind: 'bot' }
    const { session, agentUserId } = this.hitl
    const agent = agentUserId ? this.deps.botpress.state.users.get(agentUserId)?.name : undefined
    return { kind: 'hitl', conversationId: session.conversationId, ticketId: session.ticketId, ...(agent && { agent }) }
  }

  public say(text: string): Promise<void> {
    const trimmed = text.trim()
    if (!trimmed) return Promise.resolve()
    this.post({ from: 'user', text: trimmed })
    return this.turn(async () => {
      if (this.hitl) {
        if (trimmed === CLOSE_COMMAND) return this.end(this.hitl)
        return this.relay(this.hitl, 'text', { text: trimmed })
      }
      if (ASKS_FOR_HUMAN.test(trimmed)) return this.escalate()
      this.post({ from: 'bot', text: botAnswer(trimmed) })
    })
  }

  public askForHuman(): Promise<void> {
    this.post({ from: 'user', text: 'Talk to a human' })
    return this.turn(async () => {
      if (this.hitl) this.post({ from: 'notice', text: 'You are already talking to the support team.' })
      else await this.escalate()
    })
  }

  /** A file the user sent, already stored at `media.url` (what Botpress file storage gives the plugin). */
  public send(media: Media): Promise<void> {
    this.post({ from: 'user', media })
    return this.turn(async () => {
      if (this.hitl) return this.relay(this.hitl, media.type, mediaPayload(media))
      this.post({ from: 'bot', text: 'Thanks, I cannot read files myself, but an agent can: say "talk to a human".' })
    })
  }

  public close(): Promise<void> {
    for (const off of this.unsubscribe) off()
    return this.queue
  }

  private turn(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn).catch((thrown: unknown) => {
      this.post({ from: 'notice', text: `Error: ${thrown instanceof Error ? thrown.message : String(thrown)}` })
    })
    this.queue = run
    return run
  }

  private async escalate(): Promise<void> {
    // The plugin tells the user before it calls the integration.
    this.post({ from: 'bot', text: `I'm handing you over to our support team. Type ${CLOSE_COMMAND} to come back to me.` })
    const history = this.history()
    this.escalating = true
    this.deps.onChange()
    try {
      const session = await this.deps.plugin.escalate({
        ...CUSTOMER,
        description: 'The user asked to talk to a human in the sandbox chat.',
        history,
        hitlSession: { chatbotName: 'Acme bot' },
      })
      this.hitl = { session }
      this.post({ from: 'notice', text: `Ticket #${session.ticketId} opened: waiting for an agent.` })
    } finally {
      this.escalating = false
      this.deps.onChange()
    }
  }

  /** The upstream conversation, oldest first, as the plugin passes it: the downstream user for the user's turns. */
  private history(): (userId: string) => HistoryItem[] {
    const turns = this.messages.filter((m) => m.from === 'user' || m.from === 'bot')
    return (userId) =>
      turns.map((m) => ({
        source: m.from === 'user' ? { type: 'user', userId } : { type: 'bot' },
        ...(m.media ? { type: m.media.type, payload: mediaPayload(m.media) } : { type: 'text', payload: { text: m.text ?? '' } }),
      }))
  }

  private async relay(hitl: Hitl, type: string, payload: Record<string, unknown>): Promise<void> {
    const result = await this.deps.plugin.userSends(hitl.session, type, payload)
    if (result.status >= 300) throw new Error(`the integration refused the message (${result.status}): ${result.json?.message ?? result.body}`)
  }

  private async end(hitl: Hitl): Promise<void> {
    // As the plugin: a notice in the channel, the session inactive, then stopHitl.
    await this.deps.plugin.notice(hitl.session, 'The user ended the session.')
    this.hitl = undefined
    this.post({ from: 'notice', text: 'You ended the conversation with the support team.' })
    await this.deps.cloud.action('stopHitl', { conversationId: hitl.session.conversationId })
    this.post({ from: 'bot', text: "I'm back. Anything else I can do for you?" })
  }

  /** Messages the integration creates in the HITL conversation are what the plugin forwards to the user. */
  private onMessage(m: Message): void {
    const hitl = this.hitl
    if (!hitl || m.conversationId !== hitl.session.conversationId || m.userId === this.deps.botpress.botUserId) return
    if (this.seen.has(m.id)) return
    this.seen.add(m.id)
    // Without an assignment, the plugin takes the first message's author as the agent.
    hitl.agentUserId ??= m.userId
    const author = this.agentOf(m.userId)
    const payload = m.payload as Record<string, unknown>
    const text = typeof payload.text === 'string' ? payload.text : undefined
    const media = mediaOf(m.type, payload)
    if (media) this.post({ from: 'agent', author, media })
    else if (text !== undefined) this.post({ from: 'agent', author, text })
    else this.post({ from: 'notice', text: `The agent sent a ${m.type} message, which this chat cannot show.` })
  }

  private onEvent(e: Event): void {
    const hitl = this.hitl
    const payload = e.payload as { conversationId?: string; userId?: string }
    if (!hitl || payload.conversationId !== hitl.session.conversationId) return
    if (isEvent(e, 'hitlAssigned') && payload.userId) {
      // No de-duplication, as in the plugin: a second event is a second "joined" the user sees.
      hitl.agentUserId = payload.userId
      const agent = this.agentOf(payload.userId)
      this.post({ from: 'notice', author: agent, text: `${agent.name} joined the conversation.` })
    } else if (isEvent(e, 'hitlStopped')) {
      this.hitl = undefined
      this.post({ from: 'notice', text: 'The agent closed the conversation.' })
      this.post({ from: 'bot', text: "You're back with the bot. Anything else I can do for you?" })
    }
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

const isEvent = (e: Event, type: string) => e.type === type || e.type.endsWith(`:${type}`)

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
