import { randomUUID } from 'node:crypto'
import { connect } from '../connection'
import { ticketOut } from '../mapping/records'
import type { ActionOutput, ActionProps } from '../types'
import { zendeskTags } from './start-hitl'

export async function createTicket(props: ActionProps<'createTicket'>): Promise<ActionOutput<'createTicket'>> {
  const { input } = props
  const { zendesk } = connect(props)
  const ticket = await zendesk.openTicket(
    {
      subject: input.subject,
      comment: { body: input.comment },
      requester: { name: input.requesterName, email: input.requesterEmail },
      ...(input.ticketFormId ? { ticket_form_id: Number(input.ticketFormId) } : {}),
      ...(input.priority ? { priority: input.priority } : {}),
      ...(input.type ? { type: input.type } : {}),
      ...(input.tags?.length ? { tags: zendeskTags(input.tags) } : {}),
    },
    // One key per invocation: the transport's own retries return the first ticket, a new call opens a new one.
    randomUUID()
  )
  return { ticket: ticketOut(ticket, zendesk.baseUrl) }
}
