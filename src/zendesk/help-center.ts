// Zendesk's Help Center API, the part the knowledge base sync reads:
// https://developer.zendesk.com/api-reference/help_center/help-center-api/articles/ and /locales/.
import { z } from 'zod'
import type { ZendeskApi } from './client'
import { ZendeskError } from './errors'

export const helpCenterArticle = z.object({
  id: z.number(),
  title: z.string(),
  body: z.string().nullable(),
  locale: z.string(),
  draft: z.boolean(),
  updated_at: z.string(),
  html_url: z.string().optional(),
  section_id: z.number().nullable().optional(),
  /** null: everyone may read it; otherwise only a user segment (signed-in users, agents) may. */
  user_segment_id: z.number().nullable().optional(),
})
export type HelpCenterArticle = z.infer<typeof helpCenterArticle>

const articlesPage = z.object({
  articles: z.array(helpCenterArticle),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }),
})
const localesBody = z.object({ locales: z.array(z.string()), default_locale: z.string().optional() })
const articleBody = z.object({ article: helpCenterArticle })

/** The largest page Zendesk's cursor pagination serves. */
const PAGE_SIZE = 100
/** A locale is a short tag such as `en-us` or `pt-br`: anything else never reaches a URL. */
const LOCALE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i

const read = <S extends z.ZodTypeAny>(schema: S, body: unknown, operation: string): z.output<S> => {
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ZendeskError({ operation, error: 'UnexpectedResponse', description: `${issue?.path.join('.')}: ${issue?.message}` })
  }
  return parsed.data
}

export function checkLocale(locale: string): string {
  if (!LOCALE.test(locale)) throw new ZendeskError({ operation: 'read Help Center', error: 'InvalidLocale', description: `"${locale}" is not a locale such as "en-us"` })
  return locale.toLowerCase()
}

export class HelpCenter {
  public constructor(private readonly zendesk: ZendeskApi) {}

  /** Every locale the Help Center is offered in. */
  public async locales(): Promise<string[]> {
    const operation = 'list Help Center locales'
    return read(localesBody, await this.zendesk.getJson('/api/v2/help_center/locales', operation), operation).locales
  }

  /** Every article of one locale (drafts included: the caller decides), page after page by cursor. */
  public async *articles(locale: string): AsyncGenerator<HelpCenterArticle> {
    const operation = `list Help Center articles (${locale})`
    let after: string | undefined
    for (;;) {
      const query = new URLSearchParams({ 'page[size]': String(PAGE_SIZE), ...(after && { 'page[after]': after }) })
      const body = await this.zendesk.getJson(`/api/v2/help_center/${encodeURIComponent(checkLocale(locale))}/articles?${query}`, operation)
      const page = read(articlesPage, body, operation)
      yield* page.articles
      if (!page.meta.has_more || !page.meta.after_cursor) return
      // A cursor served twice would page forever: the listing stops with an error instead.
      if (page.meta.after_cursor === after) {
        throw new ZendeskError({ operation, error: 'UnexpectedResponse', description: 'Zendesk answered the same page cursor twice' })
      }
      after = page.meta.after_cursor
    }
  }

  /** One article in one locale; undefined when Zendesk no longer has it (deleted, or never translated). */
  public async article(locale: string, id: number): Promise<HelpCenterArticle | undefined> {
    const operation = `show Help Center article ${id} (${locale})`
    try {
      const body = await this.zendesk.getJson(`/api/v2/help_center/${encodeURIComponent(checkLocale(locale))}/articles/${id}`, operation)
      return read(articleBody, body, operation).article
    } catch (thrown) {
      if (thrown instanceof ZendeskError && thrown.status === 404) return undefined
      throw thrown
    }
  }
}
