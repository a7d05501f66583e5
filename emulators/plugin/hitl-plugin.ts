// The hitl plugin (botpress/botpress `plugins/hitl` 1.4.2) as it drives a HITL integration, call for call. It
// lives in the bot: it reads and writes the Botpress emulator's state directly, as the bot's own client would,
// and reaches the integration only the way Botpress does (actions, and messages the bot creates on the `hitl`
// channel, through the Cloud driver). Its "upstream" is the user's webchat conversation in the emulator: what the
// user sees is what the plugin and the bot post there.
//
// Kept from the plugin on purpose, because they are what an integration must survive: no lock around startHitl,
// hooks that read a conversation once and act on that copy, events and messages handled by separate runs that may
// overlap, everything dropped while the session is inactive, no try/catch around calls to the integration.
import type { BotpressEmulator, Conversation, Event, Message, User } from '../botpress'
import type { Cloud, InvokeResult } from '../cloud'
import type { ZendeskEmulator } from '../zendesk'

/** The plugin's defaults, from its `plugin.definition.ts`. */
export const DEFAULT_TEXTS = {
  onHitlHandoffMessage: 'I have escalated this conversation to a human agent. They should be with you shortly.',
  onHumanAgentAssignedMessage: 'A human agent has joined the conversation.',
  onHitlStoppedMessage: 'The human agent closed the conversation. I will continue assisting you.',
  onUserHitlCancelledMessage: '( The user has ended the session. )',
  onIncompatibleMsgTypeMessage: 'Sorry, the user can not receive this type of message. Please resend your message as a text message.',
  onUserHitlCloseMessage: 'You have ended the session with the human agent. I will continue assisting you.',
  onAgentAssignedTimeoutMessage:
    'No human agent is available at the moment. Please try again later. I will continue assisting you for the time being.',
} as const
export const DEFAULT_CLOSE_COMMAND = '/end'
/** A text setting with this value sends nothing. */
export const NULL_MESSAGE_CODE = 'NULL'
export const SUPPORTED_MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'file', 'bloc'] as const
const UNSUPPORTED_FROM_USER = `Sorry, I can only handle one of the following message types: ${SUPPORTED_MESSAGE_TYPES.join(', ')}`
const NOT_CONNECTED = 'Something went wrong, you are not connected to a human agent...'

/** The plugin's configuration, as a bot builder fills it (every field optional, as in the plugin). */
export type PluginConfiguration = { [K in keyof typeof DEFAULT_TEXTS]?: string } & {
  userHitlCloseCommand?: string
  agentAssignedTimeoutSeconds?: number
  useHumanAgentInfo?: boolean
  flowOnHitlStopped?: boolean
}

/** The user's side: a webchat user and their conversation with the bot. */
export type Chat = { userId: string; conversationId: string }
/** A HITL session: the downstream (integration) user and conversation, the ticket, and the chat it came from. */
export type Session = { userId: string; conversationId: string; ticketId: number; chat: Chat }
export type ChatLine = { from: 'user' | 'bot'; type: string; payload: Record<string, unknown> }

/**
 * Who handled a message the user typed: the bot (no active session: the plugin let it through), or the plugin,
 * with the answer of the integration to the message it created on the hitl channel, when it created one.
 */
export type Turn = { handledBy: 'bot' } | { handledBy: 'plugin'; delivery?: InvokeResult }

export type StartInput = {
  title?: string
  description?: string
  hitlSession?: Record<string, unknown>
  userEmail?: string
  configurationOverrides?: PluginConfiguration
}

const HITL = 'hitl#'
const WEBCHAT = 'webchat'
type EndReason = 'patient-used-termination-command' | 'agent-assignment-timeout' | 'agent-closed-ticket' | 'close-action-called' | 'internal-error'

