// Merging tickets as Zendesk does it (API reference, Tickets > Merge Tickets into Target Ticket; Help Center
// article 203690916 "Merging tickets"): each source gets a comment saying where it went and is closed; the target
// gets a comment naming the sources. Both comments are private unless asked otherwise, and their `via` carries
// `rel: "merge"` with the other side's ticket: `to.ticket_id` on a source, `from.ticket_ids` on the target.
// Zendesk queues a job and answers its status; the emulator does the work at once and answers it completed.
import { ApiError } from './errors.js'
import type { EmulatorState } from './state.js'
import { channel, type TicketEngine } from './ticket-engine.js'
import type { User } from './types.js'

export interface MergeInput {
  ids: number[]
  source_comment?: string
  target_comment?: string
  source_comment_is_public?: boolean
  target_comment_is_public?: boolean
}

export function mergeTickets(state: EmulatorState, engine: TicketEngine, actor: User, targetId: number, input: MergeInput) {
  const target = state.tickets.get(targetId)
  if (!target) throw new ApiError(404, { error: 'RecordNotFound', description: 'Not found' })
  const sources = input.ids.map((id) => {
    const source = state.tickets.get(id)
    if (!source || id === targetId) throw new ApiError(422, { error: 'RecordInvalid', description: `Ticket ${id} cannot be merged into ticket ${targetId}` })
    if (source.status === 'closed') throw new ApiError(422, { error: 'RecordInvalid', description: `Ticket ${id} is closed` })
    return source
  })
  for (const source of sources) {
    engine.update(
      source.id,
      {
        status: 'closed',
        comment: {
          body: input.source_comment ?? `Request #${source.id} "${source.subject}" was closed and merged into request #${target.id} "${target.subject}".`,
          public: input.source_comment_is_public ?? false,
        },
      },
      actor,
      channel('web', { to: { ticket_id: target.id, subject: target.subject }, rel: 'merge' }),
    )
  }
  engine.update(
    target.id,
    {
      comment: {
        body: input.target_comment ?? sources.map((s) => `Request #${s.id} "${s.subject}" was closed and merged into this request.`).join('\n'),
        public: input.target_comment_is_public ?? false,
      },
    },
    actor,
    channel('web', { from: { ticket_ids: sources.map((s) => s.id), subjects: sources.map((s) => s.subject) }, rel: 'merge' }),
  )
  const id = `merge${state.recordId()}`
  return {
    job_status: {
      id,
      url: `${state.baseUrl}/api/v2/job_statuses/${id}.json`,
      job_type: 'Tickets Merge',
      status: 'completed',
      total: sources.length,
      progress: sources.length,
      message: `Completed at ${state.now().toISOString()}`,
      results: [],
    },
  }
}
