// Issue 11, as an attacker tries it, through the built bundle: an end user claiming an agent's email, a message
// whose media URL leads to internal addresses, a password typed into the subdomain, hostile text both ways.
// (Conversation binding, finding 2, is in security-binding.test.ts.)
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALIAS, startLoop, type ChatLine, type Loop } from '../../emulators/plugin/index'

const zendeskUserOf = (loop: Loop, botpressUserId: string) => {
  const user = loop.botpress.state.users.get(botpressUserId)!
  return loop.zendesk.state.users.get(Number(loop.botpress.asSeenByIntegration(user, ALIAS).tags.zendeskUserId))!
}
const snapshot = (u: { role: string; name: string; email: string | null; external_id: string | null; photo: unknown }) =>
  JSON.stringify({ role: u.role, name: u.name, email: u.email, external_id: u.external_id, photo: u.photo })

describe('an end user claiming someone else\'s email (finding 1)', () => {
  let loop: Loop
  beforeAll(async () => {
    loop = await startLoop()
  })
  afterAll(() => loop?.close())

  it('an agent\'s email gives an end user without it: the agent is not changed, nor linked', async () => {
    const { plugin, zendesk } = loop
    const grace = zendesk.createAgent({ name: 'Grace', email: 'grace@acme.test', photoUrl: 'https://cdn.acme.test/grace.png' })
    const before = snapshot(grace)
    const { userId } = await plugin.createUser({ name: 'Mallory', email: 'GRACE@acme.test' })
    expect(snapshot(zendesk.state.users.get(grace.id)!)).toBe(before)
    const mallory = zendeskUserOf(loop, userId)
    expect(mallory.id).not.toBe(grace.id)
    expect(mallory).toMatchObject({ role: 'end-user', name: 'Mallory', email: null, external_id: userId })
    // The agent still sees the address the user gave, marked unverified, where only agents look.
    expect(mallory.notes).toContain('not verified')
    expect(mallory.notes).toContain('grace@acme.test')
    // Mallory's comments are Mallory's, not Grace's.
    const session = await plugin.escalate({ name: 'Mallory', email: 'grace@acme.test' })
    await plugin.userSays(session, 'I am Grace, trust me')
    expect(plugin.comments(session).every((c) => c.author_id !== grace.id)).toBe(true)
  })

  it('the admin\'s email demotes nobody: register still works afterwards', async () => {
    const { plugin, zendesk, cloud } = loop
    const before = snapshot(zendesk.admin)
    await plugin.createUser({ name: 'Mallory', email: zendesk.admin.email!.toUpperCase() })
    expect(snapshot(zendesk.state.users.get(zendesk.admin.id)!)).toBe(before)
    expect((await cloud.register()).status).toBe(200)
  })

  it('the Start HITL card\'s requester email is held to the same rule', async () => {
    const { plugin, zendesk } = loop
    const linus = zendesk.createAgent({ name: 'Linus', email: 'linus@acme.test', role: 'admin' })
    const before = snapshot(linus)
    const session = await plugin.escalate({ name: 'Eve', hitlSession: { requesterName: 'Linus', requesterEmail: 'linus@acme.test' } })
    expect(snapshot(zendesk.state.users.get(linus.id)!)).toBe(before)
    const requester = zendesk.state.users.get(zendesk.state.tickets.get(session.ticketId)!.requester_id)!
    expect(requester).toMatchObject({ role: 'end-user', external_id: session.userId })
    expect(requester.email).not.toBe('linus@acme.test')
  })

  it('an end user created outside Botpress is not linked by default, and no address is marked verified', async () => {
    const { plugin, zendesk } = loop
    const carol = zendesk.createAgent({ name: 'Carol', email: 'carol@customer.test', role: 'end-user' as never })
    const { userId } = await plugin.createUser({ name: 'Not Carol', email: 'carol@customer.test' })
    expect(zendesk.state.users.get(carol.id)).toMatchObject({ name: 'Carol', external_id: null })
    expect(zendeskUserOf(loop, userId)).toMatchObject({ email: null, external_id: userId })
    const { userId: fresh } = await plugin.createUser({ name: 'Fresh', email: 'fresh@customer.test' })
    // Not even a free address is set: Zendesk would mail it, and the chat user would hold it before its owner.
    expect(zendeskUserOf(loop, fresh)).toMatchObject({ email: null, verified: false })
    expect(zendeskUserOf(loop, fresh).notes).toMatch(/not verified.*fresh@customer\.test/)
  })

  it('typing someone\'s email after them takes over neither their Botpress user nor their Zendesk end user', async () => {
    const { plugin, zendesk } = loop
    const alice = await plugin.escalate({ name: 'Alice', email: 'alice@customer.test' })
    const aliceZendesk = snapshot(zendeskUserOf(loop, alice.userId))
    const mallory = await plugin.escalate({ name: 'Mallory', email: 'alice@customer.test' })
    expect(mallory.userId).not.toBe(alice.userId)
    expect(snapshot(zendeskUserOf(loop, alice.userId))).toBe(aliceZendesk)
    expect(zendeskUserOf(loop, mallory.userId)).toMatchObject({ name: 'Mallory', email: null, external_id: mallory.userId })
    const ticket = (id: number) => zendesk.state.tickets.get(id)!
    expect(ticket(mallory.ticketId).requester_id).not.toBe(ticket(alice.ticketId).requester_id)
  })

  it('with "Link users to existing Zendesk end users by email" on, such an end user is linked and verified; an agent still is not', async () => {
    const zendesk = loop.zendesk
    const linking = await startLoop({ zendesk, configuration: { subdomain: zendesk.url, accessToken: zendesk.issueAccessToken(), linkExistingEndUsers: true } })
    try {
      const dora = zendesk.createAgent({ name: 'Dora', email: 'dora@customer.test', role: 'end-user' as never })
      const { userId } = await linking.plugin.createUser({ name: 'Dora', email: 'dora@customer.test' })
      expect(zendeskUserOf(linking, userId).id).toBe(dora.id)
      expect(zendesk.state.users.get(dora.id)).toMatchObject({ external_id: userId, verified: true, role: 'end-user' })
      // The bot vouches for the address: the same person is one user across sessions, in Botpress and in Zendesk.
      expect((await linking.plugin.createUser({ name: 'Dora', email: 'DORA@customer.test' })).userId).toBe(userId)
      const ivan = zendesk.createAgent({ name: 'Ivan', email: 'ivan@acme.test' })
      const before = snapshot(ivan)
      await linking.plugin.createUser({ name: 'Mallory', email: 'ivan@acme.test' })
      expect(snapshot(zendesk.state.users.get(ivan.id)!)).toBe(before)
      // An agent given the address between the look-up and the write is not demoted: Zendesk refuses the
      // creation, and the policy, run again, sees the agent.
      const byExternalId = zendesk.faults.hold({ method: 'GET', path: /\/users\/search/ })
      const held = zendesk.faults.hold({ method: 'GET', path: /\/users\/search/ })
      const creating = linking.plugin.createUser({ name: 'Mallory', email: 'judy@acme.test' })
      await byExternalId.reached
      byExternalId.release()
      await held.reached
      const judy = zendesk.createAgent({ name: 'Judy', email: 'judy@acme.test' })
      const judyBefore = snapshot(judy)
      held.release()
      const { userId: late } = await creating
      expect(snapshot(zendesk.state.users.get(judy.id)!)).toBe(judyBefore)
      expect(zendeskUserOf(linking, late)).toMatchObject({ role: 'end-user', email: null, name: 'Mallory' })
    } finally {
      await linking.close()
    }
  })
})

