// The Zendesk agent's side: tickets as an agent workspace shows them, and what the agent does, through the
// Zendesk emulator's agent console (web channel, so Zendesk's triggers fire as they would for a real agent).
import type { Attachment, User, ZendeskEmulator } from '../emulators/zendesk'
import type { ActivityLog } from './activity'

export interface TicketSummary {
  id: number
  subject: string
  status: string
  requester: string
  updatedAt: string
}

export interface TicketView extends TicketSummary {
  priority: string | null
  tags: string[]
  requesterEmail: string | null
  assignee: string | null
  comments: {
    id: number
    author: string
    authorRole: string
    public: boolean
    body: string
    createdAt: string
    attachments: { name: string; contentType: string; url: string; size: number }[]
  }[]
}

export type Upload = { fileName: string; contentType: string; data: Buffer }

export class Desk {
  public constructor(
    private readonly zendesk: ZendeskEmulator,
    public readonly agent: User,
    private readonly log: ActivityLog,
  ) {}

  public tickets(): TicketSummary[] {
    return [...this.zendesk.state.tickets.values()]
      .sort((a, b) => b.id - a.id)
      .map((t) => ({ id: t.id, subject: t.subject, status: t.status, requester: this.nameOf(t.requester_id), updatedAt: t.updated_at }))
  }

  public ticket(id: number): TicketView | undefined {
    const t = this.zendesk.state.tickets.get(id)
    if (!t) return undefined
    return {
      id: t.id,
      subject: t.subject,
      status: t.status,
      requester: this.nameOf(t.requester_id),
      requesterEmail: this.zendesk.state.users.get(t.requester_id)?.email ?? null,
      updatedAt: t.updated_at,
      priority: t.priority,
      tags: t.tags,
      assignee: t.assignee_id === null ? null : this.nameOf(t.assignee_id),
      comments: (this.zendesk.state.comments.get(id) ?? []).map((c) => ({
        id: c.id,
        author: this.nameOf(c.author_id),
        authorRole: this.zendesk.state.users.get(c.author_id)?.role ?? 'unknown',
        public: c.public,
        body: c.plain_body,
        createdAt: c.created_at,
        attachments: c.attachments.map((a: Attachment) => ({ name: a.file_name, contentType: a.content_type, url: a.content_url, size: a.size })),
      })),
    }
  }

  public reply(ticketId: number, body: string, attachments: Upload[]): void {
    this.act(`reply on ticket #${ticketId}${attachments.length ? ` with ${attachments.map((a) => a.fileName).join(', ')}` : ''}`, { body }, () =>
      this.console().reply(ticketId, { body, attachments }),
    )
  }

  public note(ticketId: number, body: string, attachments: Upload[]): void {
    this.act(`internal note on ticket #${ticketId}${attachments.length ? ` with ${attachments.map((a) => a.fileName).join(', ')}` : ''}`, { body }, () =>
      this.console().note(ticketId, { body, attachments }),
    )
  }

  public assignToMe(ticketId: number): void {
    this.act(`assign ticket #${ticketId} to ${this.agent.name}`, undefined, () => this.console().assignToMe(ticketId))
  }

  public solve(ticketId: number): void {
    this.act(`solve ticket #${ticketId}`, undefined, () => this.console().setStatus(ticketId, 'solved'))
  }

  private console() {
    return this.zendesk.agent(this.agent.id)
  }

  // The agent's clicks are not API calls, so no emulator records them: they are logged here, failures included.
  private act(what: string, input: unknown, fn: () => unknown): void {
    const at = Date.now()
    try {
      fn()
      this.log.add({ at, from: 'agent', to: 'zendesk', what, ...(input !== undefined && { detail: JSON.stringify(input, null, 2) }) })
    } catch (thrown) {
      const error = refusal(thrown)
      this.log.add({ at, from: 'agent', to: 'zendesk', what, error })
      throw new Error(error)
    }
  }

  private nameOf(userId: number): string {
    return this.zendesk.state.users.get(userId)?.name ?? `user ${userId}`
  }
}

/** Zendesk's refusal in the words its agent workspace shows ("Comment: cannot be blank"), not its raw JSON body. */
function refusal(thrown: unknown): string {
  const body = (thrown as { body?: { description?: unknown; details?: Record<string, { description?: unknown }[]> } }).body
  const details = Object.values(body?.details ?? {}).flat().map((d) => d.description).filter((d): d is string => typeof d === 'string')
  if (details.length) return `Zendesk refused it: ${details.join('; ')}.`
  if (typeof body?.description === 'string') return `Zendesk refused it: ${body.description}.`
  return thrown instanceof Error ? thrown.message : String(thrown)
}
