import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import type { BotpressEmulator } from '../botpress'
import { configurationSecrets, recordLogs, recordSecrets } from '../secret-scan'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SERVE_SCRIPT = `${ROOT}scripts/serve.cjs`
const PARENT_WATCH = fileURLToPath(new URL('./parent-watch.cjs', import.meta.url))
const CONNECT_GUARD = fileURLToPath(new URL('./connect-guard.cjs', import.meta.url))
export const DEFAULT_BUNDLE = `${ROOT}.botpress/dist/index.cjs`
const READY_LINE = /zendesk-hitl listening on (http:\/\/\S+)/

export type Operation =
  | 'register'
  | 'unregister'
  | 'action_triggered'
  | 'message_created'
  | 'webhook_received'
  | 'ping'
  | 'create_user'
  | 'create_conversation'
  | (string & {})

export interface InvokeResult {
  status: number
  headers: Record<string, string>
  body: string
  json?: any
}

export interface Invocation {
  operation: string
  status: number
  durationMs: number
  /** Date.now() when the invocation was sent. */
  at: number
  pid: number
}

export interface CloudOptions {
  /** BP_API_URL of the bundle processes points at it. */
  botpress: BotpressEmulator
  configuration: Record<string, unknown>
  /** null (default) is the default configuration; otherwise e.g. 'manual'. */
  configurationType?: string | null
  /** Default: .botpress/dist/index.cjs (`npm run build`). */
  bundlePath?: string
  /** Bundle processes, invoked round-robin as Botpress Cloud runs many copies (default 1). */
  processes?: number
  botId?: string
  botUserId?: string
  integrationId?: string
  integrationAlias?: string
  webhookId?: string
  /** Extra environment of the bundle processes, e.g. SECRET_CLIENT_ID. */
  env?: Record<string, string>
  /** How long one invocation may take before it fails (default 60 s). */
  invokeTimeoutMs?: number
  /** How long a bundle process may take to print that it listens (default 15 s). */
  startTimeoutMs?: number
  /**
   * A file where the bundle processes record every connection they attempt (connect-guard.cjs); any attempt to
   * an address that is not loopback is then refused before it leaves the machine.
   */
  connectLog?: string
}

export interface Cloud {
  /** A loopback URL: any request under it becomes a webhook_received invocation, answered with what the integration answers. */
  webhookUrl: string
  botId: string
  botUserId: string
  integrationId: string
  integrationAlias: string
  webhookId: string
  /** BP_TOKEN of the bundle processes. */
  token: string
  register(): Promise<InvokeResult>
  unregister(): Promise<InvokeResult>
  /** Answers the action's output; throws InvocationError on a non-2xx answer. */
  action<T = any>(type: string, input: unknown): Promise<T>
  /** Low level: `opts.headers` override the usual headers (undefined removes one); `rawBody` is sent as is. */
  invoke(
    operation: Operation,
    body: unknown,
    opts?: { headers?: Record<string, string | undefined>; rawBody?: string }
  ): Promise<InvokeResult>
  /** Creates the message as the bot in the emulator, then invokes message_created with the objects as the integration sees them. */
  messageCreated(p: {
    conversationId: string
    userId: string
    type: string
    payload: Record<string, unknown>
    tags?: Record<string, string>
  }): Promise<InvokeResult>
  webhook(p: {
    method?: string
    path?: string
    query?: string
    headers?: Record<string, string>
    body?: string
  }): Promise<InvokeResult>
  /** Every stdout and stderr line of the bundle processes. */
  logs: string[]
  processes: { pid: number; url: string }[]
  invocations: Invocation[]
  stop(): Promise<void>
}

export class InvocationError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: string,
    readonly json?: any
  ) {
    super(`${operation} answered ${status}: ${json?.message ?? body}`)
    this.name = 'InvocationError'
  }
}

/** Bundle processes alive in this process, killed when it exits even if a test forgot stop(). */
const live = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL')
  })
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade'])

function responseHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, key) => {
    out[key] = value
  })
  return out
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

