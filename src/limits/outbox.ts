// Every comment and status the integration writes to a session's ticket goes through here, so that no message is
// refused for Zendesk's ticket update limits: while the conversation's budget (./budget.ts) allows, a message is
// one update; when it runs low, the message is held, and the next update carries every held message in one
// comment, each message's text in its own paragraph, under its author, with its attachments. Whatever is held is
// sent by the next invocation about the conversation (a message, a webhook for its ticket, stopHitl): nothing waits
// in a timer, nothing sleeps longer than the transport's few seconds.
//
// Botpress may run invocations of one conversation at the same moment, and has no transaction: so nothing here is a
// list that two invocations read, change and write back. A held message is the Botpress message itself, tagged
// `zendeskHeld` (one write of its own tags, which nothing else writes); the conversation's tags and the relay state
// only say "something is held" so that a message or a webhook knows, for free, that it must look. One invocation at a
// time sends what is held (the `outbox` claim); one that finds the claim taken leaves its work to the holder, who
// looks again after letting the claim go. The order of those steps is what keeps anything from being forgotten:
//   - a holder tags its message, then raises the flags;
//   - the sender lowers the flags, lets the claim go, then lists what is held again, and takes the claim back for it.
// A message tagged after the sender's last look raised the flags after the sender lowered them, or took the claim
// the sender let go. The comment the sender writes is announced in the claim first: should the invocation die or
// Botpress fail before the messages are marked sent, the next sender finds that comment on the ticket instead of
// writing it twice.
import { randomUUID } from 'node:crypto'
import { isNotFound, type Props } from '../connection'
import { MAX_COMMENT_CHARS } from '../mapping/hygiene'
import { ENDED_BY_BOT_TAG } from '../setup/triggers'
import type { NewComment, ZendeskApi } from '../zendesk/client'
import { TicketDeleted, ZendeskError } from '../zendesk/errors'
import type { TIntegration } from '../types'
import { decodeBudget, encodeBudget, freshBudget, nextSlot, refused, spend, type Budget, type Sender } from './budget'

/** How many delivered message ids the conversation remembers, for Botpress's redeliveries. */
const REMEMBERED = 5
/** Longer than any invocation: a claim this old belongs to one that died. */
const CLAIM_TTL_MS = 60_000
/** A sender prepares and starts nothing after this long, so that it ends well inside Botpress's 60 s. */
const SENDING_MS = 20_000
/** Rounds of "let go, look again" one invocation makes before it leaves the rest to the next one. */
const ROUNDS = 4
const HELD = 'yes'

/** A message as its comment needs it: see src/channels/prepare.ts. */
export type Prepared = { id: string; sender: 'user' | 'notice'; authorId: number; text: string; uploads: string[] }
export type HeldMessage = { id: string; type: string; payload: unknown; createdAt: string }
type Conversation = { id: string; tags: Record<string, string | undefined> }
type Claim = TIntegration['states']['outbox']['payload']
type Sending = NonNullable<Claim['sending']>

/** Writes one comment (with other fields of the same update) and answers its id; undefined when it was dropped. */
export type SendComment = (comment: NewComment, fields: Record<string, unknown>, from: Prepared['sender']) => Promise<number | undefined>

export type OutboxProps = Props & {
  zendesk: ZendeskApi
  conversation: Conversation
  ticketId: number
  send: SendComment
  /** A held message, as Botpress keeps it, made ready to go. */
  prepare: (message: HeldMessage, until?: number) => Promise<Prepared>
  /** Fields every update of held messages carries: a ticket the agent solved stays solved. */
  keep?: Record<string, unknown>
  /** How long this invocation may spend sending held messages (SENDING_MS unless said). */
  withinMs?: number
  /** The session is ending (stopHitl, the agent solving): held messages may take the stop's reserve. */
  ending?: boolean
  /** The ticket is open again (a webhook says so): a stop applied before does not close it again. */
  reopened?: boolean
}

