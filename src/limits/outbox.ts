// Every comment and status the integration writes to a session's ticket goes through here, so that no message is
// refused for Zendesk's ticket update limits: while the conversation's budget (./budget.ts) allows, a message is
// one update; when it runs low, messages wait in the conversation's outbox and the next update carries all of
// them in one comment, each message's text in its own paragraph, under its author, with its attachments. The
// outbox is flushed by the next invocation about the conversation (a message, a webhook for its ticket, stopHitl):
// nothing waits in a timer, nothing sleeps longer than the transport's few seconds.
import * as sdk from '@botpress/sdk'
import { readSetup, type Props } from '../connection'
import { MAX_COMMENT_CHARS } from '../mapping/hygiene'
import { ENDED_BY_BOT_TAG } from '../setup/triggers'
import type { NewComment, ZendeskApi } from '../zendesk/client'
import { ZendeskError } from '../zendesk/errors'
import type { TIntegration } from '../types'
import { decodeBudget, encodeBudget, freshBudget, nextSlot, refused, spend, type Budget, type Sender } from './budget'

/** How many delivered message ids the conversation remembers, for Botpress's redeliveries. */
const REMEMBERED = 5

type Outbox = TIntegration['states']['outbox']['payload']
export type Queued = Outbox['messages'][number]
export type Outgoing = Omit<Queued, 'heldAt'>
type Conversation = { id: string; tags: Record<string, string | undefined> }

/** Writes one comment (with other fields of the same update) and answers its id; undefined when it was dropped. */
export type SendComment = (comment: NewComment, fields?: Record<string, unknown>) => Promise<number | undefined>

export type OutboxProps = Props & {
  zendesk: ZendeskApi
  conversation: Conversation
  ticketId: number
  send: SendComment
}