export class Plugin {
  /** Errors thrown by the plugin's hook runs (messages and events); Botpress would log them. */
  public readonly errors: unknown[] = []
  /** `continueWorkflow` events the plugin emitted (upstream conversation ids): the bot's flow resumes. */
  public readonly continued: string[] = []
  /** Every action the plugin called on the integration, in order, with its input. */
  public readonly calls: { action: string; input: Record<string, unknown> }[] = []
  private readonly active = new Map<string, boolean>()
  private readonly sessionConfig = new Map<string, PluginConfiguration>()
  private readonly sessions = new Map<string, Session>()
  private readonly handled = new Set<string>()
  private readonly runs = new Set<Promise<void>>()
  private readonly timeouts = new Map<string, { due: number; timer: NodeJS.Timeout; fire(now: number): Promise<void> }>()
  private readonly unsubscribe: (() => void)[]
  private beforeActivation: ((downstreamConversationId: string) => Promise<void>) | undefined

  public constructor(
    private readonly cloud: Cloud,
    private readonly botpress: BotpressEmulator,
    // Absent when the sandbox plays the plugin against a real Zendesk account.
    private readonly zendesk?: ZendeskEmulator,
    private readonly configuration: PluginConfiguration = {}
  ) {
    this.unsubscribe = [
      botpress.on('message', (m: Message) => this.onMessage(m)),
      botpress.on('event', (e: Event) => this.onEvent(e)),
    ]
  }

  // ── The user's side ────────────────────────────────────────────────────────────────────────────────────────

  /** A webchat user and conversation. `email` is a user tag, where the plugin looks for one. */
  public openChat(p: { name?: string; email?: string; pictureUrl?: string } = {}): Chat {
    const user = this.botpress.createUserAsBot({
      ...(p.name !== undefined && { name: p.name }),
      ...(p.pictureUrl !== undefined && { pictureUrl: p.pictureUrl }),
      tags: p.email ? { email: p.email } : {},
    })
    const conversation = this.botpress.createConversationAsBot({ channel: 'channel', integration: WEBCHAT })
    return { userId: user.id, conversationId: conversation.id }
  }

  /** What the bot itself answers in the chat (its flow, not the plugin). */
  public botSays(chat: Chat, type: string, payload: Record<string, unknown>): Message {
    return this.botpress.createMessageAsBot({ conversationId: chat.conversationId, userId: this.cloud.botUserId, type, payload })
  }

  /** The user types a message: the plugin's before_incoming_message hook decides who handles it. */
  public async userWrites(chat: Chat, type: string, payload: Record<string, unknown>): Promise<Turn> {
    const message = this.botpress.createIncomingMessage({ conversationId: chat.conversationId, userId: chat.userId, type, payload })
    return this.track(this.upstreamMessage(message))
  }

  /** The chat as the user sees it, oldest first. */
  public userSees(chat: Chat): Message[] {
    return this.botpress.messagesIn(chat.conversationId)
  }

  // ── The plugin's actions ───────────────────────────────────────────────────────────────────────────────────

