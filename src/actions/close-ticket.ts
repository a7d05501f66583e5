import * as sdk from '@botpress/sdk'
import { connect, readSetup } from '../connection'
import { ticketOut } from '../mapping/records'
import type { ActionOutput, ActionProps } from '../types'
import { noTicket, orMissing } from './missing'

export async function closeTicket(props: ActionProps<'closeTicket'>): Promise<ActionOutput<'closeTicket'>> {
  const { input } = props
  const { zendesk } = connect(props)
  const id = Number(input.ticketId)
  const comment = input.comment?.trim()
  const current = await orMissing(() => zendesk.readTicket(id), noTicket(id))
  if (current.status === 'closed') {
    // Closing is done already; a comment, though, would be lost, and Zendesk accepts none on a closed ticket.
    if (comment) throw new sdk.RuntimeError(`Zendesk ticket ${id} is closed already and takes no more comments: leave the closing comment empty.`)
    return { ticket: ticketOut(current, zendesk.baseUrl) }
  }
  const author = comment ? (await readSetup(props)).botUserId : undefined
  const ticket = await orMissing(
    () => zendesk.changeTicket(id, { status: 'closed', ...(comment ? { comment: { body: comment, public: true, author_id: author } } : {}) }),
    noTicket(id)
  )
  return { ticket: ticketOut(ticket, zendesk.baseUrl) }
}