/** The held messages one comment can carry: the oldest ones by the same author, within Zendesk's comment size. */
export function nextGroup(queue: Prepared[]): Prepared[] {
  const [first, ...rest] = queue
  if (!first) return []
  const group = [first]
  let size = first.text.length
  for (const m of rest) {
    if (m.authorId !== first.authorId || m.sender !== first.sender || size + 2 + m.text.length > MAX_COMMENT_CHARS) break
    group.push(m)
    size += 2 + m.text.length
  }
  return group
}

export function combine(group: Prepared[]): NewComment {
  const uploads = group.flatMap((m) => m.uploads)
  return {
    body: group.map((m) => m.text).join('\n\n'),
    // The plugin's own notices speak to the agent ("the user ended the session", "cannot show this type"): as
    // internal notes Zendesk never emails them to the requester. End users cannot write internal notes, so a
    // notice is the connected Zendesk account's own note rather than the "Botpress" end user's comment.
    ...(group[0]!.sender === 'notice' ? { public: false } : { public: true, author_id: group[0]!.authorId }),
    ...(uploads.length ? { uploads } : {}),
  }
}

/** The latest delivered messages, as `messageId=commentId` pairs: the ack Botpress would otherwise need a call for. */
const deliveredPairs = (conversation: Conversation) => (conversation.tags.deliveredMessages ?? '').split(' ').filter(Boolean)

export const isDelivered = (conversation: Conversation, messageId: string) =>
  deliveredPairs(conversation).some((pair) => pair.split('=')[0] === messageId)

/** The plugin relays the user's words with the user's id; its own notices carry none. */
const senderOf = (m: HeldMessage): Prepared['sender'] => ((m.payload as { userId?: string } | undefined)?.userId ? 'user' : 'notice')

const budgetOf = (conversation: Conversation) => decodeBudget(conversation.tags.zendeskBudget) ?? freshBudget(Date.now())
const zendeskNow = (zendesk: ZendeskApi, budget: Budget) => Date.now() + (zendesk.clock?.offsetMs ?? budget.offsetMs)
const withClock = (zendesk: ZendeskApi, budget: Budget): Budget => ({ ...budget, offsetMs: zendesk.clock?.offsetMs ?? budget.offsetMs })
/** The budget after one update went, on Zendesk's clock. */
const spent = (zendesk: ZendeskApi, budget: Budget) => spend(withClock(zendesk, budget), zendeskNow(zendesk, budget))
/** The budget after Zendesk refused an update with 429: nothing goes before its Retry-After (a minute if unsaid). */
const refusedBy = (zendesk: ZendeskApi, budget: Budget, thrown: ZendeskError) =>
  refused(withClock(zendesk, budget), zendeskNow(zendesk, budget), thrown.retryAfterMs ?? 60_000)
const is429 = (thrown: unknown): thrown is ZendeskError => thrown instanceof ZendeskError && thrown.status === 429
const why = (thrown: unknown) => (thrown instanceof Error ? thrown.message : String(thrown))

/**
 * When the next update for `sender` may go. Our clock and Zendesk's may differ (and a test's Zendesk runs on its
 * own): before holding anything, Zendesk is asked the time once (a read, not an update) if it has not answered yet.
 * A ticket that fails to answer (deleted, say) leaves our clock: the update itself then meets what happened.
 */
async function slotFor(props: OutboxProps, budget: Budget, sender: Sender | 'ending'): Promise<number> {
  const { zendesk, ticketId } = props
  // When the session ends no later message needs the budget: only what Zendesk said (a 429's wait) holds back.
  const at = (now: number) => (sender === 'ending' ? budget.blockedUntil : nextSlot(budget, now, sender))
  const slot = at(zendeskNow(zendesk, budget))
  if (slot <= zendeskNow(zendesk, budget) || zendesk.clock) return slot
  await zendesk.showTicket(ticketId).catch(() => undefined)
  return at(zendeskNow(zendesk, budget))
}

/**
 * Once stopHitl asked for a status, every later update carries it, so that no late message reopens the ticket. A
 * stop that closes the ticket closes it with the last update only (a closed ticket takes no comment): the ones
 * before solve it. An agent who reopened the ticket after the stop was applied keeps it open.
 */
