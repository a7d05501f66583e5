// Knowledge base sync through the bundle: the Help Center (Zendesk emulator) becomes files of the bot's knowledge
// base (Botpress emulator's Files API), by the syncKb action and by live article events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startZendeskEmulator, type ZendeskEmulator } from '../../emulators/zendesk'
import { startLoop, type Loop } from '../../emulators/plugin/index'
import { sign } from '../../src/webhook/verify'

const KB = 'kb_faq'
const EN = 250
const FR = 50

let zendesk: ZendeskEmulator
let loop: Loop
let sectionId: number
const ids: number[] = []

const body = (n: number, extra = '') =>
  `<h2>Step ${n}</h2><script>steal()</script><style>p{color:red}</style><p>Open <a href="https://help.acme.test/s/${n}">settings</a>.</p>` +
  `<ul><li>first</li><li>second</li></ul><table><tr><td>Plan</td><td>Price</td></tr><tr><td>Pro</td><td>${n}</td></tr></table>${extra}`

const filesOf = (kbId: string) => [...loop.botpress.state.files.values()].filter((f) => f.tags.kbId === kbId)
const fileOf = (kbId: string, articleId: number, locale: string) =>
  filesOf(kbId).find((f) => f.tags.zendeskArticleId === String(articleId) && f.tags.zendeskLocale === locale)
const text = (f: { content?: Buffer } | undefined) => f?.content?.toString('utf8')
const articleWebhook = () => [...zendesk.state.webhooks.values()].find((w) => w.subscriptions.includes('zen:event-type:article.published'))
const sync = (input: Record<string, unknown> = {}) => loop.cloud.action('syncKb', input) as Promise<Record<string, number>>

beforeAll(async () => {
  zendesk = await startZendeskEmulator({ webhookRetryBackoffMs: 20 })
  zendesk.helpCenter.setLocales(['en-us', 'fr', 'de'])
  sectionId = zendesk.helpCenter.addSection({ name: 'Billing' }).id
  for (let n = 0; n < EN; n++) {
    const { id } = zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: `Article ${n}`, body: body(n) })
    ids.push(id)
    if (n < FR) zendesk.helpCenter.publishArticle({ id, sectionId, locale: 'fr', title: `Article ${n} (fr)`, body: body(n) })
  }
  // Not synced: a locale the bot builder did not choose, a draft, an empty article, an agents-only article.
  zendesk.helpCenter.publishArticle({ id: ids[0], sectionId, locale: 'de', title: 'Artikel 0', body: body(0) })
  const draft = zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: 'Draft', body: body(999) }).id
  zendesk.helpCenter.unpublishArticle(draft, 'en-us')
  zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: 'Empty', body: '' })
  zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: 'Internal', body: '<p>agents only</p>', userSegmentId: 7 })
  loop = await startLoop({
    zendesk,
    register: false,
    configuration: {
      subdomain: zendesk.url,
      accessToken: zendesk.issueAccessToken(),
      syncKnowledgeBaseWithBot: true,
      knowledgeBaseId: KB,
      helpCenterLocales: ['en-us', 'fr'],
    },
  })
  expect((await loop.cloud.register()).status).toBe(200)
}, 60_000)

afterAll(async () => {
  await loop?.close()
  await zendesk?.close()
})

