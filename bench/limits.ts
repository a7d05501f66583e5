// Zendesk's rate limits and what they leave: a 40-message burst on one ticket (updates used, comments made, the
// longest wait), and the HITL sessions one account sustains per minute on each plan, bound by both the plan's
// limit and the Update Ticket account limit. Times are the Zendesk emulator's clock: nothing here waits them.
import { PLAN_LIMITS, type Plan } from '../emulators/zendesk'
import type { Figure } from './official'
import { startWorld } from './operations'

export type Burst = {
  messages: number
  /** Ticket updates the integration made for them (PUT tickets/{id}), stopHitl's included. */
  updates: number
  comments: number
  refused: number
  /** Emulated seconds from a message's invocation to the comment that carries it. */
  longestWaitSeconds: number
  allDeliveredAfterSeconds: number
  inOrder: boolean
}

/**
 * The user sends 40 messages, one a second; an agent then replies every 20 seconds (each reply is a webhook, a
 * chance to send what is held) until every message is on the ticket; then the bot ends the session.
 */
export async function burst(bundlePath: string, messages = 40): Promise<Burst> {
  const world = await startWorld({ bundlePath })
  try {
    const { zendesk, plugin, cloud } = world
    const session = await plugin.escalate({ name: 'Fast typist' })
    const start = zendesk.requests.length
    const sentAt = new Map<string, number>()
    let elapsed = 0
    const texts = Array.from({ length: messages }, (_, n) => `burst message ${n + 1}`)
    for (const text of texts) {
      const answer = await plugin.userSays(session, text)
      if (answer.status !== 200) throw new Error(`message answered ${answer.status}`)
      sentAt.set(text, elapsed)
      zendesk.advanceClock(1)
      elapsed += 1
    }
    const deliveredAt = new Map<string, number>()
    const collect = () => {
      for (const c of plugin.comments(session).slice(1)) {
        for (const text of (c.body ?? '').split('\n\n')) if (sentAt.has(text) && !deliveredAt.has(text)) deliveredAt.set(text, elapsed)
      }
    }
    collect()
    while (deliveredAt.size < texts.length && elapsed < 3600) {
      zendesk.advanceClock(20)
      elapsed += 20
      zendesk.agent(world.agentId).reply(session.ticketId, { body: `Still here (${elapsed} s)` })
      await zendesk.settled()
      collect()
    }
    const allDeliveredAfterSeconds = elapsed
    await cloud.action('stopHitl', { conversationId: session.conversationId })
    collect()
    const puts = zendesk.requests.slice(start).filter((r) => r.method === 'PUT' && r.path.startsWith(`/api/v2/tickets/${session.ticketId}`))
    const onTicket = plugin
      .comments(session)
      .slice(1)
      .flatMap((c) => (c.body ?? '').split('\n\n'))
      .filter((t) => sentAt.has(t))
    return {
      messages,
      updates: puts.filter((r) => r.status === 200).length,
      comments: plugin.comments(session).slice(1).filter((c) => c.author_id !== world.agentId).length,
      refused: puts.filter((r) => r.status === 429).length,
      longestWaitSeconds: Math.max(...texts.map((t) => (deliveredAt.get(t) ?? elapsed) - (sentAt.get(t) ?? 0))),
      allDeliveredAfterSeconds,
      inOrder: JSON.stringify(onTicket) === JSON.stringify(texts),
    }
  } finally {
    await world.close()
  }
}

export type PlanCapacity = {
  plan: Plan
  requestsPerMinute: number
  ticketUpdatesPerMinute: number
  /** Sessions a minute the plan's request limit allows, and the Update Ticket account limit; the smaller binds. */
  ours: { byRequests: number; byUpdates: number; sessions: number }
  official: { byRequests: number; byUpdates: number; sessions: number }
}

/**
 * One session: startHitl, `userMessages` user messages, an assignment, `agentReplies` agent replies, a solve. Zendesk
 * calls come from the per-operation table; ticket updates are the user messages (one each while the budget lasts,
 * ours and the official integration's alike) plus the agent's own (assignment, replies, solve), which count toward
 * the Update Ticket account limit (Zendesk support article 8638126078234) but not toward the plan's.
 */
export function capacity(p: { ours: Figure; official: Figure; userMessages: number; agentUpdates: number }): PlanCapacity[] {
  const updates = p.userMessages + p.agentUpdates
  return (Object.keys(PLAN_LIMITS) as Plan[]).map((plan) => {
    const { requestsPerMinute, ticketUpdatesPerMinute } = PLAN_LIMITS[plan]
    const bound = (calls: number) => {
      const byRequests = requestsPerMinute / calls
      const byUpdates = ticketUpdatesPerMinute / updates
      return { byRequests, byUpdates, sessions: Math.min(byRequests, byUpdates) }
    }
    return { plan, requestsPerMinute, ticketUpdatesPerMinute, ours: bound(p.ours.max ?? p.ours.min), official: bound(p.official.min) }
  })
}