function stopFieldsOf(conversation: Conversation, opts: { last: boolean; reopened?: boolean }): Record<string, unknown> {
  const status = conversation.tags.stopPending
  if (!status || (opts.reopened && conversation.tags.stopApplied === status)) return {}
  return { status: status === 'closed' && !opts.last ? 'solved' : status, additional_tags: [ENDED_BY_BOT_TAG] }
}

/** The stop asked for is not known to be on the ticket: an update must carry it, alone if nothing else goes. */
const stopOwed = (conversation: Conversation) =>
  Boolean(conversation.tags.stopPending) && conversation.tags.stopApplied !== conversation.tags.stopPending

/**
 * A user message or a plugin notice: sent at once while the budget lasts and nothing is held before it; else held,
 * and sent with the others as soon as the budget allows.
 */
export async function deliver(
  props: OutboxProps,
  message: { id: string; sender: Prepared['sender']; held: boolean; prepare: () => Promise<Prepared> }
): Promise<void> {
  const { zendesk, conversation, logger } = props
  let budget = budgetOf(conversation)
  if (!conversation.tags.outboxHeld && !message.held && (await slotFor(props, budget, message.sender)) <= zendeskNow(zendesk, budget)) {
    const prepared = await message.prepare()
    try {
      const commentId = await props.send(combine([prepared]), { ...props.keep, ...stopFieldsOf(conversation, { last: false }) }, prepared.sender)
      budget = spent(zendesk, budget)
      const remembered = [...deliveredPairs(conversation), `${message.id}=${commentId ?? 'dropped'}`].slice(-REMEMBERED)
      const fresh = await props.client
        .updateConversation({ id: conversation.id, tags: { zendeskBudget: encodeBudget(budget), deliveredMessages: remembered.join(' ') } })
        .then((answer) => answer.conversation)
        .catch((thrown: unknown) => {
          // The comment is on the ticket: failing now would have it sent again. What is lost is one update's count
          // (Zendesk's 429 covers it) and this message's ack (a redelivery of it would comment twice).
          logger.forBot().warn(`Message ${message.id} is on Zendesk ticket ${props.ticketId}, but its record could not be saved: ${why(thrown)}`)
          return undefined
        })
      // stopHitl ran while this message was on its way: the user's comment may have reopened what it solved. A
      // message after the stop solves the ticket rather than close it, so that the next one is not a follow-up.
      if (fresh?.tags.stopPending && !conversation.tags.stopPending) {
        await zendesk.updateTicket(props.ticketId, stopFieldsOf(fresh, { last: false })).catch((thrown: unknown) => leftHeld(props, thrown))
      }
      // Another invocation held a message meanwhile: it may be waiting for this one to finish.
      if (fresh?.tags.outboxHeld) await sendHeldFor({ ...props, conversation: fresh })
      return
    } catch (thrown) {
      if (!is429(thrown)) throw thrown
      budget = refusedBy(zendesk, budget, thrown)
    }
  }
  const fresh = await hold(props, message.id, budget)
  if (!fresh) return
  if ((await slotFor(props, budget, message.sender)) <= zendeskNow(zendesk, budget)) {
    // What was held before this message goes first, and this one with it. A ticket deleted meanwhile is the
    // message's own failure, as it would be sent at once.
    await sendHeld({ ...props, conversation: fresh }).catch((thrown: unknown) => {
      // A notice never fails the plugin (its stop would fail with it): the stop is announced anyway.
      if (thrown instanceof TicketDeleted && message.sender === 'user') throw thrown
      leftHeld(props, thrown)
    })
  } else {
    logHeld(props, [message.id], undefined, budget, message.sender)
  }
}

/**
 * stopHitl, first step: the stop is written down (`stopPending`), so that an invocation sending held messages right
 * now applies it with them, and so that a message held after it keeps the ticket in that status. The write answers
 * the conversation, with its ticket: it costs no more than reading it would.
 */