  /** The plugin's startHitl action (the "Start HITL" card): the session, or undefined when it returned early. */
  public async startHitl(chat: Chat, input: StartInput = {}): Promise<Session | undefined> {
    const upstream = this.conversation(chat.conversationId)
    if (upstream.tags[`${HITL}upstream`] || upstream.integration === this.cloud.integrationAlias) return undefined
    if (this.isActive(upstream.id)) return undefined
    // The plugin's guard against a webchat replaying the message that started the session.
    const lastUserMessage = this.botpress.messagesIn(upstream.id).filter((m) => m.direction === 'incoming').at(-1)?.id
    if (upstream.tags[`${HITL}startMessageId`] && upstream.tags[`${HITL}startMessageId`] === lastUserMessage) return undefined

    const config = { ...this.configuration, ...input.configurationOverrides }
    this.sessionConfig.set(upstream.id, config)
    await this.sayUpstream(upstream.id, config.onHitlHandoffMessage, DEFAULT_TEXTS.onHitlHandoffMessage)

    const linked = new Map<string, string>()
    const downstreamUserId = await this.downstreamUserOf(chat.userId, { email: input.userEmail }, linked)
    const messageHistory = await this.history(upstream.id, linked)

    const { conversationId } = await this.act<{ conversationId: string }>('startHitl', {
      title: input.title,
      description: input.description,
      hitlSession: input.hitlSession,
      userId: downstreamUserId,
      messageHistory,
    })
    const downstream = this.conversation(conversationId)
    const pause = this.beforeActivation
    this.beforeActivation = undefined
    await pause?.(downstream.id)
    this.botpress.tagAsBot('conversation', upstream.id, { [`${HITL}downstream`]: downstream.id })
    this.botpress.tagAsBot('conversation', downstream.id, { [`${HITL}upstream`]: upstream.id })
    if (lastUserMessage) this.botpress.tagAsBot('conversation', upstream.id, { [`${HITL}startMessageId`]: lastUserMessage })
    this.active.set(upstream.id, true)
    this.active.set(downstream.id, true)
    if (config.agentAssignedTimeoutSeconds) this.scheduleAssignmentTimeout(upstream.id, downstream.id, config.agentAssignedTimeoutSeconds)

    const session: Session = { userId: downstreamUserId, conversationId: downstream.id, ticketId: this.ticketIdOrZero(downstream.id), chat }
    this.sessions.set(downstream.id, session)
    return session
  }

  /** The plugin's stopHitl action (the bot's "Stop HITL" card). Tells the user nothing. */
  public async stopHitl(chat: Chat): Promise<void> {
    const upstream = this.conversation(chat.conversationId)
    if (!this.isActive(upstream.id)) return
    const downstreamId = upstream.tags[`${HITL}downstream`]
    if (!downstreamId) return
    const config = this.configOf(upstream.id)
    await this.sayDownstreamOrThrow(downstreamId, config.onUserHitlCancelledMessage, DEFAULT_TEXTS.onUserHitlCancelledMessage)
    this.setInactive(upstream.id, 'close-action-called')
    this.setInactive(downstreamId, 'close-action-called')
    await this.act('stopHitl', { conversationId: downstreamId })
  }

  // ── Shortcuts for scenarios ────────────────────────────────────────────────────────────────────────────────

  public createUser(p: { name: string; email?: string; pictureUrl?: string }): Promise<{ userId: string }> {
    return this.act('createUser', p)
  }

  /** A second webchat conversation of the same user (another tab, another day). */
  public openChatOf(userId: string): Chat {
    const conversation = this.botpress.createConversationAsBot({ channel: 'channel', integration: WEBCHAT })
    return { userId, conversationId: conversation.id }
  }

  /**
   * A user asks for a human: a new webchat user (unless `chat` is given) whose chat holds `before`, then the
   * plugin's startHitl. Throws when the plugin returned early (a session already active).
   */
  public async escalate(
    p: { name?: string; email?: string; chat?: Chat; before?: ChatLine[] } & StartInput = {}
  ): Promise<Session> {
    const chat = p.chat ?? this.openChat({ name: p.name ?? 'Ann Lee', ...(p.email !== undefined && { email: p.email }) })
    for (const line of p.before ?? []) {
      if (line.from === 'bot') this.botSays(chat, line.type, line.payload)
      else this.botpress.createIncomingMessage({ conversationId: chat.conversationId, userId: chat.userId, type: line.type, payload: line.payload })
    }
    const session = await this.startHitl(chat, p)
    if (!session) throw new Error(`the plugin started no session in ${chat.conversationId}: one is active already`)
    return session
  }

  /** The user types while the session is active; the answer is the integration's to the message the plugin created. */
  public async userSends(session: Session, type: string, payload: Record<string, unknown>): Promise<InvokeResult> {
    const turn = await this.userWrites(session.chat, type, payload)
    if (turn.handledBy !== 'plugin' || !turn.delivery) throw new Error(`the plugin did not relay the ${type} message: the session is not active`)
    return turn.delivery
  }

