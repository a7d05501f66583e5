import { ResourceNotFoundError } from '@botpress/client'
import { describe, expect, it } from 'vitest'
import { emulatorPerTest } from '../../../emulators/botpress/clients'

const c = emulatorPerTest({ pageSize: 2 })

describe('files', () => {
  it('uploadFile upserts the file, PUTs the bytes to the upload URL, and the indexed file is then complete', async () => {
    const { file } = await c.integration.uploadFile({ key: 'kb/a.md', content: '# A\n', contentType: 'text/markdown', index: true, tags: { kbId: 'kb1' } })
    expect(file).toMatchObject({ key: 'kb/a.md', size: 4, contentType: 'text/markdown', tags: { kbId: 'kb1' }, owner: { type: 'integration' } })
    const stored = c.emulator.state.files.get(file.id)!
    expect(stored.content?.toString()).toBe('# A\n')
    expect((await c.integration.getFile({ id: file.id })).file.status).toBe('indexing_completed')
    expect(c.emulator.calls.map((x) => [x.operation, x.method, x.status])).toEqual([
      ['upsertFile', 'PUT', 200],
      ['fileUpload', 'PUT', 200],
      ['getFile', 'GET', 200],
    ])
  })

  it('a file upserted but never uploaded stays upload_pending; an upload of the wrong size or to a made-up URL is refused', async () => {
    const { file } = await c.integration.upsertFile({ key: 'kb/b.md', size: 3, index: true })
    expect((await c.integration.getFile({ id: file.id })).file.status).toBe('upload_pending')
    expect((await fetch(file.uploadUrl, { method: 'PUT', body: 'four' })).status).toBe(400)
    expect((await fetch(file.uploadUrl.replace(/token=\w+/, 'token=guess'), { method: 'PUT', body: 'abc' })).status).toBe(403)
    expect((await c.integration.getFile({ id: file.id })).file.status).toBe('upload_pending')
  })

  it('upserting a known key updates that file: same id, new tags, content awaited again', async () => {
    const first = (await c.integration.uploadFile({ key: 'k', content: 'one', tags: { v: '1' } })).file
    const again = (await c.integration.upsertFile({ key: 'k', size: 3, tags: { v: '2' } })).file
    expect(again.id).toBe(first.id)
    expect(again.tags).toEqual({ v: '2' })
    expect(again.status).toBe('upload_pending')
    expect(c.emulator.state.files.size).toBe(1)
  })

  it('lists files matching every tag given, a page at a time, and deletes them', async () => {
    for (const [key, kbId] of [['a', 'kb1'], ['b', 'kb2'], ['c', 'kb1'], ['d', 'kb1']] as const) {
      await c.integration.uploadFile({ key, content: key, tags: { kbId, source: 'knowledge-base' } })
    }
    const first = await c.integration.listFiles({ tags: { kbId: 'kb1', source: 'knowledge-base' } })
    expect(first.files).toHaveLength(2)
    const second = await c.integration.listFiles({ tags: { kbId: 'kb1', source: 'knowledge-base' }, nextToken: first.meta.nextToken })
    expect([...first.files, ...second.files].map((f) => f.key).sort()).toEqual(['a', 'c', 'd'])
    expect(second.meta.nextToken).toBeUndefined()
    await c.integration.deleteFile({ id: first.files[0]!.id })
    await expect(c.integration.getFile({ id: first.files[0]!.id })).rejects.toBeInstanceOf(ResourceNotFoundError)
    await expect(c.integration.deleteFile({ id: first.files[0]!.id })).rejects.toBeInstanceOf(ResourceNotFoundError)
  })

  it('refuses an upsert without the size the contract requires', async () => {
    await expect(c.integration.upsertFile({ key: 'x' } as never)).rejects.toThrow(/size/)
    c.emulator.contractViolations.length = 0
  })
})