export async function requestStop(client: Props['client'], conversationId: string, status: string): Promise<Conversation> {
  const { conversation } = await client.updateConversation({ id: conversationId, tags: { stopPending: status } })
  return conversation
}

/**
 * stopHitl: whatever is held, and the status, in one update (the first, when what is held needs more than one).
 * While another invocation sends held messages, the status goes alone: that one carries it in what it sends next.
 */
export async function stop(props: OutboxProps, status: string): Promise<void> {
  if (props.conversation.tags.outboxHeld) {
    const outcome = await sendHeld({ ...props, ending: true })
    if (outcome !== 'busy') return
  }
  // Nothing held: the status alone, as one update (the stop's own reserve of the budget). The stop stays written
  // down: a message held after it (one racing it) goes with the same status, so the ticket is not reopened.
  const { zendesk, conversation, ticketId } = props
  try {
    // While another invocation sends held messages, it closes the ticket with its last one.
    const busy = Boolean(props.conversation.tags.outboxHeld)
    await zendesk.updateTicket(ticketId, { status: busy && status === 'closed' ? 'solved' : status, additional_tags: [ENDED_BY_BOT_TAG] })
  } catch (thrown) {
    if (!is429(thrown)) throw thrown
    const blocked = refusedBy(zendesk, budgetOf(conversation), thrown)
    await raiseFlags(props, blocked)
    logHeld(props, [], status, blocked, 'stop')
  }
}

/** A delivery for the ticket, or another message: a chance to send what the conversation holds. */
export async function sendHeldFor(props: OutboxProps): Promise<void> {
  await sendHeld(props).catch((thrown: unknown) => leftHeld(props, thrown))
}

function leftHeld(props: OutboxProps, thrown: unknown): void {
  // The message itself is safe (on the ticket, or held): the next invocation about the conversation tries again.
  props.logger.forBot().warn(`Held messages of Zendesk ticket ${props.ticketId} could not be sent yet: ${why(thrown)}`)
}

/**
 * The message is tagged as held, then the flags go up (in this order: see the top of this file). A message Botpress
 * delivers again after it was sent held shows its comment in the answer: it is not held again.
 */
async function hold(props: OutboxProps, messageId: string, budget: Budget): Promise<Conversation | undefined> {
  const { message } = await props.client.updateMessage({ id: messageId, tags: { zendeskHeld: HELD } })
  if (message.tags.zendeskCommentId) {
    await props.client.updateMessage({ id: messageId, tags: { zendeskHeld: '' } })
    return undefined
  }
  return raiseFlags(props, budget)
}

async function raiseFlags(props: OutboxProps, budget: Budget): Promise<Conversation> {
  const { conversation } = await props.client.updateConversation({
    id: props.conversation.id,
    tags: { outboxHeld: HELD, zendeskBudget: encodeBudget(withClock(props.zendesk, budget)) },
  })
  await flagRelay(props, true)
  return conversation
}

/** The relay state carries the flag for the webhook, which reads it on every delivery anyway. */
async function flagRelay(props: OutboxProps, held: boolean): Promise<void> {
  try {
    await props.client.patchState({ type: 'conversation', name: 'relay', id: props.conversation.id, payload: { outboxHeld: held } })
  } catch (thrown) {
    // No relay state yet: the first delivery reads the conversation's tags, which carry the flag too.
    if (isNotFound(thrown)) return
    props.logger.forBot().warn(`The webhook will not know conversation ${props.conversation.id} holds messages: ${why(thrown)}`)
  }
}

/** Sends what is held, as the one invocation holding the claim; 'busy' when another one holds it. */
async function sendHeld(props: OutboxProps): Promise<'sent' | 'left' | 'busy'> {
  const deadline = Date.now() + (props.withinMs ?? SENDING_MS)
  let conversation = props.conversation
  for (let round = 1; ; round++) {
    const claim = await takeClaim(props)
    if (!claim) return 'busy'
    let everything: boolean
    try {
      everything = await sendAll({ ...props, conversation }, claim, deadline)
    } finally {
      await releaseClaim(props, claim)
    }
    if (!everything) return 'left'
    // Held while this invocation was sending: after the claim went, so nobody else may be looking.
    const again = await lookAgain(props)
    if (!again) return 'sent'
    if (round >= ROUNDS || Date.now() > deadline) {
      // The flags were lowered for what this invocation sent; what came since waits for the next one.
      await raiseFlags({ ...props, conversation: again }, budgetOf(again))
      return 'left'
    }
    conversation = again
  }
}