  public userSays(session: Session, text: string): Promise<InvokeResult> {
    return this.userSends(session, 'text', { text })
  }

  /**
   * The plugin's call for one user message, alone (no chat, no session check): what the bench times. Scenarios
   * use userSends, which goes through the plugin's hook.
   */
  public relay(session: Pick<Session, 'conversationId' | 'userId'>, type: string, payload: Record<string, unknown>): Promise<InvokeResult> {
    return this.createDownstream(session.conversationId, { type, ...payload, userId: session.userId })
  }

  /** A notice the plugin posts into the hitl channel as the bot, without payload.userId. */
  public notice(session: Pick<Session, 'conversationId'>, text: string): Promise<InvokeResult> {
    return this.createDownstream(session.conversationId, { type: 'text', text })
  }

  /** Messages the integration created in the HITL conversation (what the plugin forwards while active). */
  public toUser(session: Pick<Session, 'conversationId'>): Message[] {
    return this.botpress.messagesIn(session.conversationId).filter((m) => m.direction === 'incoming')
  }

  public events(session: Pick<Session, 'conversationId'>, type?: string): Event[] {
    return this.botpress
      .eventsOf(type)
      .filter((e) => e.conversationId === session.conversationId || (e.payload as { conversationId?: string }).conversationId === session.conversationId)
  }

  public comments(session: Pick<Session, 'conversationId'>) {
    if (!this.zendesk) throw new Error('No Zendesk emulator: read the comments in Zendesk itself')
    return this.zendesk.state.comments.get(this.ticketIdOf(session.conversationId)) ?? []
  }

  public isActive(conversationId: string): boolean {
    return this.active.get(conversationId) ?? false
  }

  public ticketIdOf(conversationId: string): number {
    const id = this.ticketIdOrZero(conversationId)
    if (!id) throw new Error(`conversation ${conversationId} has no ticket`)
    return id
  }

  /** What the integration recorded as on the ticket: `messageId=commentId` pairs, the latest last. */
  public delivered(session: Session): string {
    return this.tagsOf(this.botpress.state.conversations.get(session.conversationId)!).deliveredMessages ?? ''
  }

  public tagsOf(entity: { tags: Record<string, string> }): Record<string, string> {
    return (this.botpress.asSeenByIntegration(entity as never, this.cloud.integrationAlias) as { tags: Record<string, string> }).tags
  }

  /**
   * Runs `fn` once, in the next startHitl, after the integration's answer and before the plugin marks the session
   * active: the window in which the plugin drops every message and event the integration sends.
   */
  public onceBeforeActivation(fn: (downstreamConversationId: string) => Promise<void>): void {
    this.beforeActivation = fn
  }

  /** Runs the scheduled assignment timeouts now, as if their delay had passed. */
  public async elapseAssignmentTimeouts(): Promise<void> {
    const due = [...this.timeouts.entries()]
    for (const [key, t] of due) {
      clearTimeout(t.timer)
      this.timeouts.delete(key)
    }
    for (const [, t] of due) await this.track(t.fire(t.due))
  }

  /** Waits until every hook run the integration's messages and events started has ended. */
  public async settled(): Promise<void> {
    while (this.runs.size) await Promise.allSettled([...this.runs])
  }

  public close(): void {
    for (const off of this.unsubscribe) off()
    for (const t of this.timeouts.values()) clearTimeout(t.timer)
    this.timeouts.clear()
  }

  // ── Hooks: what Botpress hands the bot ─────────────────────────────────────────────────────────────────────

  private onMessage(m: Message): void {
    // The emulator reports a message again when it is updated; Botpress hands a new message to the bot once.
    if (m.direction !== 'incoming' || this.handled.has(m.id)) return
    const conversation = this.botpress.state.conversations.get(m.conversationId)
    if (conversation?.integration !== this.cloud.integrationAlias) return
    this.handled.add(m.id)
    this.background(() => this.downstreamMessage(m))
  }

