// An assignment Zendesk routing makes within moments of the ticket's creation can reach the hitl plugin before
// its session is active, and the plugin drops it for good: its assignment timeout would then end the session while
// the agent works. It is certain when startHitl has not yet tagged the conversation with its ticket (the plugin
// activates the session after startHitl answers). Such an assignment is held on the conversation instead, and
// announced at the first sign that the session is active: the plugin relaying a user's message (channels/hitl.ts),
// or the agent's first comment (relay.ts announces an agent nobody announced, before the comment). The claim in
// announceAssignment keeps it to one hitlAssigned, so the user reads one "joined".
import type { ZendeskApi } from '../zendesk/client'
import type { Client } from '../types'
import { announceAssignment, knownAgentUser } from './agents'
import { namesAConversation, noSuchConversation } from './binding'

type Tags = Record<string, string | undefined>

/**
 * An assignment to a ticket whose conversation startHitl is still setting up (it carries startHitl's request key
 * and no ticket yet) is held on the conversation. Anything else that fails the binding is not ours to hold.
 */
export async function holdIfStarting(client: Client, conversationId: string, assigneeId: number | null | undefined): Promise<boolean> {
  if (!namesAConversation(conversationId) || !assigneeId) return false
  let tags: Tags
  try {
    tags = (await client.getConversation({ id: conversationId })).conversation.tags
  } catch (thrown) {
    if (noSuchConversation(thrown)) return false
    throw thrown
  }
  if (tags.ticketId || !tags.requestKey) return false
  await client.updateConversation({ id: conversationId, tags: { heldAssigneeId: String(assigneeId) } })
  return true
}

/** Costs nothing when no assignment is held: the tags come with the conversation. */
export async function announceHeldAssignment(client: Client, zendesk: ZendeskApi, conversation: { id: string; tags: Tags }): Promise<void> {
  const zendeskId = Number(conversation.tags.heldAssigneeId)
  if (!zendeskId) return
  const userId = await knownAgentUser(client, zendeskId, () => zendesk.showUser(zendeskId))
  await announceAssignment(client, conversation.id, { zendeskId, userId })
  await client.updateConversation({ id: conversation.id, tags: { heldAssigneeId: '' } })
}
