// Zendesk Guide's Help Center: locales, sections and articles with their translations, the read endpoints of the
// Help Center API, and the article events Zendesk sends to webhooks subscribed to them. Zendesk publishes no
// OpenAPI document for the Help Center API, so each endpoint's response is checked against the schema its
// reference page gives (cited per route):
//   https://developer.zendesk.com/api-reference/help_center/help-center-api/help_center_locales/
//   https://developer.zendesk.com/api-reference/help_center/help-center-api/sections/
//   https://developer.zendesk.com/api-reference/help_center/help-center-api/articles/
//   https://developer.zendesk.com/api-reference/introduction/pagination/ (cursor: page[size] ≤ 100, page[after])
//   https://developer.zendesk.com/api-reference/webhooks/event-types/article-events/
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { WebhookDispatcher } from './delivery.js'
import { badRequest, recordNotFound } from './errors.js'
import { json, type ApiRequest, type Route } from './http.js'
import type { EmulatorState } from './state.js'

interface Translation {
  title: string
  body: string
  draft: boolean
  created_at: string
  updated_at: string
}

interface StoredArticle {
  id: number
  section_id: number
  author_id: number
  source_locale: string
  label_names: string[]
  user_segment_id: number | null
  translations: Map<string, Translation>
}

interface Section {
  id: number
  name: string
  category_id: number
  locale: string
  created_at: string
  updated_at: string
}

export interface HelpCenterConsole {
  /** The Help Center's locales; the first is its default. */
  setLocales(locales: string[]): void
  addSection(p: { name: string }): { id: number }
  /** Creates or changes an article's translation and publishes it: Zendesk sends article.published. */
  publishArticle(p: { id?: number; sectionId: number; locale: string; title: string; body: string; userSegmentId?: number }): { id: number }
  /** Unpublishes one translation (it becomes a draft): Zendesk sends article.unpublished. */
  unpublishArticle(id: number, locale: string): void
  /** Archives the article, every translation: it leaves the API, and Zendesk sends article.unpublished. */
  archiveArticle(id: number): void
  articles: Map<number, StoredArticle>
}

// Response schemas of the reference pages above (the fields the emulator serves, each as the page types it).
const ArticleSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  html_url: z.string(),
  author_id: z.number().int(),
  comments_disabled: z.boolean(),
  draft: z.boolean(),
  promoted: z.boolean(),
  position: z.number().int(),
  vote_sum: z.number().int(),
  vote_count: z.number().int(),
  section_id: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  edited_at: z.string(),
  name: z.string(),
  title: z.string(),
  source_locale: z.string(),
  locale: z.string(),
  outdated: z.boolean(),
  outdated_locales: z.array(z.string()),
  permission_group_id: z.number().int(),
  user_segment_id: z.number().int().nullable(),
  label_names: z.array(z.string()),
  content_tag_ids: z.array(z.string()),
  body: z.string().nullable(),
})
const SectionSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  html_url: z.string(),
  name: z.string(),
  description: z.string(),
  locale: z.string(),
  source_locale: z.string(),
  category_id: z.number().int(),
  position: z.number().int(),
  sorting: z.string(),
  outdated: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
})
const CursorPage = {
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable(), before_cursor: z.string().nullable() }),
  links: z.object({ next: z.string().nullable(), prev: z.string().nullable() }),
}
const ArticlesList = z.object({ articles: z.array(ArticleSchema), ...CursorPage })
const SectionsList = z.object({ sections: z.array(SectionSchema), ...CursorPage })
const ArticleResponse = z.object({ article: ArticleSchema })
const LocalesResponse = z.object({ locales: z.array(z.string()), default_locale: z.string() })
const NotFound = z.object({ error: z.string(), description: z.string().optional() })

const MAX_PAGE_SIZE = 100
const DEFAULT_PAGE_SIZE = 30

export class HelpCenter {
  locales = ['en-us']
  readonly sections = new Map<number, Section>()
  readonly articles = new Map<number, StoredArticle>()
  private readonly categoryId: number

  constructor(
    private readonly state: EmulatorState,
    private readonly dispatcher: WebhookDispatcher,
    private readonly authorId: () => number,
  ) {
    this.categoryId = state.recordId()
  }