  private onEvent(e: Event): void {
    if (e.status === 'scheduled' || this.handled.has(e.id)) return
    const kind = e.type === `${this.cloud.integrationAlias}:hitlAssigned` ? 'assigned' : e.type === `${this.cloud.integrationAlias}:hitlStopped` ? 'stopped' : undefined
    if (!kind) return
    this.handled.add(e.id)
    const payload = e.payload as { conversationId: string; userId?: string }
    this.background(() => (kind === 'assigned' ? this.hitlAssigned(payload.conversationId, payload.userId ?? '') : this.hitlStopped(payload.conversationId)))
  }

  private async upstreamMessage(message: Message): Promise<Turn> {
    const upstream = this.conversation(message.conversationId)
    if (!this.isActive(upstream.id)) return { handledBy: 'bot' }
    const config = this.configOf(upstream.id)
    if (!isSupported(message.type)) {
      this.respond(upstream.id, { type: 'text', text: UNSUPPORTED_FROM_USER })
      return { handledBy: 'plugin' }
    }
    const downstreamId = upstream.tags[`${HITL}downstream`]
    const patient = this.botpress.state.users.get(message.userId)?.tags[`${HITL}downstream`]
    if (!downstreamId || !patient) {
      this.abort(upstream.id)
      return { handledBy: 'plugin' }
    }
    if (this.isCloseCommand(message, config)) {
      const delivery = await this.sayDownstream(downstreamId, config.onUserHitlCancelledMessage, DEFAULT_TEXTS.onUserHitlCancelledMessage)
      // Posting the notice failed: the hook ends here and the session stays active.
      if (delivery && !ok(delivery)) return { handledBy: 'plugin', delivery }
      this.setInactive(upstream.id, 'patient-used-termination-command')
      this.setInactive(downstreamId, 'patient-used-termination-command')
      await this.act('stopHitl', { conversationId: downstreamId })
      await this.sayUpstream(upstream.id, config.onUserHitlCloseMessage, DEFAULT_TEXTS.onUserHitlCloseMessage)
      this.continueWorkflow(upstream.id, config)
      return { handledBy: 'plugin', ...(delivery && { delivery }) }
    }
    const delivery = await this.createDownstream(downstreamId, { type: message.type, ...message.payload, userId: patient }, { [`${HITL}upstream`]: message.id })
    return { handledBy: 'plugin', delivery }
  }

  private async downstreamMessage(m: Message): Promise<void> {
    const downstream = this.conversation(m.conversationId)
    // Dropped, not queued: nothing reaches the user of a session not yet active or already over.
    if (!this.isActive(downstream.id)) return
    const agent = this.user(m.userId)
    const upstreamId = downstream.tags[`${HITL}upstream`]
    if (!upstreamId) return this.abort(downstream.id)
    const config = this.configOf(upstreamId)
    if (!isSupported(m.type)) {
      await this.sayDownstreamOrThrow(downstream.id, config.onIncompatibleMsgTypeMessage, DEFAULT_TEXTS.onIncompatibleMsgTypeMessage)
      return
    }
    const upstream = this.conversation(upstreamId)
    const upstreamUserId = this.linkWebchatUser(agent, upstream, false)
    // The conversation as this run read it: an assignment another run made meanwhile is not seen.
    if (!downstream.tags[`${HITL}humanAgentId`]) await this.assignAgent(downstream, agent.id)
    const additionalData = typeof m.payload.additionalData === 'string' ? m.payload.additionalData : undefined
    this.respond(
      upstream.id,
      { type: m.type, ...m.payload, ...(upstreamUserId && { userId: upstreamUserId }) },
      { [`${HITL}downstream`]: m.id, ...(additionalData && { [`${HITL}additionalData`]: additionalData }) }
    )
  }

