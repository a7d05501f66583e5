import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BotpressEmulator, startBotpressEmulator } from '../../emulators/botpress'
import { buildFixtureBundle, type FixtureBundle } from './fixture'
import { type Cloud, InvocationError, startCloud } from '../../emulators/cloud/index'
import { findLeaks } from '../../emulators/secret-scan'

// The fixture's echo answers the configuration back, and the secret scan reads answers: no field here is a secret.
const configuration = { subdomain: 'acme', privateNote: 'do-not-print' }

/** A zombie has ended: an orphan's zombie stays until the machine's init reaps it, which can take a second. */
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z'
  } catch {
    return true
  }
}

let fixture: FixtureBundle
let botpress: BotpressEmulator
let cloud: Cloud

beforeAll(async () => {
  fixture = await buildFixtureBundle()
  botpress = await startBotpressEmulator()
  cloud = await startCloud({ botpress, configuration, bundlePath: fixture.bundlePath, processes: 2 })
}, 30_000)

afterAll(async () => {
  await cloud?.stop()
  await botpress?.close()
  await fixture?.remove()
})

const integrationState = (name: string) => botpress.state.states.get(`integration/${cloud.integrationId}/${name}`)

describe('Botpress Cloud driver', () => {
  it('registers with the webhook URL, and the integration reaches the emulator with its identity', async () => {
    const result = await cloud.register()
    expect(result.status).toBe(200)
    expect(integrationState('registered')?.payload).toEqual({ webhookUrl: cloud.webhookUrl })

    const setState = botpress.calls.find((c) => c.operation === 'setState')
    expect(setState?.headers).toMatchObject({
      'x-bot-id': botpress.botId,
      'x-integration-id': cloud.integrationId,
      'x-integration-alias': 'zendesk-hitl',
      authorization: `Bearer ${cloud.token}`,
    })
    expect(cloud.logs.some((l) => l.includes(`fixture registered at ${cloud.webhookUrl}`))).toBe(true)

    expect((await cloud.unregister()).status).toBe(200)
    expect(integrationState('unregistered')?.payload).toEqual({ webhookUrl: cloud.webhookUrl })
  })

  it('round-trips an action with the context Botpress Cloud sends', async () => {
    const output = await cloud.action('echo', { n: 1, text: 'é' })
    expect(output).toMatchObject({
      input: { n: 1, text: 'é' },
      configuration,
      configurationType: null,
      botId: botpress.botId,
      botUserId: botpress.botUserId,
      integrationId: cloud.integrationId,
      webhookId: cloud.webhookId,
    })
    const last = cloud.invocations.at(-1)
    expect(last).toMatchObject({ operation: 'action_triggered', status: 200 })
    expect(last?.durationMs).toBeGreaterThan(0)
  })

  it('passes the configuration type of a non-default configuration', async () => {
    const result = await cloud.invoke('action_triggered', { type: 'echo', input: {} }, { headers: { 'x-bp-configuration-type': 'manual' } })
    expect(result.json.output.configurationType).toBe('manual')
  })

  it('throws InvocationError with the RuntimeError the integration answers', async () => {
    const error = await cloud.action('fail', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvocationError)
    expect(error).toMatchObject({ status: 400, json: { type: 'Runtime', code: 400, message: 'the fixture fails on purpose' } })
    expect((error as InvocationError).json.id).toMatch(/^err_\d{14}x[0-9A-F]{8}$/)

    const crash = await cloud.action('crash', {}).catch((e: InvocationError) => e)
    expect(crash).toMatchObject({ status: 400, json: { type: 'Runtime' } })
  })

  it('lets tests send malformed invocations (the SDK answers 500 without a header)', async () => {
    const noBot = await cloud.invoke('ping', {}, { headers: { 'x-bot-id': undefined } })
    expect(noBot.status).toBe(500)
    expect(noBot.json).toEqual({ error: 'Missing bot header' })

    const badBody = await cloud.invoke('action_triggered', undefined, { rawBody: '{not json' })
    expect(badBody.status).toBe(400)
    expect(badBody.json.type).toBe('Runtime')
  })

  it('turns a request under webhookUrl into webhook_received with the raw body intact', async () => {
    const raw = '{"b": 2,   "a":"é\\u00e9"}\n'
    const res = await fetch(`${cloud.webhookUrl}/zendesk/events?x=1&y=a%20b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': 'sig==' },
      body: raw,
    })
    expect(res.status).toBe(202)
    expect(res.headers.get('x-fixture')).toBe('yes')
    const echoed = (await res.json()) as { method: string; path: string; query: string; headers: Record<string, string>; body: string }
    expect(echoed).toMatchObject({ method: 'POST', path: '/zendesk/events', query: 'x=1&y=a%20b', body: raw })
    expect(echoed.headers['x-zendesk-webhook-signature']).toBe('sig==')
    expect(cloud.invocations.at(-1)).toMatchObject({ operation: 'webhook_received', status: 202 })

    const get = await fetch(cloud.webhookUrl)
    expect(((await get.json()) as { method: string; path: string; body?: string })).toMatchObject({ method: 'GET', path: '/' })

    const elsewhere = await fetch(cloud.webhookUrl.replace(cloud.webhookId, 'another-webhook'), { method: 'POST', body: '{}' })
    expect(elsewhere.status).toBe(404)
  })

  it('sends message_created with the objects as the integration sees them, and the ack tags the message', async () => {
    const user = botpress.createUserAsBot({ name: 'Ada', tags: { 'zendesk-hitl:email': 'ada@example.com' } })
    const conversation = botpress.createConversationAsBot({ channel: 'hitl', integration: 'zendesk-hitl', tags: { 'zendesk-hitl:ticketId': '7' } })

    const result = await cloud.messageCreated({ conversationId: conversation.id, userId: botpress.botUserId, type: 'text', payload: { text: 'hello' } })
    expect(result.status).toBe(200)

    const [message] = botpress.messagesIn(conversation.id)
    expect(message).toMatchObject({ direction: 'outgoing', userId: botpress.botUserId, tags: { 'zendesk-hitl:zendeskCommentId': 'comment-hello' } })
    const seen = integrationState('lastMessage')?.payload
    expect(seen).toMatchObject({ conversation: { id: conversation.id, tags: { ticketId: '7' } }, payload: { text: 'hello' } })
    expect(seen?.message).toMatchObject({ id: message?.id, tags: {} })
    expect(user.tags).toEqual({ 'zendesk-hitl:email': 'ada@example.com' })
    expect(botpress.countCalls({ operation: 'updateMessage' })).toBe(1)
  })

  it('invokes the bundle processes round-robin', async () => {
    const pids = []
    for (let i = 0; i < 4; i++) pids.push((await cloud.action('echo', { i })).pid)
    expect(new Set(pids).size).toBe(2)
    expect(pids[0]).toBe(pids[2])
    expect(pids[1]).toBe(pids[3])
    expect(new Set(cloud.processes.map((p) => p.pid))).toEqual(new Set(pids))
  })

  it('lets the SDK retry a 502 from the API, as the real client does', async () => {
    const since = botpress.calls.length
    botpress.faults.serverError({ count: 1, status: 502, operation: 'getOrCreateUser', retryAfter: 0 })
    const output = await cloud.action('createUser', { email: 'grace@example.com' })
    expect(output.tags).toEqual({ email: 'grace@example.com' })
    expect(botpress.calls.slice(since).map((c) => c.status)).toEqual([502, 200])
    expect(botpress.contractViolations).toEqual([])
  })

  it('never prints the configuration it is given', () => {
    expect(cloud.logs.join('\n')).not.toContain('do-not-print')
  })
})

describe('stop()', () => {
  it('leaves no bundle process and closes the webhook listener', async () => {
    const own = await startCloud({ botpress, configuration, bundlePath: fixture.bundlePath, processes: 2 })
    const pids = own.processes.map((p) => p.pid)
    expect(pids.every(isAlive)).toBe(true)
    await own.stop()
    expect(pids.filter(isAlive)).toEqual([])
    await expect(fetch(own.webhookUrl, { method: 'POST', body: '{}' })).rejects.toThrow()
    await own.stop()
  })

  it('leaves no bundle process behind when the process that started them is killed outright', async () => {
    const probe = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./orphan-probe.ts', import.meta.url)), fixture.bundlePath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const [line] = await once(createInterface({ input: probe.stdout }), 'line')
    const pids = JSON.parse(line as string) as number[]
    expect(pids.every(isAlive)).toBe(true)
    probe.kill('SIGKILL')
    await botpress.waitFor(() => pids.every((pid) => !isAlive(pid)), { timeoutMs: 5000, description: 'the orphaned bundle processes to end' })
  })

  it('records the bundle\'s answers with its logs, so a secret an action returns fails the secret scan', async () => {
    const scan = mkdtempSync(join(tmpdir(), 'scan-'))
    const suiteScan = process.env.SECRET_SCAN_DIR
    process.env.SECRET_SCAN_DIR = scan
    try {
      const own = await startCloud({ botpress, configuration, bundlePath: fixture.bundlePath })
      await own.action('echo', { returned: 'answer-only-secret-0123' })
      await own.stop()
      writeFileSync(join(scan, 'secrets-test.txt'), 'answer-only-secret-0123')
      expect(findLeaks(scan)).toEqual([expect.stringMatching(/^answ… in logs-/)])
    } finally {
      if (suiteScan === undefined) delete process.env.SECRET_SCAN_DIR
      else process.env.SECRET_SCAN_DIR = suiteScan
      rmSync(scan, { recursive: true, force: true })
    }
  })

  it('explains a missing bundle', async () => {
    await expect(startCloud({ botpress, configuration, bundlePath: '/nonexistent/index.cjs' })).rejects.toThrow(/npm run build/)
  })
})
