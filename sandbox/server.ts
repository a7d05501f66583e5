// The sandbox: the Zendesk emulator (or a real Zendesk account), the Botpress emulator and the built bundle run
// as Botpress Cloud runs it, registered the real way (webhook, triggers, signing secret), behind one page.
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startBotpressEmulator, type BotpressEmulator } from '../emulators/botpress'
import { startZendeskEmulator, type ZendeskEmulator } from '../emulators/zendesk'
import { startCloud, type Cloud } from '../emulators/cloud'
import { Plugin } from '../emulators/plugin/index'
import { ActivityLog, detailOf } from './activity'
import { CustomerChat, type Media } from './customer'
import { Desk, type Upload } from './desk'
import { KnowledgeBasePanel, knowledgeBaseConfiguration, seedHelpCenter } from './knowledge-base'

/** Where a real Zendesk account is, and how the integration authenticates to it. */
export interface RealZendesk {
  /** https://<subdomain>.zendesk.com, without a trailing slash. */
  url: string
  credentials: { accessToken: string } | { clientId: string; clientSecret: string }
  /** A public https URL that reaches this sandbox's port: Zendesk delivers webhooks there, under /webhook/. */
  publicUrl: string
}

export interface SandboxOptions {
  /** 0 picks a free port. */
  port: number
  /** Absent: the Zendesk emulator, with a seeded agent. */
  zendesk?: RealZendesk
}

export interface Sandbox {
  url: string
  /** The Zendesk emulator, offline: the page's tests slow it down through its faults. */
  zendesk?: ZendeskEmulator
  close(): Promise<void>
}

const AGENT = { name: 'Grace Hopper', email: 'grace.hopper@acme.test' }
const PAGE = new URL('./page.html', import.meta.url)
const ICON = new URL('../icon.svg', import.meta.url)
const MAX_JSON_BYTES = 30 * 1024 * 1024

