// The full sync: every published article of the chosen locales becomes (or stays) a file; files of articles no
// longer published go. Safe to re-run and to run twice at once: keys are deterministic and every write is an upsert.
import { connect, type Props } from '../connection'
import { HelpCenter } from '../zendesk/help-center'
import { articleFileKey, belongsInKb, deleteArticleFile, describeArticle, listArticleFiles, UnconvertibleArticle, upsertArticleFile } from './files'

export type SyncCounts = { added: number; updated: number; removed: number; unchanged: number; failed: string[] }

export async function syncKnowledgeBase(props: Props, kbId: string, chosenLocales: string[]): Promise<SyncCounts> {
  const { client, logger } = props
  const helpCenter = new HelpCenter(connect(props).zendesk)
  const locales = chosenLocales.length > 0 ? chosenLocales : await helpCenter.locales()
  const existing = new Map((await listArticleFiles(client, kbId)).map((f) => [f.key, f]))
  const counts: SyncCounts = { added: 0, updated: 0, removed: 0, unchanged: 0, failed: [] }
  const kept = new Set<string>()

  for (const locale of locales) {
    for await (const article of helpCenter.articles(locale)) {
      if (!belongsInKb(article)) continue
      const key = articleFileKey(kbId, article.locale, article.id)
      kept.add(key)
      const file = existing.get(key)
      if (file?.complete && file.updatedAt === article.updated_at) {
        counts.unchanged++
        continue
      }
      try {
        await upsertArticleFile(client, kbId, article)
      } catch (thrown) {
        // One article the converter cannot walk must not stop every later sync: its previous file, if any, stays.
        if (!(thrown instanceof UnconvertibleArticle)) throw thrown
        logger.forBot().warn(`${thrown.message}. It is left out of knowledge base ${kbId}; simplify its HTML and sync again.`)
        counts.failed.push(describeArticle(article))
        continue
      }
      if (file) counts.updated++
      else counts.added++
    }
  }
  for (const [key, file] of existing) {
    if (kept.has(key)) continue
    // The listing may be minutes old: an article published again since (its live event may already have stored
    // it) keeps its file.
    const now = await helpCenter.article(file.locale, Number(file.articleId))
    if (now && belongsInKb(now) && locales.includes(now.locale)) continue
    await deleteArticleFile(client, kbId, file)
    counts.removed++
  }
  logger.forBot().info(
    `Knowledge base ${kbId} synced from the Help Center (${locales.join(', ')}): ${counts.added} added, ${counts.updated} updated, ${counts.removed} removed, ${counts.unchanged} unchanged${counts.failed.length ? `, ${counts.failed.length} left out (${counts.failed.join(', ')})` : ''}.`
  )
  return counts
}
