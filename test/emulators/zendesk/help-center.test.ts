import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startZendeskEmulator, type ZendeskEmulator } from '../../../emulators/zendesk'
import { apiClient, bearer, startReceiver, type Receiver } from './test-support'

let zendesk: ZendeskEmulator
let api: ReturnType<typeof apiClient>
let receiver: Receiver
let sectionId: number

beforeAll(async () => {
  zendesk = await startZendeskEmulator({ webhookRetryBackoffMs: 5 })
  api = apiClient(zendesk.url, bearer(zendesk.issueAccessToken()))
  receiver = await startReceiver()
  zendesk.helpCenter.setLocales(['en-us', 'fr'])
  sectionId = zendesk.helpCenter.addSection({ name: 'FAQ' }).id
  for (let n = 0; n < 5; n++) zendesk.helpCenter.publishArticle({ sectionId, locale: 'en-us', title: `A${n}`, body: `<p>${n}</p>` })
})
afterAll(async () => {
  await receiver?.close()
  await zendesk?.close()
})

describe('the Help Center', () => {
  it('lists its locales', async () => {
    expect((await api.get('/api/v2/help_center/locales.json')).body).toEqual({ locales: ['en-us', 'fr'], default_locale: 'en-us' })
  })

  it('pages articles by cursor until has_more is false', async () => {
    const first = await api.get('/api/v2/help_center/en-us/articles?page[size]=2')
    expect(first.body.articles.map((a: { title: string }) => a.title)).toEqual(['A0', 'A1'])
    expect(first.body.meta.has_more).toBe(true)
    expect(first.body.links.next).toContain('page[after]=')
    const titles = [...first.body.articles]
    let after = first.body.meta.after_cursor
    for (;;) {
      const page = await api.get(`/api/v2/help_center/en-us/articles?page[size]=2&page[after]=${after}`)
      titles.push(...page.body.articles)
      if (!page.body.meta.has_more) break
      after = page.body.meta.after_cursor
    }
    expect(titles.map((a) => a.title)).toEqual(['A0', 'A1', 'A2', 'A3', 'A4'])
    expect((await api.get('/api/v2/help_center/en-us/articles?page[size]=101')).status).toBe(400)
    expect(zendesk.contractViolations).toEqual([])
  })

  it('serves an article only in the locales it is translated to; an unknown locale is 404', async () => {
    const id = [...zendesk.helpCenter.articles.keys()][0]!
    expect((await api.get(`/api/v2/help_center/en-us/articles/${id}.json`)).body.article).toMatchObject({ id, title: 'A0', draft: false, locale: 'en-us' })
    expect((await api.get(`/api/v2/help_center/fr/articles/${id}.json`)).status).toBe(404)
    expect((await api.get('/api/v2/help_center/xx/articles')).status).toBe(404)
    expect((await api.get('/api/v2/help_center/en-us/sections')).body.sections.map((s: { id: number }) => s.id)).toEqual([sectionId])
  })

  it('sends article events to the webhooks subscribed to them, signed, and to no other', async () => {
    const subscribed = await api.post('/api/v2/webhooks', {
      webhook: { name: 'articles', endpoint: receiver.url, http_method: 'POST', request_format: 'json', status: 'active', subscriptions: ['zen:event-type:article.unpublished'] },
    })
    expect(subscribed.status).toBe(201)
    const id = zendesk.helpCenter.publishArticle({ sectionId, locale: 'fr', title: 'Nouveau', body: '<p>x</p>' }).id
    zendesk.helpCenter.unpublishArticle(id, 'fr')
    await zendesk.settled()
    expect(receiver.received).toHaveLength(1)
    const event = JSON.parse(receiver.received[0]!.body)
    expect(event).toMatchObject({ type: 'zen:event-type:article.unpublished', detail: { id: String(id) }, event: { locale: 'fr', title: 'Nouveau' }, subject: `zen:article:${id}` })
    expect(receiver.received[0]!.headers['x-zendesk-webhook-signature']).toBeTypeOf('string')
  })
})
