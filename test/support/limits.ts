// What the tests of Zendesk's limits share: a session whose ticket budget is spent, and the ticket as the user's
// words show on it.
import { expect } from 'vitest'
import type { Loop, Session } from '../../emulators/plugin/index'

/** The user's words on a ticket, paragraph by paragraph, after the transcript. */
export const onTicket = (l: Loop, ticketId: number) =>
  (l.zendesk.state.comments.get(ticketId) ?? []).slice(1).flatMap((c) => (c.body ?? '').split('\n\n'))

export const countOn = (l: Loop, ticketId: number, text: string) => onTicket(l, ticketId).filter((t) => t === text).length

export const status = (l: Loop, ticketId: number) => l.zendesk.state.tickets.get(ticketId)?.status

/** The messages of the session the integration holds back. */
export const heldTagged = (l: Loop, session: Session) =>
  l.botpress.messagesIn(session.conversationId).filter((m) => l.plugin.tagsOf(m as never).zendeskHeld === 'yes')

/** A session whose ticket budget ten messages in a row have spent: what the user writes next is held. */
export async function spentSession(l: Loop, name = 'Ann Lee'): Promise<{ session: Session; first: string[] }> {
  const session = await l.plugin.escalate({ name })
  const first = Array.from({ length: 10 }, (_, n) => `alone ${n + 1}`)
  for (const text of first) expect((await l.plugin.userSays(session, text)).status).toBe(200)
  return { session, first }
}
