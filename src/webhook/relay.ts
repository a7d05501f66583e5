// Agents' public comments → Botpress messages, each exactly once: the message is got-or-created by the comment's
// id, so a webhook delivered twice, late or concurrently relays nothing twice, and any delivery relays whatever
// an earlier lost one missed.
import { commentText } from '../mapping/text'
import type { ZendeskApi } from '../zendesk/client'
import type { ZendeskAttachment, ZendeskComment, ZendeskUser } from '../zendesk/schemas'
import type { Client } from '../types'
import { agentUser, announceAssignment } from './agents'

/** How many of the newest comments a delivery looks at; older ones were relayed by earlier deliveries. */
export const RELAY_WINDOW = 20

type Outgoing = { key: string; type: 'text' | 'image' | 'audio' | 'video' | 'file'; payload: Record<string, string> }

const AUTOMATIC_CHANNELS = new Set(['rule', 'system', 'automation', 'sample_ticket'])
const isAgent = (u: ZendeskUser | undefined) => u?.role === 'agent' || u?.role === 'admin'
const isAutomatic = (c: ZendeskComment) => AUTOMATIC_CHANNELS.has(String(c.via?.channel ?? ''))

export function relayable(comments: ZendeskComment[], users: Map<number, ZendeskUser>, botUserId: number): ZendeskComment[] {
  return comments
    .filter((c) => c.public && c.author_id !== botUserId && isAgent(users.get(c.author_id)) && !isAutomatic(c))
    .sort((a, b) => a.id - b.id)
}

export function messagesOf(comment: ZendeskComment): Outgoing[] {
  const out: Outgoing[] = []
  const text = commentText(comment)
  if (text) out.push({ key: String(comment.id), type: 'text', payload: { text } })
  for (const a of comment.attachments ?? []) out.push(attachmentMessage(comment.id, a))
  return out
}

function attachmentMessage(commentId: number, a: ZendeskAttachment): Outgoing {
  const key = `${commentId}:${a.id}`
  const kind = (a.content_type ?? '').split('/')[0]
  if (kind === 'image') return { key, type: 'image', payload: { imageUrl: a.content_url } }
  if (kind === 'audio') return { key, type: 'audio', payload: { audioUrl: a.content_url } }
  if (kind === 'video') return { key, type: 'video', payload: { videoUrl: a.content_url } }
  return { key, type: 'file', payload: { fileUrl: a.content_url, title: a.file_name } }
}

export async function relayComments(
  client: Client,
  zendesk: ZendeskApi,
  p: { ticketId: number; conversationId: string; botUserId: number }
): Promise<number> {
  const { comments, users } = await zendesk.listComments(p.ticketId, { newestFirst: true, pageSize: RELAY_WINDOW })
  const byId = new Map(users.map((u) => [u.id, u]))
  const agents = new Map<number, string>()
  let relayed = 0
  for (const comment of relayable(comments, byId, p.botUserId)) {
    let userId = agents.get(comment.author_id)
    if (!userId) {
      userId = await agentUser(client, byId.get(comment.author_id)!)
      agents.set(comment.author_id, userId)
      // The plugin takes the first message's author as the agent; announcing first keeps "agent joined" single.
      await announceAssignment(client, p.conversationId, { zendeskId: comment.author_id, userId }, { reassign: false })
    }
    for (const m of messagesOf(comment)) {
      await client.getOrCreateMessage({
        conversationId: p.conversationId,
        userId,
        type: m.type,
        payload: m.payload,
        tags: { zendeskCommentId: m.key },
        discriminateByTags: ['zendeskCommentId'],
      } as never)
      relayed++
    }
  }
  return relayed
}