async function lookAgain(props: OutboxProps): Promise<Conversation | undefined> {
  const { conversation } = await props.client.getConversation({ id: props.conversation.id })
  if (stopOwed(conversation)) return conversation
  return (await listHeld(props)).length ? conversation : undefined
}

/** One round: sends the held messages (and a stop owed) while the budget allows; true when nothing is left. */
async function sendAll(props: OutboxProps, claim: Claim, deadline: number): Promise<boolean> {
  const { zendesk, client, conversation } = props
  let budget = budgetOf(conversation)
  // Every update carries the stop once it was asked for; the first one applies it.
  const fieldsFor = (last: boolean) => ({ ...props.keep, ...stopFieldsOf(conversation, { last, reopened: props.reopened ?? false }) })
  let owed = stopOwed(conversation)
  const ending = props.ending || Boolean(conversation.tags.stopPending)
  const waiting = await listHeld(props)
  const queue: Prepared[] = []
  const sent: string[] = []
  if (claim.sending) await settle(props, claim, waiting, sent, deadline)

  let sentAny = false
  let stuck = false
  while (waiting.length > 0 || queue.length > 0 || owed) {
    // Messages held ahead of a bot notice go out with it, on the notice's reserve: order is kept, and so is the
    // promise that a notice is not kept waiting by the user's budget.
    const sender: Sender = [...queue.map((m) => m.sender), ...waiting.map(senderOf)].includes('notice') ? 'notice' : 'user'
    // When the session ends the stop and what is held go as fast as Zendesk takes them (our budget is the cautious
    // side of Zendesk's window), and Zendesk's 429 is what stops them.
    if ((await slotFor(props, budget, ending ? 'ending' : sender)) > zendeskNow(zendesk, budget)) break
    if (sentAny && Date.now() > deadline) break
    // Prepared only now that it may go: a held message's files are uploaded once, for the comment that carries them.
    while (waiting.length && (queue.length === 0 || nextGroup(queue).length === queue.length)) {
      const message = waiting.shift()!
      queue.push({ ...(await props.prepare(message, deadline)), id: message.id })
      if (Date.now() > deadline) break
    }
    const group = nextGroup(queue)
    const fields = fieldsFor(waiting.length === 0 && group.length === queue.length)
    const ids = group.map((m) => m.id)
    if (ids.length) await writeClaim(props, claim, { ids, at: Date.now() })
    let commentId: number | undefined
    try {
      if (group.length) commentId = await props.send(combine(group), fields, group[0]!.sender)
      else await zendesk.updateTicket(props.ticketId, fields)
    } catch (thrown) {
      if (thrown instanceof TicketDeleted) await dropAll(props, claim, [...queue, ...waiting].map((m) => m.id))
      if (!is429(thrown)) {
        await saveBudget(props, budget)
        throw thrown
      }
      // Not written: the claim's note of it goes with the claim.
      delete claim.sending
      budget = refusedBy(zendesk, budget, thrown)
      break
    }
    sentAny = true
    owed = false
    budget = spent(zendesk, budget)
    queue.splice(0, group.length)
    if (!ids.length) continue
    try {
      await markSent(props, claim, { ids, at: Date.now(), ...(commentId ? { commentId } : {}) })
      sent.push(...ids.map((id) => `${id}=${commentId ?? 'dropped'}`))
    } catch (thrown) {
      // The comment (and the stop with it) is on the ticket; the claim's note says so to the next holder, who marks
      // its messages instead of writing them again. Nothing more goes before that.
      props.logger.forBot().warn(`Held messages ${ids.join(', ')} are on Zendesk ticket ${props.ticketId}, but could not be marked sent yet: ${why(thrown)}`)
      stuck = true
      break
    }
  }

  const left = [...queue, ...waiting]
  const everything = left.length === 0 && !owed && !stuck
  await client.updateConversation({
    id: conversation.id,
    tags: {
      zendeskBudget: encodeBudget(withClock(zendesk, budget)),
      // Lowered only here, by the claim's holder, before it lets the claim go; raised again if anything is left
      // (an earlier round of this invocation may have lowered it).
      outboxHeld: everything ? '' : HELD,
      ...(conversation.tags.stopPending && !owed ? { stopApplied: conversation.tags.stopPending } : {}),
      // A message Botpress delivers again finds its comment here, as one sent at once would.
      ...(sent.length ? { deliveredMessages: [...deliveredPairs(conversation), ...sent].slice(-REMEMBERED).join(' ') } : {}),
    },
  })
  await flagRelay(props, !everything)
  if (!everything && (left.length || owed)) logHeld(props, left.map((m) => m.id), owed ? conversation.tags.stopPending : undefined, budget, ending ? 'stop' : (queue[0]?.sender ?? senderOf(waiting[0]!)))
  return everything
}