interface BundleProcess {
  child: ChildProcess
  pid: number
  url: string
  exited: Promise<void>
}

function startProcess(bundlePath: string, env: NodeJS.ProcessEnv, logs: string[], timeoutMs: number): Promise<BundleProcess> {
  const preload = ['--require', PARENT_WATCH, ...(env.CONNECT_LOG ? ['--require', CONNECT_GUARD] : [])]
  const child = spawn(process.execPath, [...preload, SERVE_SCRIPT, '--port', '0', '--bundle', bundlePath], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  live.add(child)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child)
      resolve()
    })
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`The bundle process did not say it listens within ${timeoutMs} ms. Its output:\n${logs.join('\n')}`))
    }, timeoutMs)
    const onLine = (line: string) => {
      logs.push(line)
      const m = READY_LINE.exec(line)
      if (m && child.pid !== undefined) {
        clearTimeout(timer)
        resolve({ child, pid: child.pid, url: m[1] as string, exited })
      }
    }
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine)
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => logs.push(line))
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`The bundle process ended (${signal ?? `exit code ${code}`}) before it listened. Its output:\n${logs.join('\n')}`))
    })
  })
}

async function stopProcess(p: BundleProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return
  p.child.kill('SIGTERM')
  const killed = await Promise.race([p.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 2000).unref())])
  if (!killed) {
    p.child.kill('SIGKILL')
    await p.exited
  }
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export async function startCloud(opts: CloudOptions): Promise<Cloud> {
  const bundlePath = opts.bundlePath ?? DEFAULT_BUNDLE
  if (!existsSync(bundlePath)) throw new Error(`No integration bundle at ${bundlePath}: run \`npm run build\` first`)
  installExitHook()
  recordSecrets(configurationSecrets(opts.configuration))

  const botpress = opts.botpress
  const botId = opts.botId ?? botpress.botId
  const botUserId = opts.botUserId ?? botpress.botUserId
  const integrationId = opts.integrationId ?? randomUUID()
  const integrationAlias = opts.integrationAlias ?? 'zendesk-hitl'
  const webhookId = opts.webhookId ?? randomUUID()
  const token = `bp_int_${randomBytes(16).toString('hex')}`
  const configurationType = opts.configurationType ?? null
  const invokeTimeoutMs = opts.invokeTimeoutMs ?? 60_000
  const logs: string[] = []
  const invocations: Invocation[] = []
  const bundles: BundleProcess[] = []

  // What Botpress's webhook endpoint does: the path after the webhook id, the query without "?",
  // the headers, and the body as the text it came as.
  const prefix = `/${webhookId}`
  const onWebhook = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readRaw(req)
    const url = new URL(req.url ?? '/', 'http://webhook')
    // Botpress's OAuth route: one redirect URI for every installation, sent on to the one its `state` names.
    const oauth = url.pathname === '/oauth' && url.searchParams.get('state') === webhookId
    if (!oauth && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'No such webhook' }))
      return
    }
    const headers: Record<string, string> = {}
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const key = (req.rawHeaders[i] as string).toLowerCase()
      const value = req.rawHeaders[i + 1] as string
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`
    }
    const result = await webhook({
      method: req.method ?? 'GET',
      path: oauth ? '/oauth' : url.pathname.slice(prefix.length) || '/',
      query: url.search.replace(/^\?/, ''),
      headers,
      ...(raw.length > 0 && { body: raw.toString('utf8') }),
    })
    const out = Object.fromEntries(Object.entries(result.headers).filter(([k]) => !HOP_BY_HOP.has(k)))
    res.writeHead(result.status, out).end(result.body)
  }
  const server: Server = createServer((req, res) => {
    onWebhook(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: `The integration could not be invoked: ${String(err)}` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const webhookBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const webhookUrl = `${webhookBase}${prefix}`


  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BP_API_URL: botpress.url,
    BP_TOKEN: token,
    BP_WEBHOOK_URL: webhookBase,
    ...opts.env,
    ...(opts.connectLog && { CONNECT_LOG: opts.connectLog }),
  }
  const started = await Promise.allSettled(
    Array.from({ length: opts.processes ?? 1 }, () => startProcess(bundlePath, env, logs, opts.startTimeoutMs ?? 15_000))
  )
  bundles.push(...started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])))
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    server.closeAllConnections()
    server.close()
    await Promise.all(bundles.map(stopProcess))
    throw failed.reason
  }


  let next = 0
  const answers: string[] = []
  const baseHeaders = (operation: string): Record<string, string> => ({
    'content-type': 'application/json',
    'x-bot-id': botId,
    'x-bot-user-id': botUserId,
    'x-integration-id': integrationId,
    'x-integration-alias': integrationAlias,
    'x-webhook-id': webhookId,
    'x-bp-operation': operation,
    'x-bp-configuration': Buffer.from(JSON.stringify(opts.configuration)).toString('base64'),
    ...(configurationType !== null && { 'x-bp-configuration-type': configurationType }),
    'x-bp-type': 'integration',
  })

  const invoke: Cloud['invoke'] = async (operation, body, invokeOpts = {}) => {
    const headers = baseHeaders(operation)
    for (const [k, v] of Object.entries(invokeOpts.headers ?? {})) {
      if (v === undefined) delete headers[k.toLowerCase()]
      else headers[k.toLowerCase()] = v
    }
    const target = bundles[next++ % bundles.length] as BundleProcess
    const at = Date.now()
    const t0 = performance.now()
    const res = await fetch(`${target.url}/`, {
      method: 'POST',
      headers,
      body: invokeOpts.rawBody ?? JSON.stringify(body),
      // The integration's answer goes back to the caller as it is: a redirect is the browser's to follow.
      redirect: 'manual',
      signal: AbortSignal.timeout(invokeTimeoutMs),
    })
    const text = await res.text()
    // What the bundle answers (an action's output above all) reaches the bot and its users: the secret scan reads it.
    answers.push(text)
    invocations.push({ operation, status: res.status, durationMs: performance.now() - t0, at, pid: target.pid })
    const json = parseJson(text)
    return { status: res.status, headers: responseHeaders(res.headers), body: text, ...(json !== undefined && { json }) }
  }

  const webhook: Cloud['webhook'] = (p) =>
    invoke('webhook_received', {
      req: {
        method: (p.method ?? 'POST').toUpperCase(),
        path: p.path ?? '/',
        query: p.query ?? '',
        headers: p.headers ?? {},
        ...(p.body !== undefined && { body: p.body }),
      },
    })

  let stopped: Promise<void> | undefined
  return {
    webhookUrl,
    botId,
    botUserId,
    integrationId,
    integrationAlias,
    webhookId,
    token,
    logs,
    invocations,
    processes: bundles.map((b) => ({ pid: b.pid, url: b.url })),
    invoke,
    webhook,
    register: () => invoke('register', { webhookUrl }),
    unregister: () => invoke('unregister', { webhookUrl }),
    async action(type, input) {
      const result = await invoke('action_triggered', { type, input })
      if (result.status < 200 || result.status > 299) throw new InvocationError(`action ${type}`, result.status, result.body, result.json)
      return result.json?.output
    },
    messageCreated(p) {
      const message = botpress.createMessageAsBot(p)
      const conversation = botpress.state.conversations.get(p.conversationId)
      const user = botpress.state.users.get(p.userId)
      if (!conversation || !user) throw new Error('The conversation or the user of the message is gone from the emulator')
      return invoke('message_created', {
        conversation: botpress.asSeenByIntegration(conversation, integrationAlias),
        user: botpress.asSeenByIntegration(user, integrationAlias),
        message: botpress.asSeenByIntegration(message, integrationAlias),
        type: p.type,
        payload: p.payload,
      })
    },
    stop() {
      stopped ??= (async () => {
        server.closeAllConnections()
        await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), ...bundles.map(stopProcess)])
        recordLogs([...logs, ...answers])
      })()
      return stopped
    },
  }
}
