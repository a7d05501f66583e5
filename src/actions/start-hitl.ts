import { createHash } from 'node:crypto'
import * as sdk from '@botpress/sdk'
import { connect, instanceTag } from '../connection'
import { linkZendeskUser } from '../identity/link'
import { cleanLine, fitSubject } from '../mapping/hygiene'
import { renderTranscript } from '../mapping/transcript'
import { showChatbotPhoto } from './chatbot-photo'
import type { NewTicket } from '../zendesk/client'
import type { ActionOutput, ActionProps, StartHitlInput, TicketEntity } from '../types'

export async function startHitl(props: ActionProps<'startHitl'>): Promise<ActionOutput<'startHitl'>> {
  const { input, client, ctx, logger } = props
  const { zendesk, settings } = connect(props)

  const { user } = await client.getUser({ id: input.userId })
  const requesterZendeskId = user.tags.zendeskUserId
  if (!requesterZendeskId) {
    throw new sdk.RuntimeError(
      `User ${input.userId} is not linked to a Zendesk user: create it with this integration's createUser action first.`
    )
  }
  const session: TicketEntity = input.hitlSession ?? {}
  const requesterId = Number(requesterZendeskId)
  const requesterName = cleanLine(session.requesterName ?? '')
  const requesterEmail = session.requesterEmail?.trim().toLowerCase()
  if (requesterName || requesterEmail) {
    // The card's requester is typed into the bot, like createUser's email: the same policy decides.
    await linkZendeskUser(
      zendesk,
      {
        externalId: user.id,
        name: requesterName || cleanLine(user.name ?? '') || 'Botpress user',
        ...(requesterEmail ? { email: requesterEmail } : {}),
        linkExistingEndUsers: settings.linkExistingEndUsers,
      },
      logger
    )
  }

  // A retry of an attempt that did not finish finds its conversation, and the Idempotency-Key (the conversation id)
  // its ticket. The key is released when the attempt finishes, so an identical request after that (the same linked
  // user escalating again with the same last page of chat) is a new session, never a stopped one revived.
  const requestKey = requestKeyOf(ctx.webhookId, input)
  const { conversation } = await client.getOrCreateConversation({
    channel: 'hitl',
    tags: { requestKey },
    discriminateByTags: ['requestKey'],
  })

  const userName = requesterName || cleanLine(user.name ?? '') || 'User'
  const { ticket } = await zendesk.createTicket(
    {
      ...ticketFields(session),
      subject: fitSubject(cleanLine(input.title ?? '') || `Conversation with ${userName}`),
      comment: {
        html_body: renderTranscript(input.description, input.messageHistory ?? [], {
          user: (id) => (id === user.id ? userName : 'User'),
          bot: session.chatbotName?.trim() || 'Botpress',
        }),
        public: true,
        author_id: requesterId,
      },
      requester_id: requesterId,
      external_id: conversation.id,
      tags: [instanceTag(ctx.webhookId), 'botpress_hitl', ...zendeskTags(session.tags)],
    },
    conversation.id
  )

  await client.updateConversation({
    id: conversation.id,
    tags: { ticketId: String(ticket.id), requesterUserId: user.id, requesterZendeskId, requestKey: '' },
  })
  if (session.chatbotPhotoUrl) await showChatbotPhoto(props, zendesk, session.chatbotPhotoUrl)
  return { conversationId: conversation.id }
}

function requestKeyOf(webhookId: string, input: StartHitlInput): string {
  return createHash('sha256').update(JSON.stringify([webhookId, input])).digest('hex').slice(0, 40)
}

const numericId = (value: string | undefined, field: string): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined
  const n = Number(value.trim())
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new sdk.RuntimeError(`${field} "${value}" is not a Zendesk ID: type the number Zendesk shows for it.`)
  }
  return n
}

function ticketFields(session: TicketEntity): Omit<NewTicket, 'subject' | 'comment' | 'requester_id' | 'external_id' | 'tags'> {
  const groupId = numericId(session.groupId, 'Group ID')
  const formId = numericId(session.ticketFormId, 'Ticket form ID')
  return {
    ...(session.priority ? { priority: session.priority } : {}),
    ...(session.type ? { type: session.type } : {}),
    ...(groupId ? { group_id: groupId } : {}),
    ...(formId ? { ticket_form_id: formId } : {}),
    ...(session.customFields?.length
      ? { custom_fields: session.customFields.map((f) => ({ id: numericId(f.id, 'Custom field ID')!, value: f.value })) }
      : {}),
  }
}

/** Zendesk tags are lowercase words; spaces would split one tag into several. */
export const zendeskTags = (tags: string[] = []) =>
  tags.map((t) => cleanLine(t).toLowerCase().replace(/\s+/g, '_')).filter(Boolean)