describe('syncKb', () => {
  beforeAll(() => {
    // The sync is tested on its own: live events would otherwise update the files before it runs.
    articleWebhook()!.status = 'inactive'
  })

  it('imports every published article of the chosen locales as an indexed markdown file of the knowledge base', async () => {
    expect(await sync()).toEqual({ added: EN + FR, updated: 0, removed: 0, unchanged: 0, failed: [] })
    const files = filesOf(KB)
    expect(files).toHaveLength(EN + FR)
    expect(new Set(files.map((f) => f.key)).size).toBe(EN + FR)
    expect(files.every((f) => f.status === 'indexing_completed' && f.index && f.tags.source === 'knowledge-base')).toBe(true)
    const first = fileOf(KB, ids[0]!, 'en-us')!
    expect(first.tags).toMatchObject({ kbId: KB, title: 'Article 0', zendeskLocale: 'en-us', zendeskArticleId: String(ids[0]) })
    expect(first.tags.zendeskUpdatedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(first.contentType).toBe('text/markdown')
    const markdown = text(first)!
    expect(markdown).toContain('# Article 0')
    expect(markdown).toContain('## Step 0')
    expect(markdown).toContain('[settings](https://help.acme.test/s/0)')
    expect(markdown).toMatch(/- +first\n- +second/)
    expect(markdown).toContain('| Plan | Price |\n| --- | --- |\n| Pro | 0 |')
    expect(markdown).not.toMatch(/steal|color:red|<script|<table/)
    expect(fileOf(KB, ids[0]!, 'fr')).toBeDefined()
    expect(fileOf(KB, ids[0]!, 'de')).toBeUndefined()
    expect(files.some((f) => ['Draft', 'Empty', 'Internal'].includes(f.tags.title ?? ''))).toBe(false)
    // Three pages of 100 for en-us, one for fr: cursor pagination followed to the end.
    const listings = zendesk.requests.filter((r) => /\/help_center\/en-us\/articles$/.test(r.path))
    expect(listings.length).toBeGreaterThanOrEqual(3)
    expect(loop.botpress.contractViolations).toEqual([])
    expect(zendesk.contractViolations).toEqual([])
  }, 120_000)

  it('a second sync changes nothing and uploads nothing', async () => {
    const since = loop.botpress.calls.length
    expect(await sync()).toEqual({ added: 0, updated: 0, removed: 0, unchanged: EN + FR, failed: [] })
    expect(loop.botpress.countCalls({ operation: 'upsertFile', since })).toBe(0)
    expect(loop.botpress.countCalls({ operation: 'deleteFile', since })).toBe(0)
  }, 60_000)

  it('updates an edited article, removes an unpublished one and a deleted one', async () => {
    const [edited, unpublished, deleted] = [ids[10]!, ids[11]!, ids[12]!]
    const editedFileId = fileOf(KB, edited, 'en-us')!.id
    zendesk.helpCenter.publishArticle({ id: edited, sectionId, locale: 'en-us', title: 'Article 10, revised', body: '<p>New answer</p>' })
    zendesk.helpCenter.unpublishArticle(unpublished, 'en-us')
    zendesk.helpCenter.archiveArticle(deleted) // it had an en-us and a fr translation
    expect(await sync()).toEqual({ added: 0, updated: 1, removed: 3, unchanged: EN + FR - 4, failed: [] })
    const file = fileOf(KB, edited, 'en-us')!
    expect(file.id).toBe(editedFileId)
    expect(file.tags.title).toBe('Article 10, revised')
    expect(text(file)).toContain('New answer')
    expect(fileOf(KB, unpublished, 'en-us')).toBeUndefined()
    expect(fileOf(KB, unpublished, 'fr')).toBeDefined()
    expect(fileOf(KB, deleted, 'en-us')).toBeUndefined()
    expect(fileOf(KB, deleted, 'fr')).toBeUndefined()
    expect(filesOf(KB)).toHaveLength(EN + FR - 3)
  }, 60_000)

  it('a sync that fails half-way (Zendesk failing on the second locale) is completed by the next run', async () => {
    zendesk.faults.serverError({ count: 8, status: 500, path: /\/help_center\/fr\/articles/ })
    await expect(sync({ knowledgeBaseId: 'kb_second' })).rejects.toThrow(/Help Center articles \(fr\).*500/)
    expect(filesOf('kb_second')).toHaveLength(EN - 2)
    zendesk.faults.clear()
    expect(await sync({ knowledgeBaseId: 'kb_second' })).toEqual({ added: FR - 1, updated: 0, removed: 0, unchanged: EN - 2, failed: [] })
    expect(filesOf('kb_second')).toHaveLength(EN + FR - 3)
  }, 120_000)

  it('a Botpress upload that fails leaves nothing half-done that the next run does not finish', async () => {
    loop.botpress.faults.serverError({ count: 4, status: 500, operation: 'upsertFile', retryAfter: 0 })
    await expect(sync({ knowledgeBaseId: 'kb_third' })).rejects.toThrow(/Botpress did not store the file of Help Center article \d+ \(en-us\).*Run "Sync Knowledge Base" again/)
    expect(await sync({ knowledgeBaseId: 'kb_third' })).toEqual({ added: EN + FR - 3, updated: 0, removed: 0, unchanged: 0, failed: [] })
  }, 120_000)

  it('two syncs at once make one file per article, and a third finds everything up to date', async () => {
    await Promise.all([sync({ knowledgeBaseId: 'kb_twice' }), sync({ knowledgeBaseId: 'kb_twice' })])
    const files = filesOf('kb_twice')
    expect(files).toHaveLength(EN + FR - 3)
    expect(new Set(files.map((f) => f.key)).size).toBe(files.length)
    expect(await sync({ knowledgeBaseId: 'kb_twice' })).toEqual({ added: 0, updated: 0, removed: 0, unchanged: EN + FR - 3, failed: [] })
  }, 120_000)

  it('an article too deeply nested to convert is left out and named; the rest of the sync, removals included, goes on', async () => {
    const deep = zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: 'Nested', body: `${'<div>'.repeat(3000)}x${'</div>'.repeat(3000)}` }).id
    zendesk.helpCenter.unpublishArticle(ids[13]!, 'en-us')
    const result = await sync()
    expect(result).toEqual({ added: 0, updated: 0, removed: 1, unchanged: EN + FR - 4, failed: [`article ${deep} (en-us) "Nested"`] })
    expect(fileOf(KB, deep, 'en-us')).toBeUndefined()
    expect(fileOf(KB, ids[13]!, 'en-us')).toBeUndefined()
    zendesk.helpCenter.unpublishArticle(deep, 'en-us')
  }, 120_000)

  it('Botpress failing to list or remove files fails the sync with what to do, and the next run finishes it', async () => {
    loop.botpress.faults.serverError({ count: 4, status: 500, operation: 'listFiles', retryAfter: 0 })
    await expect(sync()).rejects.toThrow(/Botpress did not list the files of knowledge base kb_faq.*Run "Sync Knowledge Base" again/)
    loop.botpress.faults.clear()
    zendesk.helpCenter.unpublishArticle(ids[14]!, 'en-us')
    loop.botpress.faults.serverError({ count: 4, status: 500, operation: 'deleteFile', retryAfter: 0 })
    await expect(sync()).rejects.toThrow(
      new RegExp(`Botpress did not remove the file of Help Center article ${ids[14]} \\(en-us\\) from knowledge base kb_faq.*Run "Sync Knowledge Base" again`)
    )
    loop.botpress.faults.clear()
    expect(await sync()).toMatchObject({ removed: 1, failed: [] })
    expect(fileOf(KB, ids[14]!, 'en-us')).toBeUndefined()
  }, 120_000)

  it('an article republished while a sync runs keeps its file', async () => {
    const target = ids[15]!
    zendesk.helpCenter.unpublishArticle(target, 'en-us')
    // The en-us listing (without the article) is done; while the fr one is on its way, the article is published again.
    const hold = zendesk.faults.hold({ method: 'GET', path: /\/help_center\/fr\/articles/ })
    const running = sync()
    await hold.reached
    zendesk.helpCenter.publishArticle({ id: target, sectionId, locale: 'en-us', title: 'Article 15 again', body: '<p>Back</p>' })
    hold.release()
    expect(await running).toMatchObject({ removed: 0, failed: [] })
    expect(fileOf(KB, target, 'en-us')).toBeDefined()
  }, 120_000)
})

