// An assignment Zendesk routing makes within moments of the ticket's creation can reach the hitl plugin before
// its session is active, and the plugin drops it for good: its assignment timeout would then end the session while
// the agent works. It is certain when startHitl has not yet tagged the conversation with its ticket (the plugin
// activates the session after startHitl answers). Such an assignment is held on the conversation instead, and
// announced at the first sign that the session is active: the plugin relaying a user's message (channels/hitl.ts),
// or the agent's first comment (relay.ts announces an agent nobody announced, before the comment). The claim in
// announceAssignment keeps it to one hitlAssigned, so the user reads one "joined".
import type { Client } from '../types'
import { announceAssignment } from './agents'

type Agent = { zendeskId: number; userId: string }
type Tags = Record<string, string | undefined>

export async function sessionStarted(client: Client, conversationId: string): Promise<boolean> {
  const { conversation } = await client.getConversation({ id: conversationId })
  return Boolean(conversation.tags.ticketId)
}

export async function holdAssignment(client: Client, conversationId: string, agent: Agent): Promise<void> {
  await client.updateConversation({
    id: conversationId,
    tags: { heldAssigneeId: String(agent.zendeskId), heldAgentUserId: agent.userId },
  })
}

/** Costs nothing when no assignment is held: the tags come with the conversation. */
export async function announceHeldAssignment(client: Client, conversation: { id: string; tags: Tags }): Promise<void> {
  const zendeskId = Number(conversation.tags.heldAssigneeId)
  const userId = conversation.tags.heldAgentUserId
  if (!zendeskId || !userId) return
  // Not a reassignment: an agent announced since (the first comment, a newer assignment) stays.
  await announceAssignment(client, conversation.id, { zendeskId, userId }, { reassign: false })
  await client.updateConversation({ id: conversation.id, tags: { heldAssigneeId: '', heldAgentUserId: '' } })
}
