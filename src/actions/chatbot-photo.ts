import { readSetup, type Props } from '../connection'
import type { ZendeskApi } from '../zendesk/client'

/**
 * The Start HITL card's chatbot photo becomes the photo of the Zendesk user that authors the bot's comments.
 * A photo is not worth an escalation: a refusal is logged and the session goes on.
 */
export async function showChatbotPhoto(props: Props, zendesk: ZendeskApi, url: string): Promise<void> {
  try {
    const { botUserId } = await readSetup(props)
    await zendesk.updateUser(botUserId, { remote_photo_url: url })
  } catch (thrown) {
    const why = thrown instanceof Error ? thrown.message : String(thrown)
    props.logger.forBot().warn(`The chatbot photo ${url} was not set in Zendesk (${why}); the ticket is open all the same.`)
  }
}
