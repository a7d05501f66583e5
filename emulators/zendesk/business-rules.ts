// Comments no person typed: what triggers, automations and Zendesk itself write on a ticket, with the `via` Zendesk
// gives them. Zendesk's "Via object reference" gives a business rule's change `channel: "rule"` (via id 8, "Trigger,
// automation" in its "Via types" reference) with `source.from` naming the rule (`id`, `title`, `deleted`) and
// `source.rel` saying which kind ("trigger" or "automation"); the API's ticket audit schema names "system" among the
// channels, and the account's sample ticket comes `via sample_ticket`. Each such comment is an update like any
// other: the triggers run on it, so a webhook watching public comments is delivered as Zendesk delivers it.

import type { WebhookDispatcher } from './delivery.js'
import type { EmulatorState } from './state.js'
import { channel, type Channel, type TicketEngine, type TicketUpdate } from './ticket-engine.js'
import { evaluateTriggers, type PlannedComment } from './triggers.js'
import type { Comment, User } from './types.js'

export type AutomaticKind = 'automation' | 'system' | 'sample_ticket'

export interface AutomaticComment {
  kind: AutomaticKind
  body?: string
  htmlBody?: string
  public?: boolean
  /** Defaults to the ticket's assignee, else the account's admin: rules write on behalf of an agent. */
  authorId?: number
  /** The automation's title, shown in `via.source.from`. */
  title?: string
}

const isAgent = (user: User | undefined): user is User => user?.role === 'agent' || user?.role === 'admin'

function ruleChannel(rel: 'trigger' | 'automation', rule: { id: number; title: string }): Channel {
  return channel('rule', { from: { id: rule.id, title: rule.title, deleted: false }, to: {}, rel })
}

// Zendesk's "Via types" reference gives no via id for these two; their updates match no `current_via_id is`.
const unnumbered = (name: 'system' | 'sample_ticket'): Channel => ({ id: null, via: { channel: name, source: { from: {}, to: {}, rel: null } } })

/**
 * Runs the triggers after every update, and adds the comments their actions write, by the agent whose update fired
 * them (by the account's admin when an end user's did). As in Zendesk, the whole cycle is one update: the triggers
 * that look again after a rule's comment see the update's own via and user, and each fires at most once, so a
 * trigger commenting on public comments does not fire on its own comment.
 */
export function runTriggers(state: EmulatorState, engine: TicketEngine, dispatcher: WebhookDispatcher, admin: User) {
  let cycle: { fired: Set<number>; origin: TicketUpdate } | undefined
  return (update: TicketUpdate): void => {
    const outermost = cycle === undefined
    cycle ??= { fired: new Set(), origin: update }
    const { origin } = cycle
    try {
      const seen = outermost ? update : { ...update, updateType: origin.updateType, viaId: origin.viaId, currentUser: origin.currentUser }
      const { deliveries, comments } = evaluateTriggers(state, seen, cycle.fired)
      dispatcher.dispatch(deliveries)
      const author = isAgent(origin.currentUser) ? origin.currentUser : admin
      for (const planned of comments) addTriggerComment(state, engine, update.ticket.id, planned, author)
    } finally {
      if (outermost) cycle = undefined
    }
  }
}

function addTriggerComment(state: EmulatorState, engine: TicketEngine, ticketId: number, planned: PlannedComment, author: User): void {
  // A closed ticket takes no update, not even from a rule.
  if (state.tickets.get(ticketId)?.status === 'closed') return
  engine.update(ticketId, { comment: { ...planned.comment, author_id: author.id } }, author, ruleChannel('trigger', planned.trigger))
}

/** What an automation, Zendesk itself or the sample ticket writes on a ticket. */
export function automaticComment(state: EmulatorState, engine: TicketEngine, ticketId: number, p: AutomaticComment, admin: User): Comment {
  const ticket = state.tickets.get(ticketId)
  if (!ticket) throw new Error(`No ticket ${ticketId} in the Zendesk emulator`)
  const author = state.users.get(p.authorId ?? ticket.assignee_id ?? admin.id)
  if (!author) throw new Error(`No user ${String(p.authorId)} in the Zendesk emulator`)
  const via =
    p.kind === 'automation' ? ruleChannel('automation', { id: state.recordId(), title: p.title ?? 'Automation' }) : unnumbered(p.kind)
  const body = p.htmlBody !== undefined ? { html_body: p.htmlBody } : { body: p.body ?? '' }
  const { comment } = engine.update(ticketId, { comment: { ...body, public: p.public ?? true, author_id: author.id } }, author, via)
  if (!comment) throw new Error('The update did not add a comment')
  return comment
}
