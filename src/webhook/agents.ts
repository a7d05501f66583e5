// Zendesk agents as Botpress users, and the hitlAssigned / hitlStopped events, each announced once.
import { randomUUID } from 'node:crypto'
import { cleanLine } from '../mapping/hygiene'
import type { ZendeskUser } from '../zendesk/schemas'
import type { Client } from '../types'

/**
 * The Botpress user of an agent known only by id: an agent met before (in any ticket) costs no Zendesk call; a new
 * one is read from Zendesk, so that its user carries a real name and avatar from the start.
 */
export async function knownAgentUser(client: Client, zendeskId: number, load: () => Promise<ZendeskUser>): Promise<string> {
  const { users } = await client.listUsers({ tags: { zendeskUserId: String(zendeskId) } })
  const known = users[0]
  return known ? known.id : agentUser(client, await load())
}

/** The Botpress user of a Zendesk agent: one per agent across tickets, created with a real name and avatar. */
export async function agentUser(client: Client, agent: ZendeskUser): Promise<string> {
  const pictureUrl = agent.photo?.content_url ?? undefined
  const { user } = await client.getOrCreateUser({
    name: cleanLine(agent.name ?? '') || agent.email || `Agent ${agent.id}`,
    ...(pictureUrl ? { pictureUrl } : {}),
    tags: { zendeskUserId: String(agent.id) },
    discriminateByTags: ['zendeskUserId'],
  })
  return user.id
}

type Claim = { claim: string; claimedAt?: number; confirmed?: boolean }
type ClaimState = 'assignment' | 'stop'

/** Longer than any invocation: an unconfirmed claim this old belongs to a delivery that died half-way. */
const CLAIM_TTL_MS = 60_000
/** Botpress's clock and ours differ a little: an event created this long before its claim still counts. */
const CLOCK_SLACK_MS = 5_000

/**
 * Emits one event per announcement, whatever fails: claim (a state only one delivery gets to write), create,
 * confirm. A failed creation releases the claim, so the retry announces; a creation whose answer was lost is found
 * among the conversation's events before anything is created again.
 */
async function announceOnce<P extends Claim>(
  client: Client,
  conversationId: string,
  name: ClaimState,
  p: {
    payload: Omit<P, keyof Claim>
    /** An existing claim for the same announcement: this delivery must not make it again. */
    same: (current: P) => boolean
    /** Whoever reads the conversation knows already (the plugin took the first message's author as the agent). */
    known?: boolean
    event: { type: 'hitlAssigned' | 'hitlStopped'; payload: Record<string, string>; userId?: string }
  }
): Promise<boolean> {
  const mine = { ...p.payload, claim: randomUUID(), claimedAt: Date.now(), confirmed: false } as P
  const write = (payload: P) => client.setState({ type: 'conversation', name, id: conversationId, payload } as never)
  const current = await getOrClaim(client, conversationId, name, p.known ? { ...mine, confirmed: true } : mine)
  if (current.claim === mine.claim && p.known) return false
  let takenOver: P | undefined
  if (current.claim !== mine.claim) {
    if (p.same(current)) {
      // Another delivery is making this announcement right now; should it fail, Zendesk retries that delivery.
      const inFlight = current.confirmed === false && current.claim !== '' && Date.now() - (current.claimedAt ?? 0) < CLAIM_TTL_MS
      if (inFlight || current.confirmed !== false) return false
    }
    takenOver = current
    await write(mine)
  }
  // Only a claim that was never confirmed may hide an event whose creation answered with an error.
  if (!(takenOver?.confirmed === false && (await alreadyCreated(client, conversationId, p.event, takenOver.claimedAt ?? 0)))) {
    try {
      await client.createEvent({ type: p.event.type, payload: p.event.payload, conversationId } as never)
    } catch (thrown) {
      await write({ ...mine, claim: '' }).catch(() => undefined)
      throw thrown
    }
  }
  await write({ ...mine, confirmed: true })
  return true
}

async function getOrClaim<P extends Claim>(client: Client, id: string, name: ClaimState, mine: P): Promise<P> {
  try {
    const { state } = await client.getOrSetState({ type: 'conversation', name, id, payload: mine } as never)
    return state.payload as P
  } catch (thrown) {
    // The claim may have been written before the answer was lost: then it is ours.
    const { state } = await client.getState({ type: 'conversation', name, id }).catch(() => {
      throw thrown
    })
    return state.payload as P
  }
}

async function alreadyCreated(
  client: Client,
  conversationId: string,
  event: { type: string; payload: Record<string, string> },
  since: number
): Promise<boolean> {
  const { events } = await client.listEvents({ type: event.type, conversationId } as never)
  return events.some(
    (e) =>
      Date.parse(e.createdAt) >= since - CLOCK_SLACK_MS &&
      Object.entries(event.payload).every(([k, v]) => (e.payload as Record<string, unknown>)[k] === v)
  )
}

/**
 * Announces the ticket's assignee, once per change of assignee. The agent who wrote the session's first relayed
 * comment (`firstAgentId`) was taken as the agent by the plugin already: announcing them first would say "agent
 * joined" twice, so that is only recorded.
 */
export async function announceAssignment(
  client: Client,
  conversationId: string,
  agent: { zendeskId: number; userId: string },
  opts: { firstAgentId?: string } = {}
): Promise<boolean> {
  const assigneeId = String(agent.zendeskId)
  return announceOnce<Claim & { assigneeId: string }>(client, conversationId, 'assignment', {
    payload: { assigneeId },
    same: (current) => current.assigneeId === assigneeId,
    known: opts.firstAgentId === assigneeId,
    event: { type: 'hitlAssigned', payload: { conversationId, userId: agent.userId } },
  })
}

export async function announceStop(client: Client, conversationId: string): Promise<boolean> {
  return announceOnce<Claim>(client, conversationId, 'stop', {
    payload: {},
    same: () => true,
    event: { type: 'hitlStopped', payload: { conversationId } },
  })
}
