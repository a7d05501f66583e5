// register: check the credentials, then (re)create this instance's webhook, signing secret, bot user and
// triggers. Running it again replaces them; unregister removes them.
import * as sdk from '@botpress/sdk'
import { API_TOKEN_CUTOFF, CredentialStore } from '../auth/credentials'
import { connect, instanceTag, readSetup, writeSetup, type Props } from '../connection'
import type { ZendeskApi } from '../zendesk/client'
import { removeArticleEvents, setUpArticleEvents } from '../kb/live'
import { ZendeskError } from '../zendesk/errors'
import type { RegisterProps, UnregisterProps } from '../types'
import { TRIGGER_TITLE_PREFIX, triggerSpecs } from './triggers'

const webhookName = (tag: string) => `${TRIGGER_TITLE_PREFIX} ${tag}`

export async function register(props: RegisterProps): Promise<void> {
  const { logger } = props
  const { settings } = connect(props)
  if (settings.credential.kind === 'oauth-connection' && !(await new CredentialStore(props).read())) {
    // Nothing to set up before the admin approves; the OAuth callback sets up Zendesk then.
    logger.forBot().info('Click "Connect with Zendesk" in the configuration to finish connecting the integration.')
    return
  }
  await setUpZendesk(props, props.webhookUrl)
}

/** Creates this instance's webhook, signing secret, bot user and triggers, replacing any earlier ones. */
export async function setUpZendesk(props: Props, webhookUrl: string): Promise<void> {
  const { ctx, logger } = props
  const { settings, zendesk } = connect(props)
  await checkAdmin(zendesk)
  // Said once the credential works, so a bot builder whose Zendesk is unreachable reads one message, not two.
  if (settings.credential.kind === 'api-token') {
    logger.forBot().warn(
      `Connected with a Zendesk API token: Zendesk turns every API token off on ${API_TOKEN_CUTOFF}. Switch to an OAuth client before then.`
    )
  }

  const tag = instanceTag(ctx.webhookId)
  const stale = await zendesk.listWebhooks(webhookName(tag))
  const staleTriggers = (await zendesk.listTriggers()).filter((t) => t.title.startsWith(`${TRIGGER_TITLE_PREFIX} ${tag} `))

  const webhook = await zendesk.createWebhook({
    name: webhookName(tag),
    endpoint: webhookUrl,
    description: `Relays Zendesk ticket updates to the Botpress bot ${ctx.botId}`,
  })
  const signingSecret = await zendesk.signingSecret(webhook.id)
  const bot = await zendesk.createOrUpdateUser({
    name: 'Botpress',
    external_id: `botpress-bot-${ctx.botId}`,
    role: 'end-user',
    verified: true,
  })
  const triggerIds: number[] = []
  for (const spec of triggerSpecs(tag, webhook.id)) triggerIds.push((await zendesk.createTrigger(spec)).id)
  await writeSetup(props, { webhookId: webhook.id, signingSecret, triggerIds, botUserId: bot.id, instanceTag: tag })

  // Removed only once the new ones work, so a failed register leaves the old setup running.
  for (const t of staleTriggers) await zendesk.deleteTrigger(t.id)
  for (const w of stale.filter((w) => w.id !== webhook.id)) await zendesk.deleteWebhook(w.id)
  await setUpArticleEvents(props, webhookUrl)
}

async function checkAdmin(zendesk: ZendeskApi): Promise<void> {
  let me
  try {
    me = await zendesk.me()
  } catch (thrown) {
    if (thrown instanceof ZendeskError && thrown.status === 401) throw refused(zendesk, `${thrown.failure.operation}: Zendesk answered ${thrown.answer}`)
    throw thrown
  }
  // users/me answers an anonymous user (id null) rather than 401 for credentials Zendesk does not recognise.
  if (!me.id || !me.role) throw refused(zendesk, 'read the connected user: Zendesk answered with an anonymous user')
  if (me.role !== 'admin') {
    throw new sdk.RuntimeError(
      `The connected Zendesk user (${me.email ?? me.name}) is not an admin, so webhooks and triggers cannot be created: connect a Zendesk admin.`
    )
  }
}

const refused = (zendesk: ZendeskApi, answer: string) =>
  new sdk.RuntimeError(`Zendesk at ${zendesk.baseUrl} did not accept the credentials (${answer}): check them, or reconnect.`)

export async function unregister(props: UnregisterProps): Promise<void> {
  const { zendesk } = connect(props)
  const tag = instanceTag(props.ctx.webhookId)
  const setup = await readSetup(props as Props).catch(() => undefined)
  const triggers = (await zendesk.listTriggers()).filter(
    (t) => setup?.triggerIds.includes(t.id) || t.title.startsWith(`${TRIGGER_TITLE_PREFIX} ${tag} `)
  )
  for (const t of triggers) await zendesk.deleteTrigger(t.id)
  const webhooks = await zendesk.listWebhooks(webhookName(tag))
  for (const id of new Set([...webhooks.map((w) => w.id), ...(setup ? [setup.webhookId] : [])])) await zendesk.deleteWebhook(id)
  await removeArticleEvents(props as Props)
}