  private async hitlAssigned(downstreamId: string, agentUserId: string): Promise<void> {
    const downstream = this.conversation(downstreamId)
    if (!this.isActive(downstream.id)) return
    // No de-duplication: every hitlAssigned the plugin gets is a "joined" the user reads.
    await this.assignAgent(downstream, agentUserId)
  }

  private async hitlStopped(downstreamId: string): Promise<void> {
    const downstream = this.conversation(downstreamId)
    if (!this.isActive(downstream.id)) return
    const upstreamId = downstream.tags[`${HITL}upstream`]
    if (!upstreamId) return
    const config = this.configOf(upstreamId)
    await this.sayUpstream(upstreamId, config.onHitlStoppedMessage, DEFAULT_TEXTS.onHitlStoppedMessage)
    this.setInactive(downstream.id, 'agent-closed-ticket')
    this.setInactive(upstreamId, 'agent-closed-ticket')
    this.continueWorkflow(upstreamId, config)
  }

  private scheduleAssignmentTimeout(upstreamId: string, downstreamId: string, seconds: number): void {
    const startedAt = Date.now()
    const fire = (now: number) => this.assignmentTimeout(upstreamId, downstreamId, startedAt, now)
    const due = startedAt + seconds * 1000
    const timer = setTimeout(() => {
      this.timeouts.delete(upstreamId)
      this.background(() => fire(Date.now()))
    }, seconds * 1000)
    timer.unref()
    this.timeouts.set(upstreamId, { due, timer, fire })
  }

  private async assignmentTimeout(upstreamId: string, downstreamId: string, startedAt: number, now: number): Promise<void> {
    const upstream = this.conversation(upstreamId)
    if (upstream.tags[`${HITL}humanAgentId`]) return
    if (!this.isActive(upstreamId) || !this.isActive(downstreamId)) return
    const config = this.configOf(upstreamId)
    if (!config.agentAssignedTimeoutSeconds || (now - startedAt) / 1000 < config.agentAssignedTimeoutSeconds) return
    await this.sayDownstreamOrThrow(downstreamId, config.onUserHitlCancelledMessage, DEFAULT_TEXTS.onUserHitlCancelledMessage)
    this.setInactive(upstreamId, 'agent-assignment-timeout')
    this.setInactive(downstreamId, 'agent-assignment-timeout')
    await this.act('stopHitl', { conversationId: downstreamId })
    await this.sayUpstream(upstreamId, config.onAgentAssignedTimeoutMessage, DEFAULT_TEXTS.onAgentAssignedTimeoutMessage)
    this.continueWorkflow(upstreamId, config)
  }

  // ── The plugin's helpers ───────────────────────────────────────────────────────────────────────────────────

  private async assignAgent(downstream: Conversation, agentUserId: string): Promise<void> {
    const upstreamId = downstream.tags[`${HITL}upstream`]
    if (!upstreamId) return
    const upstream = this.conversation(upstreamId)
    const agent = this.user(agentUserId)
    const tags = { [`${HITL}humanAgentId`]: agent.id, [`${HITL}humanAgentName`]: agent.name?.length ? agent.name : 'A Human Agent' }
    this.botpress.tagAsBot('conversation', downstream.id, tags)
    this.botpress.tagAsBot('conversation', upstream.id, tags)
    // The plugin's joined message names nobody; webchat shows the agent as the bot through the linked user.
    this.linkWebchatUser(agent, upstream, true)
    await this.sayUpstream(upstream.id, this.configOf(upstream.id).onHumanAgentAssignedMessage, DEFAULT_TEXTS.onHumanAgentAssignedMessage)
  }