/** The held messages one comment can carry: the oldest ones by the same author, within Zendesk's comment size. */
export function nextGroup(queue: Queued[]): Queued[] {
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

export function combine(group: Queued[]): NewComment {
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

/** A user message or a notice: sent now if the budget allows, else held (and said so in the bot's logs). */
export async function sendOrHold(props: OutboxProps, message: Outgoing): Promise<void> {
  await run(props, { incoming: message })
}

/** stopHitl: whatever is held, and the status, in one update; held for a while only if Zendesk answers 429. */
export async function stopWithOutbox(props: OutboxProps, fields: { status: string; additional_tags: string[] }): Promise<void> {
  await run(props, { stop: fields })
}

/** The webhook's hook: a delivery for the ticket is a chance to send what the conversation holds. */
export async function flushHeld(props: Props & { zendesk: ZendeskApi }, conversationId: string | undefined, held?: string[]) {
  if (!conversationId || !held?.includes(conversationId)) return
  const { conversation } = await props.client.getConversation({ id: conversationId })
  const ticketId = Number(conversation.tags.ticketId)
  if (!ticketId || !decodeBudget(conversation.tags.zendeskBudget)?.held) return markHeld(props, conversationId, false)
  const { zendesk } = props
  try {
    await run({ ...props, conversation, ticketId, send: async (c, f) => (await zendesk.addComment(ticketId, c, f)).commentId }, {})
  } catch (thrown) {
    // The relay must not fail for it: the next message of the conversation tries again, with its own recovery.
    props.logger.forBot().warn(`Held messages of ticket ${ticketId} could not be sent yet: ${thrown instanceof Error ? thrown.message : thrown}`)
  }
}

type Work = { incoming?: Outgoing; stop?: { status: string; additional_tags: string[] } }

async function run(props: OutboxProps, work: Work): Promise<void> {
  const { zendesk, ticketId, logger, conversation } = props
  let budget: Budget = decodeBudget(conversation.tags.zendeskBudget) ?? freshBudget(Date.now())
  const now = () => Date.now() + (zendesk.clock?.offsetMs ?? budget.offsetMs)
  const wasHeld = budget.held > 0
  if (!work.incoming && !work.stop && !wasHeld) return
  const stored: Outbox = wasHeld ? await readOutbox(props) : { messages: [] }
  const queue: Queued[] = [...stored.messages]
  let stopFields = work.stop ?? (stored.stopStatus ? { status: stored.stopStatus, additional_tags: [ENDED_BY_BOT_TAG] } : undefined)
  if (work.incoming && !queue.some((m) => m.id === work.incoming!.id)) queue.push({ ...work.incoming, heldAt: now() })
  const delivered: string[] = []
  let probed = false

  while (queue.length > 0 || stopFields) {
    const group = nextGroup(queue)
    const last = group.length === queue.length
    const withStop = stopFields && last ? stopFields : undefined
    // Messages held ahead of a bot notice go out with it, on the notice's reserve: order is kept, and so is the
    // promise that a notice is not kept waiting by the user's budget.
    const sender: Sender = stopFields ? 'stop' : queue.some((m) => m.sender === 'notice') ? 'notice' : 'user'
    let slot = nextSlot(budget, now(), sender)
    if (slot > now() && !probed && !zendesk.clock) {
      // Our clock and Zendesk's may differ (and a test's Zendesk runs on its own): ask Zendesk the time once.
      probed = true
      await zendesk.showTicket(ticketId)
      slot = nextSlot(budget, now(), sender)
    }
    if (slot > now()) break
    try {
      if (group.length > 0) {
        const commentId = await props.send(combine(group), withStop)
        delivered.push(...group.map((m) => `${m.id}=${commentId ?? 'dropped'}`))
      } else await zendesk.updateTicket(ticketId, withStop ?? {})
    } catch (thrown) {
      if (!(thrown instanceof ZendeskError && thrown.status === 429)) {
        // This invocation fails with Zendesk's error, so Botpress knows its message did not go: only the messages
        // held before it stay queued.
        const kept = queue.filter((m) => m.id !== work.incoming?.id)
        await save(props, budget, kept, stopFields, delivered, wasHeld)
        throw thrown
      }
      budget = refused(budget, now(), thrown.retryAfterMs ?? 60_000)
      break
    }
    budget = spend(budget, now())
    queue.splice(0, group.length)
    if (withStop) stopFields = undefined
  }

  const holding = queue.length > 0 || stopFields !== undefined
  // A stop with nothing held ends the session: no later message needs its budget, and it stays one Botpress call.
  if (wasHeld || holding || !work.stop) await save(props, budget, queue, stopFields, delivered, wasHeld)
  if (holding) {
    const at = new Date(Math.max(nextSlot(budget, now(), stopFields ? 'stop' : queue[0]!.sender), budget.blockedUntil)).toISOString()
    const what = [queue.length ? `${queue.length} message(s) (${queue.map((m) => m.id).join(', ')})` : '', stopFields ? `the stop (status ${stopFields.status})` : '']
      .filter(Boolean)
      .join(' and ')
    logger
      .forBot()
      .info(
        `Held back ${what} for Zendesk ticket ${ticketId}: Zendesk limits updates per ticket and per account, and this ` +
          `ticket's next update is allowed at ${at} (Zendesk time). They go out together, in order, with the next message, ` +
          `agent activity on the ticket or stop after that.`
      )
  }
}

async function readOutbox({ client, conversation }: OutboxProps): Promise<Outbox> {
  try {
    const { state } = await client.getState({ type: 'conversation', name: 'outbox', id: conversation.id })
    return state.payload
  } catch (thrown) {
    if (sdk.isApiError(thrown) && thrown.type === 'ResourceNotFound') return { messages: [] }
    throw thrown
  }
}

async function save(
  props: OutboxProps,
  budget: Budget,
  queue: Queued[],
  stop: { status: string } | undefined,
  delivered: string[],
  wasHeld: boolean
): Promise<void> {
  const { client, conversation, zendesk } = props
  const holding = queue.length > 0 || stop !== undefined
  const final: Budget = { ...budget, held: holding ? Math.max(1, queue.length) : 0, offsetMs: zendesk.clock?.offsetMs ?? budget.offsetMs }
  if (wasHeld || holding) {
    await client.setState({
      type: 'conversation',
      name: 'outbox',
      id: conversation.id,
      payload: { messages: queue, ...(stop ? { stopStatus: stop.status } : {}) },
    })
  }
  if (wasHeld !== holding) await markHeld(props, conversation.id, holding)
  const remembered = [...deliveredPairs(conversation), ...delivered].slice(-REMEMBERED)
  await client.updateConversation({
    id: conversation.id,
    tags: { zendeskBudget: encodeBudget(final), deliveredMessages: remembered.join(' ') },
  })
}

/**
 * Which conversations hold messages, for the webhook: it reads the setup on every delivery anyway, so the list costs
 * it no call. register alone writes the setup; this key is patched alone (Botpress merges a patch's keys into the
 * state), so it never writes anything register wrote, and a register that replaces the setup only forgets the list
 * (those messages then go with their conversation's next message or stop).
 */
async function markHeld(props: Props, conversationId: string, holding: boolean): Promise<void> {
  const others = ((await readSetup(props)).heldConversations ?? []).filter((id) => id !== conversationId)
  const heldConversations = holding ? [...others, conversationId] : others
  await props.client.patchState({ type: 'integration', name: 'zendesk', id: props.ctx.integrationId, payload: { heldConversations } })
}