/** A deleted ticket takes no comment, ever: what was held for it goes nowhere, and is no longer held. */
async function dropAll(props: OutboxProps, claim: Claim, ids: string[]): Promise<void> {
  if (ids.length) await markSent(props, claim, { ids, at: Date.now() }).catch(() => undefined)
  delete claim.sending
  await props.client.updateConversation({ id: props.conversation.id, tags: { outboxHeld: '' } }).catch(() => undefined)
  await flagRelay(props, false)
  props.logger.forBot().warn(`Zendesk ticket ${props.ticketId} was deleted: ${ids.length} held message(s) reached no agent.`)
}

/** The held messages of the conversation, oldest first, as Botpress keeps them. */
async function listHeld({ client, conversation }: OutboxProps): Promise<HeldMessage[]> {
  const found: HeldMessage[] = []
  let nextToken: string | undefined
  do {
    const page = await client.listMessages({ conversationId: conversation.id, tags: { zendeskHeld: HELD }, ...(nextToken ? { nextToken } : {}) })
    found.push(...page.messages.map((m) => ({ id: m.id, type: m.type, payload: m.payload, createdAt: m.createdAt })))
    nextToken = page.meta.nextToken
  } while (nextToken)
  // Botpress lists the newest first; messages of the same millisecond keep that order, reversed.
  return found.reverse().sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
}

/**
 * A comment the last holder of the claim was writing: if it is on the ticket (its id was noted, or Zendesk shows
 * it), its messages are marked sent and leave the list; if it is not, they are sent as any others.
 */
async function settle(props: OutboxProps, claim: Claim, waiting: HeldMessage[], sent: string[], deadline: number): Promise<void> {
  const sending = claim.sending!
  const noted = waiting.filter((m) => sending.ids.includes(m.id))
  let commentId = noted.length ? sending.commentId : undefined
  if (noted.length && !commentId) {
    const group = await Promise.all(noted.map(async (m) => ({ ...(await props.prepare(m, deadline)), id: m.id })))
    commentId = (await props.zendesk.findComment(props.ticketId, combine(group), sending.at))?.id
  }
  if (commentId) {
    await markSent(props, claim, { ...sending, ids: noted.map((m) => m.id), commentId })
    sent.push(...noted.map((m) => `${m.id}=${commentId}`))
    waiting.splice(0, waiting.length, ...waiting.filter((m) => !sending.ids.includes(m.id)))
  }
  // Not on the ticket (or no longer held): they go as any others, under a note of their own.
  delete claim.sending
}