  /**
   * Webchat's copy of the agent (name and picture as they are now), whose id the plugin puts in payload.userId
   * so that webchat shows the agent instead of the bot. Only on webchat, and only with `useHumanAgentInfo`.
   */
  private linkWebchatUser(agent: User, upstream: Conversation, force: boolean): string | undefined {
    if (upstream.integration !== WEBCHAT || this.configOf(upstream.id).useHumanAgentInfo === false) return undefined
    const linked = agent.tags[`${HITL}upstream`]
    if (linked && !force && this.botpress.state.users.has(linked)) return linked
    const existing = [...this.botpress.state.users.values()].find((u) => u.tags[`${WEBCHAT}:agentOf`] === agent.id)
    const copy = existing ?? this.botpress.createUserAsBot({ tags: { [`${WEBCHAT}:agentOf`]: agent.id } })
    const live = this.botpress.state.users.get(copy.id)!
    if (agent.name !== undefined) live.name = agent.name
    if (agent.pictureUrl !== undefined) live.pictureUrl = agent.pictureUrl
    this.botpress.tagAsBot('user', agent.id, { [`${HITL}upstream`]: copy.id })
    return copy.id
  }

  /** The user link: reused while both users exist, else made once with the integration's createUser. */
  private async downstreamUserOf(upstreamUserId: string, overrides: { email?: string }, linked: Map<string, string>): Promise<string> {
    const known = linked.get(upstreamUserId)
    if (known) return known
    const user = this.user(upstreamUserId)
    const existing = user.tags[`${HITL}downstream`]
    const linkedHere = user.tags[`${HITL}integrationAlias`]
      ? user.tags[`${HITL}integrationAlias`] === this.cloud.integrationAlias
      : user.tags[`${HITL}integrationName`] === this.cloud.integrationAlias
    if (existing && linkedHere && this.botpress.state.users.has(existing)) {
      linked.set(upstreamUserId, existing)
      return existing
    }
    const { userId } = await this.createUser({
      name: user.tags.name ?? user.name ?? 'Unknown User',
      ...((user.tags.pictureUrl ?? user.pictureUrl) !== undefined && { pictureUrl: user.tags.pictureUrl ?? user.pictureUrl }),
      email: overrides.email ?? user.tags.email ?? `${user.id}@no-reply.${this.botpress.botId.replaceAll('_', '-')}.botpress.com`,
    } as { name: string; email?: string; pictureUrl?: string })
    const link = { [`${HITL}integrationName`]: this.cloud.integrationAlias, [`${HITL}integrationAlias`]: this.cloud.integrationAlias }
    this.botpress.tagAsBot('user', upstreamUserId, { [`${HITL}downstream`]: userId, ...link })
    this.botpress.tagAsBot('user', userId, { [`${HITL}upstream`]: upstreamUserId, ...link })
    linked.set(upstreamUserId, userId)
    return userId
  }

  /** One page of the upstream conversation's newest messages, oldest first, without ids or timestamps. */
  private async history(upstreamId: string, linked: Map<string, string>) {
    const page = this.botpress.firstMessagePage(upstreamId).reverse()
    const out = []
    for (const m of page) {
      const source = m.direction === 'outgoing' ? { type: 'bot' as const } : { type: 'user' as const, userId: await this.downstreamUserOf(m.userId, {}, linked) }
      out.push({ source, type: m.type, payload: storedPayload(m.payload) })
    }
    return out
  }

  private isCloseCommand(message: Message, config: PluginConfiguration): boolean {
    const command = config.userHitlCloseCommand?.length ? config.userHitlCloseCommand : DEFAULT_CLOSE_COMMAND
    const text = message.payload.text
    return typeof text === 'string' && text.trim().toLowerCase() === command.trim().toLowerCase()
  }

  private async sayUpstream(upstreamId: string, configured: string | undefined, fallback: string): Promise<void> {
    if (configured === NULL_MESSAGE_CODE) return
    this.respond(upstreamId, { type: 'text', text: configured || fallback })
  }

  private async sayDownstream(downstreamId: string, configured: string | undefined, fallback: string): Promise<InvokeResult | undefined> {
    if (configured === NULL_MESSAGE_CODE) return undefined
    return this.createDownstream(downstreamId, { type: 'text', text: configured || fallback })
  }