describe('live article events', () => {
  beforeAll(() => {
    articleWebhook()!.status = 'active'
  })

  it('a published article gets its file and an articlePublished event; unpublished, the file goes and articleUnpublished is emitted', async () => {
    const { id } = zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: 'Live news', body: '<p>Fresh</p>' })
    await zendesk.settled()
    const file = await loop.botpress.waitFor(() => fileOf(KB, id, 'en-us'), { description: 'the live article file' })
    expect(text(file)).toContain('Fresh')
    const published = await loop.botpress.waitFor(() => loop.botpress.eventsOf('articlePublished').find((e) => e.payload.articleId === String(id)))
    expect(published.payload).toEqual({ articleId: String(id), articleTitle: 'Live news', locale: 'en-us' })

    zendesk.helpCenter.unpublishArticle(id, 'en-us')
    await zendesk.settled()
    await loop.botpress.waitFor(() => !fileOf(KB, id, 'en-us'), { description: 'the file removed' })
    const unpublished = loop.botpress.eventsOf('articleUnpublished').find((e) => e.payload.articleId === String(id))
    expect(unpublished?.payload).toEqual({ articleId: String(id), locale: 'en-us' })
    const deliveries = zendesk.deliveries.filter((d) => d.webhookId === articleWebhook()!.id)
    expect(deliveries.map((d) => d.status)).toEqual([200, 200])
    expect(loop.botpress.contractViolations).toEqual([])
  }, 60_000)

  it('an article the knowledge base does not hold (agents only, a locale not chosen) emits no articlePublished', async () => {
    const internal = zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: 'Agents only: refunds playbook', body: '<p>secret</p>', userSegmentId: 7 }).id
    const german = zendesk.helpCenter.publishArticle({ sectionId, locale: 'de', title: 'Nur auf Deutsch', body: '<p>Hallo</p>' }).id
    await zendesk.settled()
    const deliveries = zendesk.deliveries.filter((d) => d.webhookId === articleWebhook()!.id)
    expect(deliveries.slice(-2).map((d) => d.status)).toEqual([200, 200])
    const ours = loop.botpress.eventsOf('articlePublished').filter((e) => [String(internal), String(german)].includes(e.payload.articleId))
    expect(ours).toEqual([])
    expect(fileOf(KB, internal, 'en-us')).toBeUndefined()
    expect(fileOf(KB, german, 'de')).toBeUndefined()
  })

  it('refuses an article event that Zendesk did not sign, and changes nothing', async () => {
    const target = ids[20]!
    const raw = JSON.stringify({ type: 'zen:event-type:article.unpublished', detail: { id: String(target) }, event: { locale: 'en-us' } })
    const timestamp = new Date().toISOString()
    const res = await fetch(`${loop.cloud.webhookUrl}/article-event`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': sign('not-the-secret', timestamp, raw),
      },
      body: raw,
    })
    expect(res.status).toBe(401)
    expect(fileOf(KB, target, 'en-us')).toBeDefined()
    expect(loop.botpress.eventsOf('articleUnpublished').some((e) => e.payload.articleId === String(target))).toBe(false)
  })

  it('a stale "unpublished" for an article published again keeps its file', async () => {
    const target = ids[21]!
    const webhook = articleWebhook()!
    zendesk.faults.holdDeliveries()
    zendesk.helpCenter.unpublishArticle(target, 'en-us')
    zendesk.helpCenter.publishArticle({ id: target, sectionId, locale: 'en-us', title: 'Article 21 again', body: '<p>Back</p>' })
    zendesk.faults.reorderDeliveries(true)
    await zendesk.faults.releaseDeliveries()
    zendesk.faults.reorderDeliveries(false)
    await zendesk.settled()
    expect(zendesk.deliveries.filter((d) => d.webhookId === webhook.id).slice(-2).map((d) => d.status)).toEqual([200, 200])
    expect(text(fileOf(KB, target, 'en-us'))).toContain('Back')
  })

  it('a live event for an article too deeply nested to convert is answered 200 and stores no file', async () => {
    const webhook = articleWebhook()!
    const { id } = zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: 'Nested live', body: `${'<ul><li>'.repeat(2000)}x${'</li></ul>'.repeat(2000)}` })
    await zendesk.settled()
    expect(zendesk.deliveries.filter((d) => d.webhookId === webhook.id).slice(-1).map((d) => d.status)).toEqual([200])
    expect(fileOf(KB, id, 'en-us')).toBeUndefined()
  })

  it('unregister removes the article event subscription', async () => {
    expect((await loop.cloud.unregister()).status).toBe(200)
    expect(articleWebhook()).toBeUndefined()
  })
})
