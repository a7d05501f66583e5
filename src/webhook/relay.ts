// Agents' public comments → Botpress messages, each exactly once: the message is got-or-created by the comment's
// id, so a webhook delivered twice, late or concurrently relays nothing twice, and any delivery relays whatever
// an earlier lost one missed. The `relay` state spares work (comments already relayed, agents already known)
// and holds the conversation's binding; when two deliveries race it may be stale, which costs a few look-ups,
// never a duplicate.
import { cleanLine, cleanText } from '../mapping/hygiene'
import { commentText } from '../mapping/text'
import type { ZendeskApi } from '../zendesk/client'
import type { ZendeskAttachment, ZendeskComment, ZendeskUser } from '../zendesk/schemas'
import type { Client } from '../types'
import { agentUser } from './agents'
import { writeRelay, type Bound } from './binding'

/** Zendesk's largest page: one call covers a session's comments since the last delivery. */
const PAGE_SIZE = 100

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

/** Newest first, a page at a time, back to the watermark: however many comments came since, none is skipped. */
async function commentsSince(zendesk: ZendeskApi, ticketId: number, watermark: number) {
  const comments: ZendeskComment[] = []
  const users = new Map<number, ZendeskUser>()
  let after: string | undefined
  do {
    const page = await zendesk.listComments(ticketId, { newestFirst: true, pageSize: PAGE_SIZE, ...(after ? { after } : {}) })
    comments.push(...page.comments.filter((c) => c.id > watermark))
    for (const u of page.users) users.set(u.id, u)
    after = page.comments.some((c) => c.id <= watermark) ? undefined : page.next
  } while (after)
  return { comments, users }
}

/**
 * Relays what the bound ticket's agents wrote since the watermark. The relay state is written last, once every
 * message exists: a delivery that fails half-way leaves the watermark where it was, and its retry re-finds the
 * messages already created.
 */
export async function relayComments(
  client: Client,
  zendesk: ZendeskApi,
  p: { ticketId: number; bound: Bound; botUserId: number; ending?: boolean; endedByBot?: boolean }
): Promise<number> {
  const { conversationId } = p.bound
  // The session ended when the agent solved the ticket (`ending`, then remembered) or when the bot stopped it.
  const relay = { ...p.bound.relay, ...(p.ending || p.endedByBot ? { ended: true } : {}) }
  const { comments, users } = await commentsSince(zendesk, p.ticketId, relay.relayedUpTo)
  const fresh = relayable(comments, users, p.botUserId)
  if (!fresh.length) {
    if (p.bound.rebound || relay.ended !== p.bound.relay.ended) await writeRelay(client, p.bound, relay)
    return 0
  }
  if (p.bound.relay.ended || p.endedByBot) {
    await tellAgentsTheSessionEnded(zendesk, p.ticketId, fresh)
    await writeRelay(client, p.bound, { ...relay, relayedUpTo: Math.max(relay.relayedUpTo, ...fresh.map((c) => c.id)) })
    return 0
  }

  const agents = { ...relay.agents }
  let relayed = 0
  for (const comment of fresh) {
    const key = String(comment.author_id)
    agents[key] ??= await agentUser(client, users.get(comment.author_id)!)
    for (const m of messagesOf(comment)) {
      await client.getOrCreateMessage({
        conversationId,
        userId: agents[key],
        type: m.type,
        payload: m.payload,
        tags: { zendeskCommentId: m.key },
        discriminateByTags: ['zendeskCommentId'],
      } as never)
      relayed++
    }
  }
  await writeRelay(client, p.bound, {
    ...relay,
    relayedUpTo: Math.max(relay.relayedUpTo, ...fresh.map((c) => c.id)),
    agents,
    // The plugin takes the first message's author as the agent and says so itself: no hitlAssigned needed for them.
    firstAgentId: relay.firstAgentId ?? String(fresh[0]!.author_id),
  })
  // The plugin has its agent now (the first reply's author): a held assignment announced later would be a second
  // "joined".
  if (!relay.firstAgentId && p.bound.heldAssigneeId) {
    await client.updateConversation({ id: conversationId, tags: { heldAssigneeId: '' } })
  }
  return relayed
}

/** The hitl plugin drops what comes after hitlStopped: the agent learns it from one internal note, not from silence. */
async function tellAgentsTheSessionEnded(zendesk: ZendeskApi, ticketId: number, unseen: ZendeskComment[]): Promise<void> {
  const replies = unseen.length === 1 ? 'This reply was' : `These ${unseen.length} replies were`
  await zendesk.addComment(ticketId, {
    body: `${replies} not delivered: the session with the user has ended, and the user is back with the bot. Start a new conversation with them to reach them.`,
    public: false,
  })
}
