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

/**
 * Announces an agent once. The state write is the arbiter: of two deliveries racing, only the one whose random
 * claim got written announces. `reassign: false` (an agent's comment) never replaces an agent already announced.
 */
export async function announceAssignment(
  client: Client,
  conversationId: string,
  agent: { zendeskId: number; userId: string },
  opts: { reassign: boolean }
): Promise<boolean> {
  const claim = randomUUID()
  const assigneeId = String(agent.zendeskId)
  const { state } = await client.getOrSetState({
    type: 'conversation',
    name: 'assignment',
    id: conversationId,
    payload: { assigneeId, claim },
  })
  const announced = state.payload as { assigneeId: string; claim: string }
  if (announced.claim !== claim) {
    if (announced.assigneeId === assigneeId || !opts.reassign) return false
    await client.setState({ type: 'conversation', name: 'assignment', id: conversationId, payload: { assigneeId, claim } })
  }
  await client.createEvent({ type: 'hitlAssigned', payload: { conversationId, userId: agent.userId }, conversationId })
  return true
}

export async function announceStop(client: Client, conversationId: string): Promise<boolean> {
  const claim = randomUUID()
  const { state } = await client.getOrSetState({ type: 'conversation', name: 'stop', id: conversationId, payload: { claim } })
  if ((state.payload as { claim: string }).claim !== claim) return false
  await client.createEvent({ type: 'hitlStopped', payload: { conversationId }, conversationId })
  return true
}