  private locale(req: ApiRequest): string {
    const locale = (req.params.locale ?? this.locales[0] ?? 'en-us').toLowerCase()
    // Zendesk answers an unknown locale with 404 RecordNotFound.
    if (!this.locales.includes(locale)) throw recordNotFound()
    return locale
  }

  private articleView(a: StoredArticle, locale: string, t: Translation) {
    const base = this.state.baseUrl
    return {
      id: a.id,
      url: `${base}/api/v2/help_center/${locale}/articles/${a.id}.json`,
      html_url: `${base}/hc/${locale}/articles/${a.id}`,
      author_id: a.author_id,
      comments_disabled: false,
      draft: t.draft,
      promoted: false,
      position: 0,
      vote_sum: 0,
      vote_count: 0,
      section_id: a.section_id,
      created_at: t.created_at,
      updated_at: t.updated_at,
      edited_at: t.updated_at,
      name: t.title,
      title: t.title,
      source_locale: a.source_locale,
      locale,
      outdated: false,
      outdated_locales: [],
      permission_group_id: 1,
      user_segment_id: a.user_segment_id,
      label_names: [...a.label_names],
      content_tag_ids: [],
      body: t.body,
    }
  }

  private sectionView(s: Section, locale: string) {
    const base = this.state.baseUrl
    return {
      id: s.id,
      url: `${base}/api/v2/help_center/${locale}/sections/${s.id}.json`,
      html_url: `${base}/hc/${locale}/sections/${s.id}`,
      name: s.name,
      description: '',
      locale,
      source_locale: s.locale,
      category_id: s.category_id,
      position: 0,
      sorting: 'manual',
      outdated: false,
      created_at: s.created_at,
      updated_at: s.updated_at,
    }
  }

  /** Cursor pagination: the cursor is the id of the last item served, opaque to the client. */
  private page<T extends { id: number }>(req: ApiRequest, items: T[], name: string, path: string) {
    const rawSize = req.query['page[size]']
    const size = rawSize === undefined ? DEFAULT_PAGE_SIZE : Number(rawSize)
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badRequest('InvalidPaginationParameter', `page[size] must be between 1 and ${MAX_PAGE_SIZE}`)
    const after = req.query['page[after]']
    let start = 0
    if (after !== undefined) {
      const lastId = Number(Buffer.from(after, 'base64url').toString('utf8'))
      if (!Number.isInteger(lastId)) throw badRequest('InvalidPaginationParameter', 'page[after] is not a cursor this API issued')
      start = items.findIndex((i) => i.id > lastId)
      if (start < 0) start = items.length
    }
    const slice = items.slice(start, start + size)
    const hasMore = start + size < items.length
    const cursor = (i: T | undefined) => (i ? Buffer.from(String(i.id)).toString('base64url') : null)
    const after_cursor = cursor(slice.at(-1))
    const link = (key: string, value: string | null) => (value ? `${this.state.baseUrl}${path}.json?page[size]=${size}&page[${key}]=${value}` : null)
    return {
      [name]: slice,
      meta: { has_more: hasMore, after_cursor, before_cursor: cursor(slice[0]) },
      links: { next: hasMore ? link('after', after_cursor) : null, prev: null },
    }
  }