class HttpError extends Error {
  public constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

type Parts = {
  zendesk?: ZendeskEmulator
  botpress: BotpressEmulator
  cloud: Cloud
  log: ActivityLog
  chat: CustomerChat
  desk?: Desk
  kb: KnowledgeBasePanel
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const [page, icon] = await Promise.all([readFile(PAGE), readFile(ICON)])
  const files = new Map<string, { name: string; contentType: string; data: Buffer }>()
  const listeners = new Set<ServerResponse>()
  let parts: Parts | undefined
  let version = 0
  let pending: NodeJS.Timeout | undefined

  // Coalesces bursts of changes into one Server-Sent Event; the page then fetches the state it shows.
  const changed = () => {
    version++
    pending ??= setTimeout(() => {
      pending = undefined
      for (const res of listeners) res.write(`data: ${version}\n\n`)
    }, 50)
  }

  const server = createServer((req, res) => {
    route(req, res).catch((thrown: unknown) => {
      const status = thrown instanceof HttpError ? thrown.status : 500
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: thrown instanceof Error ? thrown.message : String(thrown) }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', resolve)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname, searchParams } = new URL(req.url ?? '/', url)
    const method = req.method ?? 'GET'
    if (method === 'GET' && pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page)
    // Browsers ask for /favicon.ico whatever the page says: both names serve the integration's icon.
    if (method === 'GET' && (pathname === '/icon.svg' || pathname === '/favicon.ico')) return void res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(icon)
    if (method === 'GET' && pathname === '/avatars/grace-hopper.svg') return void res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(AVATAR)
    if (method === 'GET' && pathname.startsWith('/files/')) return serveFile(pathname, res)
    if (pathname.startsWith('/webhook/') && opts.zendesk) return forwardWebhook(req, res)
    if (!parts) throw new HttpError(503, 'The sandbox is still starting')
    const p = parts
    if (method === 'GET' && pathname === '/api/events') return subscribe(res)
    if (method === 'GET' && pathname === '/api/state') return json(res, state(p, searchParams))
    if (method !== 'POST') throw new HttpError(404, `No route ${method} ${pathname}`)
    const body = await readJson(req)
    if (pathname === '/api/kb/sync') await p.kb.sync()
    else if (pathname === '/api/customer/say') await p.chat.say(text(body, 'text'))
    else if (pathname === '/api/customer/human') await p.chat.askForHuman()
    else if (pathname === '/api/customer/upload') await p.chat.send(store(upload(body)))
    else {
      const m = /^\/api\/agent\/tickets\/(\d+)\/(reply|note|assign|solve)$/.exec(pathname)
      if (!m || !p.desk) throw new HttpError(404, `No route ${method} ${pathname}`)
      const ticketId = Number(m[1])
      const ticket = p.zendesk?.state.tickets.get(ticketId)
      if (!ticket) throw new HttpError(404, `No ticket #${ticketId}`)
      const solved = ticket.status === 'solved'
      agentAction(p.desk, m[2] as 'reply' | 'note' | 'assign' | 'solve', ticketId, body)
      return json(res, { ok: true, ...(solved && { notice: AFTER_SOLVE[m[2] as keyof typeof AFTER_SOLVE]?.(ticketId) }) })
    }
    json(res, { ok: true })
  }

  function agentAction(desk: Desk, action: 'reply' | 'note' | 'assign' | 'solve', ticketId: number, body: Record<string, unknown>): void {
    const text = typeof body.body === 'string' ? body.body : ''
    const files = body.file ? [upload(body.file)] : []
    try {
      if (action === 'reply') desk.reply(ticketId, text, files)
      else if (action === 'note') desk.note(ticketId, text, files)
      else if (action === 'assign') desk.assignToMe(ticketId)
      else desk.solve(ticketId)
    } catch (thrown) {
      // Zendesk refuses what an agent may not do (an empty comment, a comment on a closed ticket): the page says why.
      throw thrown instanceof HttpError ? thrown : new HttpError(422, thrown instanceof Error ? thrown.message : String(thrown))
    }
  }

  function state(p: Parts, query: URLSearchParams) {
    const ticketId = Number(query.get('ticket'))
    const logFrom = Number(query.get('log') ?? 0)
    const status = p.chat.status
    return {
      customer: { messages: p.chat.messages, status },
      desk: p.desk
        ? { agent: { name: p.desk.agent.name, pictureUrl: p.desk.agent.photo?.content_url ?? null }, tickets: p.desk.tickets(), ticket: ticketId ? (p.desk.ticket(ticketId) ?? null) : null }
        : { real: realDesk(status.kind === 'hitl' ? status.ticketId : undefined) },
      log: { total: p.log.entries.length, entries: p.log.entries.slice(logFrom) },
      kb: p.kb.view(),
    }
  }

  function realDesk(ticketId: number | undefined) {
    const base = opts.zendesk?.url ?? ''
    return { zendeskUrl: base, ticketUrl: ticketId ? `${base}/agent/tickets/${ticketId}` : null }
  }

  function subscribe(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write(`data: ${version}\n\n`)
    listeners.add(res)
    res.on('close', () => listeners.delete(res))
  }

  // What Botpress file storage does for the plugin: the user's upload gets a URL the integration downloads.
  function store(u: Upload): Media {
    const id = randomUUID()
    files.set(id, { name: u.fileName, contentType: u.contentType, data: u.data })
    const type = u.contentType.startsWith('image/') ? 'image' : 'file'
    return { type, url: `${url}/files/${id}/${encodeURIComponent(u.fileName)}`, ...(type === 'file' && { title: u.fileName }) }
  }

  function serveFile(pathname: string, res: ServerResponse): void {
    const file = files.get(pathname.split('/')[2] ?? '')
    parts?.log.add({ at: Date.now(), from: 'integration', to: 'files', what: `GET ${pathname}`, status: file ? 200 : 404 })
    if (!file) return void res.writeHead(404).end('not found')
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.data.length }).end(file.data)
  }

  // Real Zendesk delivers to the public URL; the tunnel brings it here, and it goes on to Botpress's webhook route.
  async function forwardWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!parts) throw new HttpError(503, 'The sandbox is still starting')
    const at = Date.now()
    const target = new URL(parts.cloud.webhookUrl)
    const { pathname, search } = new URL(req.url ?? '/', url)
    const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (v === undefined || k === 'host' ? [] : [[k, String(v)]])))
    const body = await readRaw(req)
    const answer = await fetch(`${target.origin}${pathname.slice('/webhook'.length)}${search}`, {
      method: req.method ?? 'POST',
      headers,
      ...(body.length > 0 && { body }),
    })
    const text = await answer.text()
    parts.log.add({ at, from: 'zendesk', to: 'botpress', what: `webhook ${req.method} ${pathname}`, status: answer.status, detail: detailOf(text) })
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(text)
  }

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      clearTimeout(pending)
      for (const res of listeners) res.end()
      server.closeAllConnections()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      await parts?.chat.close()
      parts?.log.stop()
      await parts?.cloud.stop()
      await parts?.botpress.close()
      await parts?.zendesk?.close()
      await stopped
    })())

  try {
    parts = await startParts(opts, url, changed)
  } catch (thrown) {
    await close()
    throw thrown
  }
  return { url, close, ...(parts.zendesk && { zendesk: parts.zendesk }) }
}

