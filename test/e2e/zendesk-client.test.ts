// node-zendesk's gaps, shown against the Zendesk emulator, and what src/zendesk does about each.
import { createClient } from 'node-zendesk'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ZendeskApi } from '../../src/zendesk/client'
import { ZendeskError } from '../../src/zendesk/errors'
import type { RetryPolicy } from '../../src/zendesk/transport'
import { startZendeskEmulator, type ZendeskEmulator } from '../../emulators/zendesk'
import { PNG } from '../../emulators/plugin/index'

let zd: ZendeskEmulator
let token: string
const fast: RetryPolicy = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000, timeoutMs: 2_000 }

beforeAll(async () => {
  zd = await startZendeskEmulator()
  token = zd.issueAccessToken()
})
afterAll(() => zd?.close())
beforeEach(() => zd.faults.clear())

const raw = () => createClient({ endpointUri: `${zd.url}/api/v2`, oauth: true, token, throwOriginalException: true })
const ours = (auth = { header: async () => `Bearer ${token}` }) => new ZendeskApi(zd.url, auth, fast)

async function newTicket(api: ZendeskApi) {
  const requester = await api.createOrUpdateUser({ name: 'Req', external_id: `ext-${Math.random()}`, role: 'end-user' })
  const { ticket } = await api.createTicket(
    { subject: 's', comment: { body: 'first', public: true }, requester_id: requester.id, external_id: 'conv', tags: [] },
    `key-${Math.random()}`
  )
  return { ticket, requester }
}

describe('node-zendesk alone', () => {
  it('drops the audit of a ticket update, where the new comment id is', async () => {
    const { ticket } = await newTicket(ours())
    const { result } = (await raw().tickets.update(ticket.id, { ticket: { comment: { body: 'hi', public: true } } } as never)) as { result: Record<string, unknown> }
    expect(result).not.toHaveProperty('audit')
    expect(result).toHaveProperty('id', ticket.id)
  })

  it('resolves a 429 as if it were a result', async () => {
    zd.faults.rateLimit({ count: 1, retryAfterSeconds: 1 })
    const answer = (await raw().users.me()) as { result: unknown }
    expect(answer.result).toBeInstanceOf(Error)
    expect((answer.result as Error & { statusCode: number }).statusCode).toBe(429)
  })

  it.each([502, 504] as const)('resolves a %s as a success', async (status) => {
    zd.faults.serverError({ count: 1, status })
    await expect(raw().users.me()).resolves.toBeDefined()
  })

  it('cannot upload a Buffer', async () => {
    await expect(raw().attachments.upload(PNG as never, { filename: 'a.png' } as never)).rejects.toThrow()
  })
})

describe('src/zendesk', () => {
  it('returns the id of the comment an update made', async () => {
    const api = ours()
    const { ticket } = await newTicket(api)
    const { commentId } = await api.addComment(ticket.id, { body: 'hi', public: true })
    expect(zd.state.comments.get(ticket.id)!.at(-1)!.id).toBe(commentId)
  })

  it('waits out a 429 as Retry-After says, then succeeds', async () => {
    zd.faults.rateLimit({ count: 1, retryAfterSeconds: 3, path: /users\/me/ })
    const waits: number[] = []
    const api = new ZendeskApi(zd.url, { header: async () => `Bearer ${token}` }, fast, async (ms) => void waits.push(ms))
    await expect(api.me()).resolves.toMatchObject({ id: zd.admin.id })
    expect(waits).toEqual([3_000])
  })

  it('gives up on a 429 asking to wait longer than the caller can, with a message saying so', async () => {
    zd.faults.rateLimit({ count: 1, retryAfterSeconds: 60 })
    await expect(ours().me()).rejects.toThrow(/Zendesk read the connected user failed: 429.*rate limit/)
  })

  it.each([500, 502, 503, 504] as const)('retries a read after a %s', async (status) => {
    zd.faults.serverError({ count: 2, status })
    await expect(ours().me()).resolves.toMatchObject({ id: zd.admin.id })
  })

  it.each([502, 504] as const)('a read or a webhook listing answered %s on every try fails with an error naming it', async (status) => {
    const api = ours()
    const { ticket } = await newTicket(api)
    const reads: [string, () => Promise<unknown>][] = [
      ['read the connected user', () => api.me()],
      [`show ticket ${ticket.id}`, () => api.showTicket(ticket.id)],
      [`list comments of ticket ${ticket.id}`, () => api.listComments(ticket.id)],
      ['list webhooks', () => api.listWebhooks('anything')],
      ['list triggers', () => api.listTriggers()],
    ]
    for (const [operation, read] of reads) {
      zd.faults.clear()
      zd.faults.serverError({ count: 100, status, method: 'GET' })
      const failure = await read().catch((e: unknown) => e)
      expect(failure).toBeInstanceOf(ZendeskError)
      expect((failure as ZendeskError).status).toBe(status)
      expect((failure as Error).message).toMatch(new RegExp(`^Zendesk ${operation} failed: ${status} \\(a gateway in front of Zendesk`))
    }
  })

  it('a comment written before a 502 is found, not written twice', async () => {
    const api = ours()
    const { ticket } = await newTicket(api)
    zd.faults.serverError({ count: 1, status: 502, afterWrite: true, method: 'PUT' })
    const { commentId } = await api.addComment(ticket.id, { body: 'exactly once', public: true })
    const comments = zd.state.comments.get(ticket.id)!.filter((c) => c.body === 'exactly once')
    expect(comments.map((c) => c.id)).toEqual([commentId])
  })

  it('a comment refused by a 500 before writing is written on the retry', async () => {
    const api = ours()
    const { ticket } = await newTicket(api)
    zd.faults.serverError({ count: 1, status: 500, method: 'PUT' })
    await api.addComment(ticket.id, { body: 'second try', public: true })
    expect(zd.state.comments.get(ticket.id)!.filter((c) => c.body === 'second try')).toHaveLength(1)
  })

  it('uploads bytes with their real content type', async () => {
    const token = await ours().upload({ data: PNG, fileName: 'pixel.png', contentType: 'image/png' })
    const upload = zd.state.uploads.get(token)!
    expect(upload).toBeDefined()
    const attachment = [...zd.state.attachments.values()].find((a) => a.file_name === 'pixel.png')!
    expect(attachment).toMatchObject({ content_type: 'image/png', size: PNG.length })
  })

  it('renews the credential once after a 401, then succeeds', async () => {
    const revoked = zd.issueAccessToken()
    zd.revokeAccessToken(revoked)
    let current = revoked
    const renewals: string[] = []
    const api = ours({
      header: async () => `Bearer ${current}`,
      renew: async (refused: string) => {
        renewals.push(refused)
        current = token
        return true
      },
    } as never)
    await expect(api.me()).resolves.toMatchObject({ id: zd.admin.id })
    expect(renewals).toEqual([`Bearer ${revoked}`])
  })

  it('a failed call is a RuntimeError naming the Zendesk error and what to fix', async () => {
    const api = ours()
    const { ticket } = await newTicket(api)
    zd.agent(zd.admin.id).setStatus(ticket.id, 'closed')
    const failure = await api.updateTicket(ticket.id, { status: 'open' }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(ZendeskError)
    expect((failure as Error).message).toMatch(/^Zendesk update ticket \d+ failed: 422 RecordInvalid: Record validation errors: Status: closed prevents ticket update/)
    expect((failure as Error).message).not.toContain(token)
  })
})