  routes(): Route[] {
    const listArticles = (req: ApiRequest) => {
      const locale = this.locale(req)
      const items = [...this.articles.values()]
        .sort((a, b) => a.id - b.id)
        .flatMap((a) => {
          const t = a.translations.get(locale)
          return t ? [this.articleView(a, locale, t)] : []
        })
      return json(200, this.page(req, items, 'articles', `/api/v2/help_center/${locale}/articles`))
    }
    const showArticle = (req: ApiRequest) => {
      const locale = this.locale(req)
      const a = this.articles.get(Number(req.params.article_id))
      const t = a?.translations.get(locale)
      if (!a || !t) throw recordNotFound()
      return json(200, { article: this.articleView(a, locale, t) })
    }
    const listSections = (req: ApiRequest) => {
      const locale = this.locale(req)
      const items = [...this.sections.values()].sort((a, b) => a.id - b.id).map((s) => this.sectionView(s, locale))
      return json(200, this.page(req, items, 'sections', `/api/v2/help_center/${locale}/sections`))
    }
    const route = (pattern: string, name: string, handler: Route['handler'], ok: z.ZodType): Route => ({
      method: 'GET',
      pattern,
      auth: 'api',
      resource: 'hc',
      handler,
      contract: { name, responses: { 200: ok, 404: NotFound, 400: NotFound } },
    })
    return [
      route('/api/v2/help_center/locales', 'ListHelpCenterLocales', () => json(200, { locales: [...this.locales], default_locale: this.locales[0] }), LocalesResponse),
      route('/api/v2/help_center/articles', 'ListArticles', listArticles, ArticlesList),
      route('/api/v2/help_center/:locale/articles', 'ListArticles', listArticles, ArticlesList),
      route('/api/v2/help_center/articles/:article_id', 'ShowArticle', showArticle, ArticleResponse),
      route('/api/v2/help_center/:locale/articles/:article_id', 'ShowArticle', showArticle, ArticleResponse),
      route('/api/v2/help_center/sections', 'ListSections', listSections, SectionsList),
      route('/api/v2/help_center/:locale/sections', 'ListSections', listSections, SectionsList),
    ]
  }

  /** An article event, as the article events page shows it, to every active webhook subscribed to its type. */
  private emit(type: 'article.published' | 'article.unpublished', a: StoredArticle, locale: string, title: string): void {
    const fullType = `zen:event-type:${type}`
    const body = JSON.stringify({
      account_id: this.state.accountId,
      detail: { brand_id: '1', id: String(a.id) },
      event: { author_id: String(a.author_id), category_id: String(this.categoryId), locale, section_id: String(a.section_id), title },
      id: randomBytes(13).toString('hex').toUpperCase(),
      subject: `zen:article:${a.id}`,
      time: new Date().toISOString(),
      type: fullType,
      zendesk_event_version: '2022-11-06',
    })
    const subscribed = [...this.state.webhooks.values()].filter((w) => w.status === 'active' && w.subscriptions.includes(fullType))
    // Event webhooks have no trigger nor ticket: 0 stands for none in the delivery records.
    this.dispatcher.dispatch(subscribed.map((webhook) => ({ webhook, triggerId: 0, ticketId: 0, body })))
  }

  console(): HelpCenterConsole {
    return {
      articles: this.articles,
      setLocales: (locales) => void (this.locales = locales.map((l) => l.toLowerCase())),
      addSection: ({ name }) => {
        const at = this.state.nowIso()
        const section: Section = { id: this.state.recordId(), name, category_id: this.categoryId, locale: this.locales[0] ?? 'en-us', created_at: at, updated_at: at }
        this.sections.set(section.id, section)
        return { id: section.id }
      },
      publishArticle: ({ id, sectionId, locale, title, body, userSegmentId }) => {
        const l = locale.toLowerCase()
        if (!this.locales.includes(l)) throw new Error(`The Help Center has no locale ${l}`)
        if (!this.sections.has(sectionId)) throw new Error(`No section ${sectionId}`)
        let a = id === undefined ? undefined : this.articles.get(id)
        if (!a) {
          a = { id: id ?? this.state.recordId(), section_id: sectionId, author_id: this.authorId(), source_locale: l, label_names: [], user_segment_id: userSegmentId ?? null, translations: new Map() }
          this.articles.set(a.id, a)
        }
        const at = this.state.nowIso()
        const before = a.translations.get(l)
        a.translations.set(l, { title, body, draft: false, created_at: before?.created_at ?? at, updated_at: at })
        this.emit('article.published', a, l, title)
        return { id: a.id }
      },
      unpublishArticle: (id, locale) => {
        const a = this.articles.get(id)
        const t = a?.translations.get(locale.toLowerCase())
        if (!a || !t) throw new Error(`No article ${id} in ${locale}`)
        t.draft = true
        t.updated_at = this.state.nowIso()
        this.emit('article.unpublished', a, locale.toLowerCase(), t.title)
      },
      archiveArticle: (id) => {
        const a = this.articles.get(id)
        if (!a) throw new Error(`No article ${id}`)
        this.articles.delete(id)
        const [locale, t] = [...a.translations.entries()][0] ?? [a.source_locale, undefined]
        this.emit('article.unpublished', a, locale, t?.title ?? '')
      },
    }
  }
}