  /** Botpress answers the bot's createMessage with the integration's error: the plugin's hook stops there. */
  private async sayDownstreamOrThrow(downstreamId: string, configured: string | undefined, fallback: string): Promise<void> {
    const delivery = await this.sayDownstream(downstreamId, configured, fallback)
    if (delivery && !ok(delivery)) throw new Error(`the integration refused the plugin's notice (${delivery.status}): ${delivery.json?.message ?? delivery.body}`)
  }

  /** The plugin's `respond` on the upstream conversation: a bot message, payload `{type, ...payload}`. */
  private respond(upstreamId: string, payload: Record<string, unknown> & { type: string }, tags: Record<string, string> = {}): void {
    this.botpress.createMessageAsBot({ conversationId: upstreamId, userId: this.cloud.botUserId, type: payload.type, payload, tags })
  }

  private createDownstream(downstreamId: string, payload: Record<string, unknown> & { type: string }, tags: Record<string, string> = {}) {
    return this.cloud.messageCreated({ conversationId: downstreamId, userId: this.cloud.botUserId, type: payload.type, payload, tags })
  }

  private abort(conversationId: string): void {
    this.setInactive(conversationId, 'internal-error')
    this.respond(conversationId, { type: 'text', text: NOT_CONNECTED })
  }

  private setInactive(conversationId: string, reason: EndReason): void {
    this.active.set(conversationId, false)
    this.botpress.tagAsBot('conversation', conversationId, { [`${HITL}hitlEndReason`]: reason })
  }

  private continueWorkflow(upstreamId: string, config: PluginConfiguration): void {
    if (config.flowOnHitlStopped !== false) this.continued.push(upstreamId)
  }

  private configOf(upstreamId: string): PluginConfiguration {
    return this.sessionConfig.get(upstreamId) ?? this.configuration
  }

  private conversation(id: string): Conversation {
    const found = this.botpress.state.conversations.get(id)
    if (!found) throw new Error(`no conversation ${id}`)
    return structuredClone(found)
  }

  private user(id: string): User {
    const found = this.botpress.state.users.get(id)
    if (!found) throw new Error(`no user ${id}`)
    return structuredClone(found)
  }

  private ticketIdOrZero(conversationId: string): number {
    const conversation = this.botpress.state.conversations.get(conversationId)
    if (!conversation) throw new Error(`no conversation ${conversationId}`)
    return Number(this.tagsOf(conversation).ticketId) || 0
  }

  private act<T>(action: string, input: Record<string, unknown>): Promise<T> {
    this.calls.push({ action, input: structuredClone(input) })
    return this.cloud.action<T>(action, input)
  }

  /** A separate run of the bot, as Botpress starts one per message and per event. */
  private background(run: () => Promise<void>): void {
    const started = new Promise<void>((resolve) => setImmediate(resolve)).then(run).catch((thrown: unknown) => {
      this.errors.push(thrown)
    })
    void this.track(started)
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const done = p.then(
      () => undefined,
      () => undefined
    )
    this.runs.add(done)
    void done.then(() => this.runs.delete(done))
    return p
  }
}

/**
 * A message's payload as Botpress keeps it for the channel's message type. The plugin posts `{type, ...payload}`
 * (and, on webchat, the agent's `userId`); the published hitl interface refuses those keys in a history item, and
 * the plugin's own handoff message is in every history, so Botpress must keep only the type's fields. An
 * assumption read from the plugin working in production, not from Botpress's documentation.
 */
function storedPayload(payload: Record<string, unknown>): Record<string, unknown> {
  const { type: _type, userId: _userId, ...fields } = payload
  return fields
}

const isSupported = (type: string) => (SUPPORTED_MESSAGE_TYPES as readonly string[]).includes(type)
const ok = (r: InvokeResult) => r.status >= 200 && r.status < 300
