// A merged ticket: Zendesk closes the source with a comment whose `via` names the target (`rel: "merge"`,
// `source.to.ticket_id`). The session follows the target both ways: the conversation is bound to it (so the user's
// messages go there), and it gets the instance tag and the conversation as external_id (so its replies fire our
// triggers). The source's closing is no stop: the session goes on.
import type { ZendeskApi } from '../zendesk/client'
import type { ZendeskComment } from '../zendesk/schemas'
import type { Client } from '../types'
import { writeRelay, type Bound } from './binding'

type MergeVia = { source?: { rel?: unknown; to?: { ticket_id?: unknown } | null } | null }

function mergedInto(comment: ZendeskComment): number | undefined {
  const source = (comment.via as MergeVia | null | undefined)?.source
  const target = Number(source?.to?.ticket_id)
  return source?.rel === 'merge' && Number.isSafeInteger(target) && target > 0 ? target : undefined
}

/** The ticket a closed ticket was merged into, read from its newest comments. */
export async function mergeTargetOf(zendesk: ZendeskApi, ticketId: number): Promise<number | undefined> {
  const { comments } = await zendesk.listComments(ticketId, { newestFirst: true, pageSize: 10 })
  for (const comment of comments) {
    const target = mergedInto(comment)
    if (target) return target
  }
  return undefined
}

export async function followMerge(
  client: Client,
  zendesk: ZendeskApi,
  p: { bound: Bound; targetId: number; instanceTag: string }
): Promise<void> {
  const { conversationId, relay } = p.bound
  await zendesk.updateTicket(p.targetId, { external_id: conversationId, additional_tags: [p.instanceTag, 'botpress_hitl'] })
  await client.updateConversation({ id: conversationId, tags: { ticketId: String(p.targetId) } })
  await writeRelay(client, p.bound, { ...relay, ticketId: p.targetId })
}
