// Agents' public comments → Botpress messages, each exactly once: the message is got-or-created by the comment's
// id, so a webhook delivered twice, late or concurrently relays nothing twice, and any delivery relays whatever
// an earlier lost one missed. The `relay` state only spares work (comments already relayed, agents already
// known); when two deliveries race it may be stale, which costs a few look-ups, never a duplicate.
import * as sdk from '@botpress/sdk'
import { cleanLine, cleanText } from '../mapping/hygiene'
import { commentText } from '../mapping/text'
import type { ZendeskApi } from '../zendesk/client'
import type { ZendeskAttachment, ZendeskComment, ZendeskUser } from '../zendesk/schemas'
import type { Client, TIntegration } from '../types'
import { agentUser, announceAssignment } from './agents'

/** How many of the newest comments a delivery looks at; older ones were relayed by earlier deliveries. */
const RELAY_WINDOW = 20

type Relay = TIntegration['states']['relay']['payload']
type Outgoing = { key: string; type: 'text' | 'image' | 'audio' | 'video' | 'file'; payload: Record<string, string> }

const AUTOMATIC_CHANNELS = new Set(['rule', 'system', 'automation', 'sample_ticket'])
const isAgent = (u: ZendeskUser | undefined) => u?.role === 'agent' || u?.role === 'admin'
const isAutomatic = (c: ZendeskComment) => AUTOMATIC_CHANNELS.has(String(c.via?.channel ?? ''))

function relayable(comments: ZendeskComment[], users: Map<number, ZendeskUser>, botUserId: number): ZendeskComment[] {
  return comments
    .filter((c) => c.public && c.author_id !== botUserId && isAgent(users.get(c.author_id)) && !isAutomatic(c))
    .sort((a, b) => a.id - b.id)
}

function messagesOf(comment: ZendeskComment): Outgoing[] {
  const out: Outgoing[] = []
  const text = cleanText(commentText(comment)).trim()
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
  return { key, type: 'file', payload: { fileUrl: a.content_url, title: cleanLine(a.file_name) } }
}

async function readRelay(client: Client, conversationId: string): Promise<Relay> {
  try {
    const { state } = await client.getState({ type: 'conversation', name: 'relay', id: conversationId })
    return state.payload
  } catch (thrown) {
    if (sdk.isApiError(thrown) && thrown.type === 'ResourceNotFound') return { relayedUpTo: 0, agents: {} }
    throw thrown
  }
}

export async function relayComments(
  client: Client,
  zendesk: ZendeskApi,
  p: { ticketId: number; conversationId: string; botUserId: number }
): Promise<number> {
  const { comments, users } = await zendesk.listComments(p.ticketId, { newestFirst: true, pageSize: RELAY_WINDOW })
  const byId = new Map(users.map((u) => [u.id, u]))
  const pending = relayable(comments, byId, p.botUserId)
  if (!pending.length) return 0
  const relay = await readRelay(client, p.conversationId)
  const fresh = pending.filter((c) => c.id > relay.relayedUpTo)
  if (!fresh.length) return 0

  const agents = { ...relay.agents }
  let relayed = 0
  for (const comment of fresh) {
    const key = String(comment.author_id)
    let userId = agents[key]
    if (!userId) {
      userId = await agentUser(client, byId.get(comment.author_id)!)
      agents[key] = userId
    }
    if (relay.relayedUpTo === 0 && relayed === 0) {
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
  await client.setState({
    type: 'conversation',
    name: 'relay',
    id: p.conversationId,
    payload: { relayedUpTo: Math.max(relay.relayedUpTo, ...fresh.map((c) => c.id)), agents },
  })
  return relayed
}
