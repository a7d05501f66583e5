// A message in the HITL conversation becomes one comment on the ticket: public, authored by the end user, or an
// internal note for the plugin's notices; media become attachments.
import * as sdk from '@botpress/sdk'
import { connect } from '../connection'
import { isDelivered, sendOrHold } from '../limits/outbox'
import { cleanText, MAX_COMMENT_CHARS } from '../mapping/hygiene'
import { fileNameOf, outboundParts, type OutboundFile } from '../mapping/outbound'
import { isLoopbackUrl } from '../media/address-policy'
import { fetchMedia, RefusedMedia, type MediaLimits } from '../media/fetch'
import { announceHeldAssignment } from '../webhook/held-assignment'
import type { NewComment, ZendeskApi } from '../zendesk/client'
import { commentOnEndedTicket } from './ended-ticket'
import type { HitlMessageProps, HitlMessageType, IntegrationProps } from '../types'

/** Zendesk's attachment limit. */
const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
// One budget per message, across all its files: Botpress gives the invocation 60 s, and the words must reach the
// ticket within it whatever the files do (a server dripping a byte a second, a bloc of a hundred images). A retry
// would download them all again. Past the budget, the files are links in the comment.
const MESSAGE_DOWNLOAD_MS = 15_000
const MAX_FILES_PER_MESSAGE = 10
const MAX_MESSAGE_BYTES = 50 * 1024 * 1024

async function sendToTicket(props: HitlMessageProps): Promise<void> {
  const { conversation, message, payload, type, logger } = props
  // Botpress may deliver a message again after a lost answer: once delivered, it is on the ticket already.
  if (isDelivered(conversation, message.id)) return
  const { zendesk, settings } = connect(props)
  const ticketId = Number(conversation.tags.ticketId)
  if (!ticketId) {
    throw new sdk.RuntimeError(`Conversation ${conversation.id} has no Zendesk ticket: start it with the startHitl action.`)
  }

  const author = await authorOf(props)
  const parts = outboundParts(type, payload as never)
  const lines = [...parts.lines]
  const uploads: string[] = []
  const deadline = Date.now() + MESSAGE_DOWNLOAD_MS
  let bytesLeft = MAX_MESSAGE_BYTES
  let skipped = 0
  for (const [index, file] of parts.files.entries()) {
    const timeLeft = deadline - Date.now()
    const within = index < MAX_FILES_PER_MESSAGE && timeLeft > 0 && bytesLeft > 0
    if (!within) skipped++
    const uploaded = within
      ? await attach(zendesk, file, logger, { allowLoopback: isLoopbackUrl(settings.baseUrl), timeoutMs: timeLeft, maxBytes: Math.min(MAX_ATTACHMENT_BYTES, bytesLeft) })
      : { name: fileNameOf(file), token: undefined, bytes: 0 }
    bytesLeft -= uploaded.bytes
    if (uploaded.token) uploads.push(uploaded.token)
    else lines.push(`${uploaded.name}: ${file.url}`)
    if (uploaded.token && !parts.lines.length) lines.push(uploaded.name)
  }
  if (skipped) {
    logger.forBot().warn(
      `${skipped} of the message's ${parts.files.length} files were not downloaded: a message gets at most ${MAX_FILES_PER_MESSAGE} files, ${MESSAGE_DOWNLOAD_MS / 1000} s of downloading and ${MAX_MESSAGE_BYTES / 1024 / 1024} MB; the comment links to them instead.`
    )
  }
  const send = async (comment: NewComment, fields?: Record<string, unknown>) => {
    try {
      return (await zendesk.addComment(ticketId, comment, fields)).commentId
    } catch (thrown) {
      return commentOnEndedTicket(props, zendesk, ticketId, comment, thrown)
    }
  }
  // Zendesk's ticket update limits may hold the message back for a while: see src/limits/outbox.ts.
  await sendOrHold(
    { ...props, zendesk, ticketId, send },
    {
      id: message.id,
      sender: author.notice ? 'notice' : 'user',
      authorId: author.notice ? 0 : author.id,
      text: fitComment(cleanText(lines.join('\n\n')).trim() || '(empty message)'),
      uploads,
    }
  )
  // The plugin relays a user's words only while its session is active: the moment to announce a held agent. The
  // user's words are on the ticket already; a failure here leaves the agent held for the next message.
  if (!author.notice) {
    await announceHeldAssignment(props.client, zendesk, conversation).catch((thrown: unknown) => {
      logger.forBot().warn(`The agent assigned before the session started is not announced yet: ${thrown instanceof Error ? thrown.message : String(thrown)}`)
    })
  }
}

type Author = { notice: false; id: number } | { notice: true }

async function authorOf({ payload, conversation, client }: HitlMessageProps): Promise<Author> {
  const userId = (payload as { userId?: string }).userId
  if (userId && userId === conversation.tags.requesterUserId && conversation.tags.requesterZendeskId) {
    return { id: Number(conversation.tags.requesterZendeskId), notice: false }
  }
  if (userId) {
    const { user } = await client.getUser({ id: userId })
    if (user.tags.zendeskUserId) return { id: Number(user.tags.zendeskUserId), notice: false }
  }
  return { notice: true }
}

async function attach(zendesk: ZendeskApi, file: OutboundFile, logger: sdk.IntegrationLogger, limits: MediaLimits) {
  let name = fileNameOf(file)
  try {
    const media = await fetchMedia(file.url, limits)
    const contentType = media.contentType || 'application/octet-stream'
    name = fileNameOf(file, contentType)
    return { name, token: await zendesk.upload({ data: media.data, fileName: name, contentType }), bytes: media.data.length }
  } catch (thrown) {
    const why = thrown instanceof Error ? thrown.message : String(thrown)
    if (thrown instanceof RefusedMedia) {
      logger.forBot().warn(`"${name}" was not downloaded: its address is not allowed (${why}); the comment links to it instead.`)
    } else {
      logger.forBot().warn(`"${name}" could not be attached to the ticket (${why}); the comment links to it instead.`)
    }
    return { name, token: undefined, bytes: 0 }
  }
}

/** Cuts a text Zendesk would refuse, and says so in the comment. */
export function fitComment(text: string, max = MAX_COMMENT_CHARS): string {
  if (text.length <= max) return text
  const note = `\n\n[message cut: ${text.length - max} more characters]`
  // Never half of a surrogate pair before the note.
  return text.slice(0, max - note.length).replace(/[\ud800-\udbff]$/, '') + note
}

const handlers = Object.fromEntries(
  (['text', 'image', 'audio', 'video', 'file', 'bloc'] as const satisfies readonly HitlMessageType[]).map((type) => [
    type,
    (props: HitlMessageProps) => sendToTicket(props),
  ])
) as unknown as IntegrationProps['channels']['hitl']['messages']

export const hitl = { messages: handlers }
