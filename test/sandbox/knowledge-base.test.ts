// The sandbox page's knowledge base panel: the state it reads, and the sync button's route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../sandbox/server'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
}, 60_000)
afterAll(async () => {
  await sandbox?.close()
})

const kb = async () => ((await (await fetch(`${sandbox.url}/api/state`)).json()) as { kb: any }).kb

describe('the sandbox knowledge base', () => {
  it('shows an empty knowledge base, then the synced Help Center articles with the sync counts', async () => {
    expect(await kb()).toEqual({ kbId: 'kb_sandbox', lastSync: null, articles: [] })
    const res = await fetch(`${sandbox.url}/api/kb/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(200)
    const after = await kb()
    expect(after.lastSync).toEqual({ added: 3, updated: 0, removed: 0, unchanged: 0, failed: [] })
    expect(after.articles).toEqual([
      { title: 'Delivery times', locale: 'en-us', status: 'indexing_completed' },
      { title: 'Returns and refunds', locale: 'en-us', status: 'indexing_completed' },
      { title: 'Where is my order?', locale: 'en-us', status: 'indexing_completed' },
    ])
  }, 60_000)
})