async function startParts(opts: SandboxOptions, url: string, changed: () => void): Promise<Parts> {
  const started: { close(): Promise<void> }[] = []
  try {
    const zendesk = opts.zendesk ? undefined : await startZendeskEmulator()
    if (zendesk) started.push(zendesk)
    const agent = zendesk?.createAgent({ ...AGENT, photoUrl: `${url}/avatars/grace-hopper.svg` })
    if (zendesk) seedHelpCenter(zendesk)
    const botpress = await startBotpressEmulator()
    started.push(botpress)
    const cloud = await startCloud({ botpress, configurationType: 'manual', configuration: configurationOf(opts, zendesk) })
    started.push({ close: () => cloud.stop() })
    const log = new ActivityLog({ cloud, botpress, ...(zendesk && { zendesk }) }, changed)
    started.push({ close: async () => log.stop() })
    const registered = opts.zendesk ? await cloud.invoke('register', { webhookUrl: `${opts.zendesk.publicUrl}/webhook/${cloud.webhookId}` }) : await cloud.register()
    if (registered.status !== 200) throw new Error(`The integration's register failed (${registered.status}): ${registered.json?.message ?? registered.body}`)
    const traced = log.traced(cloud)
    const chat = new CustomerChat({ plugin: new Plugin(traced, botpress, zendesk), botpress, onChange: changed })
    const kb = new KnowledgeBasePanel(traced, botpress)
    return { botpress, cloud, log, chat, kb, ...(zendesk && agent && { zendesk, desk: new Desk(zendesk, agent, log) }) }
  } catch (thrown) {
    for (const part of started.reverse()) await part.close()
    throw thrown
  }
}

function configurationOf(opts: SandboxOptions, zendesk: ZendeskEmulator | undefined): Record<string, unknown> {
  if (zendesk) return { subdomain: zendesk.url, accessToken: zendesk.issueAccessToken(), ...knowledgeBaseConfiguration }
  const real = opts.zendesk as RealZendesk
  return { subdomain: real.url, ...real.credentials }
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value))
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_JSON_BYTES) reject(new HttpError(413, 'The upload is too large for the sandbox'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readRaw(req)
  if (raw.length === 0) return {}
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'))
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // Answered below, as any body that is not a JSON object.
  }
  throw new HttpError(400, 'The body must be a JSON object')
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || !value.trim()) throw new HttpError(400, `"${field}" must be a non-empty text`)
  return value
}

/** A file the page read: `{ fileName, contentType, data }` with the bytes in base64. */
function upload(value: unknown): Upload {
  const v = (value ?? {}) as Record<string, unknown>
  if (typeof v.fileName !== 'string' || !v.fileName || typeof v.data !== 'string') throw new HttpError(400, 'A file needs a fileName and its data in base64')
  const contentType = typeof v.contentType === 'string' && v.contentType ? v.contentType : 'application/octet-stream'
  return { fileName: v.fileName.replace(/[\\/\u0000-\u001f]/g, '_'), contentType, data: Buffer.from(v.data, 'base64') }
}

// What an action on a solved ticket changes, which the chat does not show: the session ended with the solve.
const AFTER_SOLVE = {
  reply: (id: number) =>
    `Reply added to ticket #${id}, which is solved: the customer went back to the bot when it was solved, so they will not see it. They reach an agent again by asking for one.`,
  note: undefined,
  assign: (id: number) => `Ticket #${id} is now assigned to you. It is solved, so the customer is not told: they are back with the bot.`,
  solve: undefined,
}

const AVATAR = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="32" fill="#7b5ea7"/><text x="32" y="41" font-family="sans-serif" font-size="26" font-weight="bold" fill="#fff" text-anchor="middle">GH</text></svg>`