/** Marks the comment's messages sent; should Botpress fail, the claim keeps the comment's id for the next holder. */
async function markSent(props: OutboxProps, claim: Claim, sending: Sending): Promise<void> {
  const tags = { zendeskHeld: '', ...(sending.commentId ? { zendeskCommentId: String(sending.commentId) } : {}) }
  const marked = await Promise.allSettled(sending.ids.map((id) => props.client.updateMessage({ id, tags })))
  const failed = marked.find((m): m is PromiseRejectedResult => m.status === 'rejected')
  if (!failed) {
    delete claim.sending
    return
  }
  await writeClaim(props, claim, sending).catch(() => undefined)
  throw failed.reason
}

async function saveBudget(props: OutboxProps, budget: Budget): Promise<void> {
  await props.client
    .updateConversation({ id: props.conversation.id, tags: { zendeskBudget: encodeBudget(withClock(props.zendesk, budget)) } })
    .catch(() => undefined)
}

const outboxKey = (conversation: Conversation) => ({ type: 'conversation' as const, name: 'outbox' as const, id: conversation.id })

/**
 * The claim: created if there is none, taken over if its holder died; undefined while another invocation holds it.
 * The answer's `sending` is what the state notes as maybe written, kept up to date by writeClaim and markSent.
 */
async function takeClaim({ client, conversation }: OutboxProps): Promise<Claim | undefined> {
  const mine: Claim = { claim: randomUUID(), claimedAt: Date.now() }
  const current = await client
    .getOrSetState({ ...outboxKey(conversation), payload: mine })
    .then(({ state }) => state.payload)
    // The claim may have been written before the answer was lost: then it is ours.
    .catch((thrown: unknown) =>
      client.getState(outboxKey(conversation)).then(
        ({ state }) => state.payload,
        () => Promise.reject(thrown)
      )
    )
  if (current.claim === mine.claim) return mine
  if (current.claim && Date.now() - current.claimedAt < CLAIM_TTL_MS) return undefined
  // Released, or left by an invocation that died: taken over with what it was writing, then read back, so that of
  // two invocations taking it over at once only the last writer goes on.
  const taken: Claim = { ...mine, ...(current.sending ? { sending: current.sending } : {}) }
  await client.setState({ ...outboxKey(conversation), payload: taken })
  const { state: after } = await client.getState(outboxKey(conversation))
  return after.payload.claim === taken.claim ? taken : undefined
}

/** Notes (or clears) the comment about to be written, under the claim. */
async function writeClaim({ client, conversation }: OutboxProps, claim: Claim, sending: Sending | undefined): Promise<void> {
  const payload: Claim = { claim: claim.claim, claimedAt: claim.claimedAt, ...(sending ? { sending } : {}) }
  await client.setState({ ...outboxKey(conversation), payload })
  if (sending) claim.sending = sending
  else delete claim.sending
}

/** Let go: the state goes, unless it notes a comment that may be on the ticket (then only the claim goes). */
async function releaseClaim(props: OutboxProps, claim: Claim): Promise<void> {
  const { client, conversation } = props
  const payload = (claim.sending ? { claim: '', claimedAt: 0, sending: claim.sending } : null) as Claim
  await client
    .setState({ ...outboxKey(conversation), payload })
    .catch((thrown: unknown) => props.logger.forBot().warn(`The outbox claim of conversation ${conversation.id} stays until it expires: ${why(thrown)}`))
}

function logHeld(props: OutboxProps, ids: string[], stopStatus: string | undefined, budget: Budget, sender: Sender): void {
  const at = new Date(Math.max(nextSlot(budget, zendeskNow(props.zendesk, budget), sender), budget.blockedUntil)).toISOString()
  const what = [ids.length ? `${ids.length} message(s) (${ids.join(', ')})` : '', stopStatus ? `the stop (status ${stopStatus})` : '']
    .filter(Boolean)
    .join(' and ')
  props.logger
    .forBot()
    .info(
      `Held back ${what} for Zendesk ticket ${props.ticketId}: Zendesk limits updates per ticket and per account, and this ` +
        `ticket's next update is allowed at ${at} (Zendesk time). They go out together, in order, with the next message, ` +
        `agent activity on the ticket or stop after that.`
    )
}
