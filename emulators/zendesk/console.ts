// What people do in Zendesk's own interfaces, which are not API calls: an agent working a ticket in the
// agent workspace (via web, via_id 0) and an end user answering by email (via mail, via_id 4). They go
// through the same ticket engine as the API, so triggers fire exactly as they would in Zendesk.

import type { EmulatorState } from './state.js'
import { channel, type TicketChanges, type TicketEngine } from './ticket-engine.js'
import type { Comment, TicketStatus, User } from './types.js'
import { escapeHtml } from './comment-format.js'
import { mergeTickets, type MergeInput } from './merge.js'
import { deleteTicket } from './tickets.js'
import { storeAttachment } from './uploads.js'

export interface AgentConsole {
  reply(
    ticketId: number,
    p: {
      body?: string
      htmlBody?: string
      attachments?: { fileName: string; contentType: string; data: Buffer }[]
      /** Pasted into the editor: an `<img>` in the HTML, uploaded as an inline attachment. */
      inlineImages?: { fileName: string; contentType: string; data: Buffer }[]
    },
  ): Comment
  note(ticketId: number, p: { body: string; attachments?: { fileName: string; contentType: string; data: Buffer }[] }): Comment
  /** Merges the source tickets into the target, as the agent workspace's "Merge into another ticket" does. */
  merge(targetId: number, input: MergeInput): void
  assignToMe(ticketId: number): void
  assign(ticketId: number, assigneeId: number | null): void
  setStatus(ticketId: number, status: Exclude<TicketStatus, 'new'>, p?: { comment?: { body: string; public?: boolean } }): void
  /** The ticket's "Delete" in the agent workspace (agents with permission to delete tickets). */
  deleteTicket(ticketId: number): void
}

export interface EndUserMailbox {
  reply(ticketId: number, p: { body: string }): Comment
}

function person(state: EmulatorState, userId: number, agent: boolean): User {
  const user = state.users.get(userId)
  const isAgent = user?.role === 'agent' || user?.role === 'admin'
  if (!user || isAgent !== agent) throw new Error(`User ${userId} is not ${agent ? 'an agent' : 'an end user'} of the Zendesk emulator`)
  return user
}

function added(comment: Comment | undefined): Comment {
  if (!comment) throw new Error('The update did not add a comment')
  return comment
}

export function agentConsole(state: EmulatorState, engine: TicketEngine, agentUserId: number): AgentConsole {
  const agent = person(state, agentUserId, true)
  const web = () => channel('web')
  const update = (ticketId: number, changes: TicketChanges) => engine.update(ticketId, changes, agent, web())
  return {
    reply: (ticketId, p) => {
      const attachments = (p.attachments ?? []).map((a) => storeAttachment(state, a.fileName, a.contentType, a.data))
      const inline = (p.inlineImages ?? []).map((a) => Object.assign(storeAttachment(state, a.fileName, a.contentType, a.data), { inline: true }))
      attachments.push(...inline)
      const images = inline.map((a) => `<img src="${a.content_url}" alt="${a.file_name}">`).join('')
      const html = p.htmlBody ?? (inline.length && p.body ? `<p>${escapeHtml(p.body)}</p>` : undefined)
      const body = html !== undefined || images ? { html_body: `${html ?? ''}${images}` } : { body: p.body ?? '' }
      return added(update(ticketId, { comment: { ...body, public: true, attachments } }).comment)
    },
    note: (ticketId, p) => {
      const attachments = (p.attachments ?? []).map((a) => storeAttachment(state, a.fileName, a.contentType, a.data))
      return added(update(ticketId, { comment: { body: p.body, public: false, attachments } }).comment)
    },
    merge: (targetId, input) => void mergeTickets(state, engine, agent, targetId, input),
    assignToMe: (ticketId) => void update(ticketId, { assignee_id: agent.id }),
    assign: (ticketId, assigneeId) => void update(ticketId, { assignee_id: assigneeId }),
    setStatus: (ticketId, status, p) => {
      const comment = p?.comment ? { comment: { body: p.comment.body, public: p.comment.public ?? true } } : {}
      void update(ticketId, { status, ...comment })
    },
    deleteTicket: (ticketId) => deleteTicket(state, ticketId),
  }
}

export function endUserMailbox(state: EmulatorState, engine: TicketEngine, userId: number): EndUserMailbox {
  const user = person(state, userId, false)
  const mail = () =>
    channel('mail', {
      from: { address: user.email, name: user.name },
      to: { address: `support@${state.host()}`, name: 'Support' },
    })
  return {
    reply: (ticketId, p) => {
      const ticket = state.tickets.get(ticketId)
      // Zendesk turns an email answer to a closed ticket into a follow-up ticket.
      if (ticket?.status === 'closed') {
        const followUp = engine.create(
          { subject: ticket.subject, requester_id: user.id, comment: { body: p.body }, via_followup_source_id: ticket.id },
          user,
          mail(),
        )
        return added(followUp.comment)
      }
      return added(engine.update(ticketId, { comment: { body: p.body, public: true } }, user, mail()).comment)
    },
  }
}
