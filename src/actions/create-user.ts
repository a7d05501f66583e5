import * as sdk from '@botpress/sdk'
import { connect } from '../connection'
import { linkZendeskUser } from '../identity/link'
import { cleanLine } from '../mapping/hygiene'
import type { ActionOutput, ActionProps } from '../types'

// The hitl plugin passes this address when the channel knows no email; Zendesk must not try to write to it.
const PLUGIN_FALLBACK_EMAIL = /@no-reply\.[^@]+\.botpress\.com$/i
// Zendesk refuses a remote_photo_url longer than this once encoded.
const MAX_PHOTO_URL = 255

export async function createUser(props: ActionProps<'createUser'>): Promise<ActionOutput<'createUser'>> {
  const { input, client, logger } = props
  const { zendesk, settings } = connect(props)
  const name = cleanLine(input.name ?? '') || 'Botpress user'
  const typed = input.email?.trim().toLowerCase() || undefined
  const email = typed && !PLUGIN_FALLBACK_EMAIL.test(typed) ? typed : undefined
  const pictureUrl = usablePicture(input.pictureUrl, logger)

  // One Botpress user per email only when the bot verifies emails: keyed by an address anyone can type, the next
  // person to type it would get the first one's Botpress user and its Zendesk end user, tickets and all.
  const { user } =
    email && settings.linkExistingEndUsers
      ? await client.getOrCreateUser({ name, pictureUrl, tags: { email }, discriminateByTags: ['email'] })
      : await client.createUser({ name, pictureUrl, tags: {} })

  const zendeskUserId = String(
    await linkZendeskUser(
      zendesk,
      {
        externalId: user.id,
        name,
        ...(email ? { email } : {}),
        ...(pictureUrl ? { pictureUrl } : {}),
        linkExistingEndUsers: settings.linkExistingEndUsers,
      },
      logger
    )
  )
  if (user.tags.zendeskUserId !== zendeskUserId || user.name !== name || (pictureUrl && user.pictureUrl !== pictureUrl)) {
    await client.updateUser({ id: user.id, name, pictureUrl, tags: { zendeskUserId } })
  }
  return { userId: user.id }
}

function usablePicture(url: string | undefined, logger: sdk.IntegrationLogger): string | undefined {
  const trimmed = url?.trim()
  if (!trimmed) return undefined
  if (!/^https?:\/\//i.test(trimmed) || encodedLength(trimmed) > MAX_PHOTO_URL) {
    logger.forBot().warn(`The user's picture URL is not a web address Zendesk accepts (http(s), at most ${MAX_PHOTO_URL} characters); the user is created without a picture.`)
    return undefined
  }
  return trimmed
}

function encodedLength(url: string): number {
  try {
    return encodeURI(url).length
  } catch {
    return Infinity
  }
}
