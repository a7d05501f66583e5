import * as sdk from '@botpress/sdk'
import { connect, readSetup } from '../connection'
import { ticketOut } from '../mapping/records'
import { ZendeskError } from '../zendesk/errors'
import type { ZendeskApi } from '../zendesk/client'
import type { TicketRecord } from '../zendesk/schemas'
import type { ActionOutput, ActionProps } from '../types'
import { noTicket, orMissing } from './missing'

export async function closeTicket(props: ActionProps<'closeTicket'>): Promise<ActionOutput<'closeTicket'>> {
  const { input } = props
  const { zendesk } = connect(props)
  const id = Number(input.ticketId)
  const comment = input.comment?.trim()
  const current = await orMissing(() => zendesk.readTicket(id), noTicket(id))
  if (current.status === 'closed') return closedAlready(current, comment, zendesk)
  const author = comment ? (await readSetup(props)).botUserId : undefined
  try {
    const ticket = await orMissing(
      () => zendesk.changeTicket(id, { status: 'closed', ...(comment ? { comment: { body: comment, public: true, author_id: author } } : {}) }),
      noTicket(id)
    )
    return { ticket: ticketOut(ticket, zendesk.baseUrl) }
  } catch (thrown) {
    // Someone else (another closeTicket, an agent) closed it between the read and the update: Zendesk's 422.
    if (!(thrown instanceof ZendeskError && thrown.status === 422)) throw thrown
    const now = await zendesk.readTicket(id)
    if (now.status !== 'closed') throw thrown
    return closedAlready(now, comment, zendesk)
  }
}

function closedAlready(ticket: TicketRecord, comment: string | undefined, zendesk: ZendeskApi): ActionOutput<'closeTicket'> {
  // Closing is done already; a comment, though, would be lost, and Zendesk accepts none on a closed ticket.
  if (comment) throw new sdk.RuntimeError(`Zendesk ticket ${ticket.id} is closed already and takes no more comments: leave the closing comment empty.`)
  return { ticket: ticketOut(ticket, zendesk.baseUrl) }
}
