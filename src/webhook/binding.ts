// Which conversation a webhook event may act on. `ticket.external_id` is only a pointer: anyone who can edit a
// ticket can write any conversation id there. The binding is what we wrote ourselves: the `ticketId` tag startHitl
// (or the follow-up path) put on the conversation, copied into the `relay` state on the conversation's first
// delivery so that later deliveries check it for free.
import * as sdk from '@botpress/sdk'
import { isNotFound, stateOrNone } from '../connection'
import { hasLoneSurrogate } from '../mapping/hygiene'
import type { Client, TIntegration } from '../types'

export type Relay = TIntegration['states']['relay']['payload']
export type Bound = {
  conversationId: string
  relay: Relay
  /** The binding was read from the conversation's tags: the relay state must be written to keep it. */
  rebound: boolean
  /** An agent assigned before the session started, not announced yet (read with the tags, on a rebinding). */
  heldAssigneeId?: string
  /** The conversation holds messages Zendesk's ticket update limits kept back (src/limits/outbox.ts). */
  outboxHeld: boolean
}

/**
 * Whether a ticket's pointer can name a conversation at all: anyone who edits a ticket can write invalid UTF-16
 * there, which no request to Botpress can carry.
 */
export const namesAConversation = (id: string) => Boolean(id) && !hasLoneSurrogate(id)

/** A conversation id that was never one is refused by Botpress as malformed or unknown: not ours either way. */
export const noSuchConversation = (thrown: unknown) => isNotFound(thrown) || (sdk.isApiError(thrown) && thrown.code === 400)

export const readRelay = (client: Client, conversationId: string): Promise<Relay | undefined> =>
  stateOrNone(() => client.getState({ type: 'conversation', name: 'relay', id: conversationId }))

/**
 * Writes what the delivery changed. The outbox raises and lowers its flag in the same state at any moment, so an
 * existing state is patched with everything but that flag; a state written anew (a rebinding) takes the flag from
 * the conversation's tags, read with the binding.
 */
export async function writeRelay(client: Client, bound: Bound, relay: Relay): Promise<void> {
  const key = { type: 'conversation' as const, name: 'relay' as const, id: bound.conversationId }
  const { outboxHeld: _, ...changed } = relay
  if (bound.rebound) await client.setState({ ...key, payload: { ...changed, ...(bound.outboxHeld ? { outboxHeld: true } : {}) } })
  else await client.patchState({ ...key, payload: changed })
}

/**
 * The conversation bound to `ticketId`, or undefined when the ticket's pointer leads to a conversation bound to
 * another ticket (or to none). A binding that does not match is read again from the conversation's tags once,
 * since a follow-up ticket may have replaced the one the state remembers.
 */
export async function bindingOf(client: Client, ticketId: number, conversationId: string): Promise<Bound | undefined> {
  if (!namesAConversation(conversationId)) return undefined
  const relay = await readRelay(client, conversationId)
  if (relay?.ticketId === ticketId) return { conversationId, relay, rebound: false, outboxHeld: Boolean(relay.outboxHeld) }
  let tagged: number
  let heldAssigneeId: string | undefined
  let outboxHeld: boolean
  try {
    const { conversation } = await client.getConversation({ id: conversationId })
    tagged = Number(conversation.tags.ticketId)
    heldAssigneeId = conversation.tags.heldAssigneeId || undefined
    outboxHeld = Boolean(conversation.tags.outboxHeld)
  } catch (thrown) {
    if (noSuchConversation(thrown)) return undefined
    throw thrown
  }
  if (tagged !== ticketId) return undefined
  return {
    conversationId,
    relay: { relayedUpTo: 0, agents: {}, ...relay, ticketId },
    rebound: true,
    outboxHeld,
    ...(heldAssigneeId ? { heldAssigneeId } : {}),
  }
}
