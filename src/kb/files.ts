// One Help Center article translation = one file of the bot's knowledge base. The Botpress knowledge base finds
// its files by the tags `source: knowledge-base` and `kbId` (as Botpress's own file synchronizer tags them);
// the `zendesk*` tags let a bot builder, and the next sync, find an article's file.
import * as sdk from '@botpress/sdk'
import { isNotFound } from '../connection'
import type { HelpCenterArticle } from '../zendesk/help-center'
import type { Client } from '../types'
import { articleDocument } from './markdown'

export type ArticleFile = { id: string; key: string; articleId: string; locale: string; updatedAt: string; complete: boolean }

/** Marks the files this integration owns in a knowledge base: a sync never touches another file. */
const OWNER_TAG = { zendeskHelpCenter: 'article' }

/** Deterministic, so two syncs at once upsert the same file rather than make two. */
export const articleFileKey = (kbId: string, locale: string, articleId: number | string) =>
  `zendesk-help-center/${kbId}/${locale}/${articleId}.md`

export async function listArticleFiles(client: Client, kbId: string, filter: Record<string, string> = {}): Promise<ArticleFile[]> {
  const files: ArticleFile[] = []
  let nextToken: string | undefined
  do {
    const page = await client.listFiles({ tags: { kbId, ...OWNER_TAG, ...filter }, nextToken }).catch((thrown: unknown) => {
      throw new sdk.RuntimeError(
        `Botpress did not list the files of knowledge base ${kbId}: ${reasonOf(thrown)}. Nothing was changed. Run "Sync Knowledge Base" again.`
      )
    })
    for (const f of page.files) {
      files.push({
        id: f.id,
        key: f.key,
        articleId: f.tags.zendeskArticleId ?? '',
        locale: f.tags.zendeskLocale ?? '',
        updatedAt: f.tags.zendeskUpdatedAt ?? '',
        // A file whose upload never finished holds no content yet: the next sync uploads it again.
        complete: f.status !== 'upload_pending' && f.status !== 'upload_failed',
      })
    }
    nextToken = page.meta.nextToken
  } while (nextToken)
  return files
}

/** An article whose HTML cannot become markdown (nested past what the converter can walk): left out, not fatal. */
export class UnconvertibleArticle extends Error {
  constructor(readonly article: HelpCenterArticle, reason: string) {
    super(`Help Center article ${article.id} (${article.locale}) "${article.title}" could not be converted to markdown: ${reason}`)
  }
}

export const describeArticle = (a: HelpCenterArticle) => `article ${a.id} (${a.locale}) "${a.title}"`

export async function upsertArticleFile(client: Client, kbId: string, article: HelpCenterArticle): Promise<void> {
  let content: string
  try {
    content = articleDocument({ title: article.title, body: article.body ?? '', html_url: article.html_url })
  } catch (thrown) {
    throw new UnconvertibleArticle(article, thrown instanceof Error ? thrown.message : String(thrown))
  }
  try {
    await uploadArticle(client, kbId, article, content)
  } catch (thrown) {
    throw new sdk.RuntimeError(
      `Botpress did not store the file of Help Center article ${article.id} (${article.locale}) in knowledge base ${kbId}: ${reasonOf(thrown)}. Run "Sync Knowledge Base" again: it picks up where this run stopped.`
    )
  }
}

async function uploadArticle(client: Client, kbId: string, article: HelpCenterArticle, content: string): Promise<void> {
  await client.uploadFile({
    key: articleFileKey(kbId, article.locale, article.id),
    content,
    contentType: 'text/markdown',
    index: true,
    tags: {
      source: 'knowledge-base',
      kbId,
      title: article.title.slice(0, 500),
      modalities: '["text"]',
      ...OWNER_TAG,
      zendeskArticleId: String(article.id),
      zendeskLocale: article.locale,
      zendeskUpdatedAt: article.updated_at,
    },
  })
}

export async function deleteArticleFile(client: Client, kbId: string, file: ArticleFile): Promise<void> {
  try {
    await client.deleteFile({ id: file.id })
  } catch (thrown) {
    // Another sync running at the same time removed it first: what was asked is done.
    if (isNotFound(thrown)) return
    throw new sdk.RuntimeError(
      `Botpress did not remove the file of Help Center article ${file.articleId} (${file.locale}) from knowledge base ${kbId}: ${reasonOf(thrown)}. Run "Sync Knowledge Base" again: it removes what this run left.`
    )
  }
}

const reasonOf = (thrown: unknown) => (thrown instanceof Error ? thrown.message : String(thrown))

/**
 * An article the knowledge base should hold: published, with a body, and readable by everyone. An article
 * restricted to a user segment (agents only, signed-in users) would otherwise reach any user of the bot.
 */
export const belongsInKb = (a: HelpCenterArticle) => !a.draft && Boolean(a.body?.trim()) && (a.user_segment_id ?? null) === null
