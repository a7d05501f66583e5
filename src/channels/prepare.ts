// What a Botpress message of the HITL conversation becomes on the ticket: its author (the end user, or the bot for
// a plugin notice), its text, and its media uploaded as attachments. The same for a message sent at once and for a
// held one sent later (src/limits/outbox.ts): a held message is kept as Botpress has it, and prepared when it goes.
import type * as sdk from '@botpress/sdk'
import type { Settings } from '../config'
import type { Prepared } from '../limits/outbox'
import { cleanText, MAX_COMMENT_CHARS } from '../mapping/hygiene'
import { fileNameOf, outboundParts, type OutboundFile } from '../mapping/outbound'
import { isLoopbackUrl } from '../media/address-policy'
import { fetchMedia, RefusedMedia, type MediaLimits } from '../media/fetch'
import type { ZendeskApi } from '../zendesk/client'
import type { Client } from '../types'

/** Zendesk's attachment limit. */
const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
// One budget per message, across all its files: Botpress gives the invocation 60 s, and the words must reach the
// ticket within it whatever the files do (a server dripping a byte a second, a bloc of a hundred images). A retry
// would download them all again. Past the budget, the files are links in the comment.
const MESSAGE_DOWNLOAD_MS = 15_000
const MAX_FILES_PER_MESSAGE = 10
const MAX_MESSAGE_BYTES = 50 * 1024 * 1024

export type Conversation = { id: string; tags: Record<string, string | undefined> }
export type BotpressMessage = { id: string; type: string; payload: unknown }
export type PrepareContext = {
  client: Client
  logger: sdk.IntegrationLogger
  zendesk: ZendeskApi
  settings: Settings
  conversation: Conversation
}

export type Author = { notice: false; id: number } | { notice: true }

/** The plugin relays the user's words with their Botpress user id; its own notices carry none. */
export async function authorOf({ client, conversation }: Pick<PrepareContext, 'client' | 'conversation'>, payload: unknown): Promise<Author> {
  const userId = (payload as { userId?: string } | undefined)?.userId
  if (userId && userId === conversation.tags.requesterUserId && conversation.tags.requesterZendeskId) {
    return { id: Number(conversation.tags.requesterZendeskId), notice: false }
  }
  if (userId) {
    const { user } = await client.getUser({ id: userId })
    if (user.tags.zendeskUserId) return { id: Number(user.tags.zendeskUserId), notice: false }
  }
  return { notice: true }
}

/** The message's comment: its words, its files uploaded (or linked when they cannot be), within the limits above. */
export async function prepare(context: PrepareContext, message: BotpressMessage, known?: Author): Promise<Prepared> {
  const { zendesk, settings, logger } = context
  const author = known ?? (await authorOf(context, message.payload))
  const parts = outboundParts(message.type as never, message.payload as never)
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
  return {
    id: message.id,
    sender: author.notice ? 'notice' : 'user',
    authorId: author.notice ? 0 : author.id,
    text: fitComment(cleanText(lines.join('\n\n')).trim() || '(empty message)'),
    uploads,
  }
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
