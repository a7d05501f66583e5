import { connect } from '../connection'
import { ticketOut } from '../mapping/records'
import type { ActionOutput, ActionProps } from '../types'
import { noTicket, orMissing } from './missing'

export async function getTicket(props: ActionProps<'getTicket'>): Promise<ActionOutput<'getTicket'>> {
  const { zendesk } = connect(props)
  const id = Number(props.input.ticketId)
  const ticket = await orMissing(() => zendesk.readTicket(id), noTicket(id))
  return { ticket: ticketOut(ticket, zendesk.baseUrl) }
}