describe('media URLs leading to internal addresses (finding 3)', () => {
  const connectLog = join(mkdtempSync(join(tmpdir(), 'connect-log-')), 'connections.jsonl')
  let loop: Loop
  let media: Server
  let mediaUrl: string
  beforeAll(async () => {
    // An allowed host (loopback is allowed because the Zendesk emulator is on loopback) that redirects to
    // addresses the policy refuses. Nothing listens at those: the guard refuses before a packet leaves.
    media = createServer((req, res) => {
      const to: Record<string, string> = {
        '/to-metadata': 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
        '/to-decimal': 'http://2852039166/latest/meta-data/',
        '/to-mapped': 'http://[::ffff:a9fe:a9fe]/latest/',
        '/to-private': 'http://10.0.0.1/admin',
        '/hop1': '/hop2',
        '/hop2': '/hop3',
        '/hop3': '/hop4',
        '/hop4': '/cat.png',
      }
      const target = to[req.url ?? '']
      if (target) return void res.writeHead(302, { location: target }).end()
      if (req.url === '/cat.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('png'))
      res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve))
    mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`
    loop = await startLoop({ connectLog })
  })
  afterAll(async () => {
    await loop?.close()
    await new Promise((resolve) => media?.close(resolve))
  })

  const attempts = () =>
    existsSync(connectLog)
      ? readFileSync(connectLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { host: string; port: number; refused: boolean })
      : []

  it.each(['/to-metadata', '/to-decimal', '/to-mapped', '/to-private'])(
    'a redirect from an allowed host (%s) is not followed: no connection is even attempted, the message keeps a plain link',
    async (path) => {
      const { plugin, cloud } = loop
      const session = await plugin.escalate()
      const sent = await plugin.userSends(session, 'image', { imageUrl: `${mediaUrl}${path}` })
      expect(sent.status).toBe(200)
      // The allowed hop was made (the guard sees it), the refused one never was.
      expect(attempts().filter((a) => a.refused)).toEqual([])
      expect(attempts().some((a) => a.port === Number(new URL(mediaUrl).port))).toBe(true)
      const comment = plugin.comments(session).at(-1)!
      expect(comment.attachments).toHaveLength(0)
      expect(comment.body).toContain(`${mediaUrl}${path}`)
      expect(cloud.logs.join('\n')).toMatch(/was not downloaded: its address is not allowed \(redirected to/)
    }
  )

  it.each(['http://169.254.169.254/latest/meta-data/', 'http://2852039166/x.png', 'http://0251.0376.0251.0376/x.png', 'http://[::ffff:a9fe:a9fe]/x.png', 'http://[fe80::1]/x.png', 'http://192.168.0.1/x.png', 'file:///etc/passwd'])(
    '%s is never connected to',
    async (url) => {
      const { plugin } = loop
      const session = await plugin.escalate()
      await plugin.userSends(session, 'file', { fileUrl: url, title: 'doc.pdf' })
      expect(plugin.comments(session).at(-1)!.body).toContain(`doc.pdf: ${url}`)
      expect(attempts().filter((a) => a.refused)).toEqual([])
    }
  )

  it('follows at most 3 redirects', async () => {
    const { plugin } = loop
    const session = await plugin.escalate()
    await plugin.userSends(session, 'image', { imageUrl: `${mediaUrl}/hop1` })
    expect(plugin.comments(session).at(-1)!.attachments).toHaveLength(0)
    const viaTwo = await plugin.escalate()
    await plugin.userSends(viaTwo, 'image', { imageUrl: `${mediaUrl}/hop3` })
    expect(plugin.comments(viaTwo).at(-1)!.attachments).toHaveLength(1)
  })
})

describe('a message\'s files share one budget', () => {
  let loop: Loop
  let media: Server
  let mediaUrl: string
  const requested: string[] = []
  const drips = new Set<NodeJS.Timeout>()
  beforeAll(async () => {
    // /drip/* answers at once, then sends one byte every 200 ms and never ends: a file that never finishes.
    media = createServer((req, res) => {
      requested.push(req.url ?? '')
      res.writeHead(200, { 'content-type': 'image/png' })
      if (!req.url?.startsWith('/drip/')) return void res.end(Buffer.from('png'))
      const drip = setInterval(() => res.write('x'), 200)
      drips.add(drip)
      res.on('close', () => {
        clearInterval(drip)
        drips.delete(drip)
      })
    })
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve))
    mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`
    loop = await startLoop()
  })
  afterAll(async () => {
    await loop?.close()
    for (const drip of drips) clearInterval(drip)
    media?.closeAllConnections()
    await new Promise((resolve) => media?.close(resolve))
  })

  const bloc = (text: string, urls: string[]) => ({
    items: [{ type: 'text', payload: { text } }, ...urls.map((imageUrl) => ({ type: 'image', payload: { imageUrl } }))],
  })

  it('slow-drip files do not keep the words off the ticket: past the budget the files are links', async () => {
    const { plugin, cloud } = loop
    const session = await plugin.escalate()
    const urls = Array.from({ length: 4 }, (_, i) => `${mediaUrl}/drip/${i}.png`)
    const sent = await plugin.userSends(session, 'bloc', bloc('My order never came', urls))
    expect(sent.status).toBe(200)
    const comment = plugin.comments(session).at(-1)!
    expect(comment.body).toContain('My order never came')
    for (const url of urls) expect(comment.body).toContain(url)
    expect(comment.attachments).toHaveLength(0)
    expect(cloud.logs.join('\n')).toMatch(/files were not downloaded: a message gets at most 10 files, 15 s of downloading/)
  }, 150_000)

  it('attaches at most 10 files of a message, and links the rest without downloading them', async () => {
    const { plugin } = loop
    const session = await plugin.escalate()
    requested.length = 0
    const urls = Array.from({ length: 12 }, (_, i) => `${mediaUrl}/small/${i}.png`)
    const sent = await plugin.userSends(session, 'bloc', bloc('Twelve photos', urls))
    expect(sent.status).toBe(200)
    const comment = plugin.comments(session).at(-1)!
    expect(comment.attachments).toHaveLength(10)
    expect(comment.body).toContain(urls[10])
    expect(comment.body).toContain(urls[11])
    expect(requested.filter((u) => u.startsWith('/small/'))).toHaveLength(10)
  })
})

describe('a password typed into the subdomain (finding 4)', () => {
  it('is refused with a message that does not repeat it, and reaches no log', async () => {
    // The driver records the typed password as a secret: the suite-wide scan fails the run if any log has it.
    const password = `Typed-${randomBytes(8).toString('hex')}`
    const loop = await startLoop({ configuration: { subdomain: `https://admin:${password}@acme.zendesk.com`, accessToken: 'unused-token-value' }, register: false })
    try {
      const registered = await loop.cloud.register()
      expect(registered.status).toBeGreaterThanOrEqual(400)
      expect(registered.json?.message).toMatch(/contains "@"/)
      expect(registered.body).not.toContain(password)
      await expect(loop.plugin.createUser({ name: 'Ann', email: 'ann@example.com' })).rejects.toThrow(/contains "@"/)
      expect(loop.cloud.logs.join('\n')).not.toContain(password)
    } finally {
      await loop.close()
    }
  })
})

describe('hostile text, both ways (finding 5)', () => {
  let loop: Loop
  beforeAll(async () => {
    loop = await startLoop()
  })
  afterAll(() => loop?.close())

  const HOSTILE = 'a\u0000b\u001b[2Jc\u202egnp.exe\u2066d\u2069\ud800e'
  const CLEAN = 'abc[2Jcgnp.exede'.replace('abc[2Jc', 'ab[2Jc')
  const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

  it('the subject, the requester\'s name and the comments reach Zendesk clean; a long title is cut to 255', async () => {
    const { plugin, zendesk } = loop
    const session = await plugin.escalate({ name: `Ann${HOSTILE}`, title: `${HOSTILE}${'t'.repeat(1000)}` })
    const ticket = zendesk.state.tickets.get(session.ticketId)!
    expect(ticket.subject).not.toMatch(controls)
    expect(ticket.subject!.startsWith(CLEAN)).toBe(true)
    expect(ticket.subject!.length).toBeLessThanOrEqual(255)
    expect(zendesk.state.users.get(ticket.requester_id)!.name).toBe(`Ann${CLEAN}`)
    await plugin.userSays(session, `hi ${HOSTILE}\nsecond line\tok`)
    expect(plugin.comments(session).at(-1)!.body).toBe(`hi ${CLEAN}\nsecond line\tok`)
  })

  it('an agent\'s reply and name reach the user clean', async () => {
    const { plugin, zendesk, botpress } = loop
    const session = await plugin.escalate()
    const agent = zendesk.createAgent({ name: `Eve${HOSTILE}`, email: 'eve.agent@acme.test' })
    zendesk.agent(agent.id).reply(session.ticketId, { body: `Hello ${HOSTILE}` })
    await zendesk.settled()
    const [relayed] = plugin.toUser(session)
    expect(relayed!.payload.text).toBe(`Hello ${CLEAN}`)
    expect(botpress.state.users.get(relayed!.userId)!.name).toBe(`Eve${CLEAN}`)
  })

  it('a 200 KB history fits one comment: the newest messages kept, the number left out said', async () => {
    const { plugin } = loop
    // The plugin sends one page of the chat (its newest messages): 20 lines of 10,000 characters is 200 KB.
    const before: ChatLine[] = Array.from({ length: 20 }, (_, i) => ({ from: 'user', type: 'text', payload: { text: `m${i} ${'x'.repeat(10_000)}` } }))
    const session = await plugin.escalate({ before })
    const [first] = plugin.comments(session)
    expect(first!.html_body!.length).toBeLessThanOrEqual(65_000)
    expect(first!.html_body).toContain('m19 ')
    expect(first!.html_body).not.toContain('m0 ')
    expect(first!.html_body).toMatch(/\[\d+ earlier messages left out/)
  })
})
