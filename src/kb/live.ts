// Live updates: a Zendesk webhook subscribed to Help Center article events (not a trigger: triggers only see
// tickets) keeps the knowledge base in step between syncs. Payloads as Zendesk documents them:
// https://developer.zendesk.com/api-reference/webhooks/event-types/article-events/
import * as sdk from '@botpress/sdk'
import { z } from 'zod'
import { connect, instanceTag, stateOrNone, type Props } from '../connection'
import { TRIGGER_TITLE_PREFIX } from '../setup/triggers'
import { verify } from '../webhook/verify'
import { HelpCenter, type HelpCenterArticle } from '../zendesk/help-center'
import type { WebhookProps } from '../types'
import { belongsInKb, deleteArticleFile, listArticleFiles, UnconvertibleArticle, upsertArticleFile } from './files'
import { readKbSettings } from './settings'

export const ARTICLE_EVENT_PATH = '/article-event'
const PUBLISHED = 'zen:event-type:article.published'
const UNPUBLISHED = 'zen:event-type:article.unpublished'
/** Zendesk's article events are well under a kilobyte. */
const MAX_BODY_BYTES = 16 * 1024

type HelpCenterSetup = { webhookId: string; signingSecret: string }

const webhookName = (props: Pick<Props, 'ctx'>) => `${TRIGGER_TITLE_PREFIX} ${instanceTag(props.ctx.webhookId)} articles`

const articleEvent = z.object({
  type: z.enum([PUBLISHED, UNPUBLISHED]),
  detail: z.object({ id: z.string().regex(/^\d{1,19}$/, 'not an article id') }),
  event: z.object({ locale: z.string().max(20).optional(), title: z.string().max(1000).optional() }).passthrough().default({}),
})

const reply = (status: number, message: string): sdk.Response => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
})

async function readHelpCenterSetup({ client, ctx }: Pick<Props, 'client' | 'ctx'>): Promise<HelpCenterSetup | undefined> {
  return stateOrNone(() => client.getState({ type: 'integration', name: 'helpCenter', id: ctx.integrationId }))
}

/** Called by register: subscribes to article events when the sync is on, and unsubscribes when it is off. */
export async function setUpArticleEvents(props: Props, webhookUrl: string): Promise<void> {
  const { zendesk } = connect(props)
  const stale = await zendesk.listWebhooks(webhookName(props))
  if (readKbSettings(props.ctx).enabled) {
    const webhook = await zendesk.createWebhook({
      name: webhookName(props),
      endpoint: `${webhookUrl}${ARTICLE_EVENT_PATH}`,
      description: `Keeps the knowledge base of the Botpress bot ${props.ctx.botId} in step with the Help Center`,
      subscriptions: [PUBLISHED, UNPUBLISHED],
    })
    const signingSecret = await zendesk.signingSecret(webhook.id)
    await props.client.setState({ type: 'integration', name: 'helpCenter', id: props.ctx.integrationId, payload: { webhookId: webhook.id, signingSecret } })
  }
  for (const w of stale) await zendesk.deleteWebhook(w.id)
}

/** Called by unregister. */
export async function removeArticleEvents(props: Props): Promise<void> {
  const { zendesk } = connect(props)
  const known = await readHelpCenterSetup(props).catch(() => undefined)
  const ids = new Set([...(await zendesk.listWebhooks(webhookName(props))).map((w) => w.id), ...(known ? [known.webhookId] : [])])
  for (const id of ids) await zendesk.deleteWebhook(id)
}

/** The webhook handler's route for article events: verified with the article webhook's own signing secret. */
export async function handleArticleEvent(props: WebhookProps): Promise<sdk.Response> {
  const { req, logger } = props
  if (req.method.toUpperCase() !== 'POST') return reply(405, 'Zendesk webhooks are POST requests')
  const raw = req.body ?? ''
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) return reply(413, 'the body is larger than any article event')
  const setup = await readHelpCenterSetup(props)
  if (!setup) return reply(401, 'refused: no article event subscription is set up')
  const verdict = verify(raw, req.headers, setup.signingSecret)
  if (!verdict.ok) {
    logger.forBot().warn(`Refused an article event: ${verdict.reason}.`)
    return reply(401, `refused: ${verdict.reason}`)
  }
  let parsed
  try {
    parsed = articleEvent.safeParse(JSON.parse(raw))
  } catch {
    return reply(400, 'refused: the body is not JSON')
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return reply(400, `refused: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
  }
  await applyArticleEvent(props, parsed.data)
  return reply(200, 'ok')
}

type ArticleEvent = z.infer<typeof articleEvent>

/**
 * The file follows the article as Zendesk has it now, not as the event says: events may arrive late, twice or out
 * of order, and a republished article's stale "unpublished" must not remove it.
 */
async function applyArticleEvent(props: WebhookProps, event: ArticleEvent): Promise<void> {
  const { client } = props
  const articleId = Number(event.detail.id)
  const settings = readKbSettings(props.ctx)
  const kbId = settings.enabled ? settings.knowledgeBaseId : undefined
  const helpCenter = new HelpCenter(connect(props).zendesk)
  const chosen = (locale: string) => settings.locales.length === 0 || settings.locales.includes(locale)

  let current: HelpCenterArticle | undefined
  if (event.event.locale) current = await helpCenter.article(event.event.locale, articleId)
  const inKb = current !== undefined && belongsInKb(current) && chosen(current.locale)
  if (kbId) {
    if (current && inKb) {
      try {
        await upsertArticleFile(client, kbId, current)
      } catch (thrown) {
        // Zendesk retrying would fail the same way: the event is answered and the article named in the log.
        if (!(thrown instanceof UnconvertibleArticle)) throw thrown
        props.logger.forBot().warn(`${thrown.message}. It is left out of knowledge base ${kbId}; simplify its HTML.`)
      }
    } else {
      const files = await listArticleFiles(client, kbId, {
        zendeskArticleId: String(articleId),
        ...(event.event.locale && { zendeskLocale: event.event.locale.toLowerCase() }),
      })
      for (const file of files) {
        const still = file.locale === current?.locale ? current : await helpCenter.article(file.locale, articleId)
        if (!still || !belongsInKb(still)) await deleteArticleFile(client, kbId, file)
      }
    }
  }
  if (event.type === PUBLISHED) {
    // Only for an article the knowledge base holds: an agents-only article's or a draft's title is not for the bot.
    if (current && inKb) {
      await client.createEvent({ type: 'articlePublished', payload: { articleId: event.detail.id, articleTitle: current.title, locale: current.locale } })
    }
  } else {
    await client.createEvent({ type: 'articleUnpublished', payload: { articleId: event.detail.id, ...(event.event.locale && { locale: event.event.locale }) } })
  }
}
