// Webhook throughput: Zendesk's deliveries replayed at high concurrency through the driver's webhook URL, signed as
// Zendesk signs them, with the bodies Zendesk's triggers rendered for real comments on real tickets.
import { createHmac } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { startWorld, type World } from './operations'
import { cpuMsOf, heapAfterGc, memoryOf } from './proc'
import { summarize, type Summary } from './stats'

export type Flood = {
  requests: number
  concurrency: number
  tickets: number
  seconds: number
  perSecond: number
  latencyMs: Summary
  errors: number
  /** Agent comments the flood had to relay (Zendesk's own deliveries of them were held back). */
  expectedMessages: number
  newMessages: number
  /** Messages relayed more than once, after the flood and again after Zendesk's held deliveries arrived. */
  duplicates: number
  /**
   * RSS of the bundle before the flood, after it, after a second flood just as large (a leak would keep growing
   * it; a heap that only warmed up stays level) and after a few idle seconds.
   */
  rss: { before: number; after: number; afterSecond: number; afterIdle: number; peak: number }
  /** V8 heap after a full collection: before the floods, after the first, after the second. Level means no leak. */
  heapAfterGc: { before: number; after: number; afterSecond: number }
  /** CPU time per webhook: the bundle's, and this process's (emulators, driver, client) for comparison. */
  cpuMsPerWebhook: { bundle: number; harness: number }
}

/** How long the bundle idles after the floods before its memory is read again. */
const IDLE_MS = 3_000

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

function signingSecret(world: World): string {
  const prefix = `integration/${world.cloud.integrationId}/`
  for (const [key, state] of world.botpress.state.states) {
    const payload = state.payload as { signingSecret?: string }
    if (key.startsWith(prefix) && key.endsWith('zendesk') && payload.signingSecret) return payload.signingSecret
  }
  throw new Error('No signing secret in the integration state: register did not run')
}

/** Copies of one comment message, past the first, over every conversation. */
function duplicates(world: World, conversationIds: string[]): { messages: number; duplicates: number } {
  let messages = 0
  let extra = 0
  for (const id of conversationIds) {
    const seen = new Map<string, number>()
    for (const m of world.plugin.toUser({ conversationId: id })) {
      const key = world.plugin.tagsOf(m).zendeskCommentId ?? m.id
      seen.set(key, (seen.get(key) ?? 0) + 1)
      messages++
    }
    for (const n of seen.values()) extra += n - 1
  }
  return { messages, duplicates: extra }
}

export async function webhookFlood(opts: { bundlePath: string; requests: number; concurrency: number; tickets: number }): Promise<Flood> {
  // 2,000 webhooks each read the ticket's comments: a minute's worth of the High Volume plan (2,500 requests), and
  // each flood starts a minute of its own on the emulator's clock.
  const world = await startWorld({ bundlePath: opts.bundlePath, env: { NODE_OPTIONS: '--expose-gc' }, plan: 'high-volume' })
  try {
    const { zendesk, plugin, cloud } = world
    const agent = zendesk.agent(world.agentId)
    const sessions = []
    for (let i = 0; i < opts.tickets; i++) {
      const session = await plugin.escalate({ name: `Flood user ${i}` })
      agent.reply(session.ticketId, { body: `First answer on ticket ${session.ticketId}` })
      sessions.push(session)
    }
    await zendesk.settled()
    const bodies = [...new Set(zendesk.deliveries.filter((d) => d.status === 200 && JSON.parse(d.body).event === 'comment').map((d) => d.body))]
    if (bodies.length !== opts.tickets) throw new Error(`expected ${opts.tickets} comment deliveries, got ${bodies.length}`)

    // A second reply per ticket that Zendesk has not delivered yet: the flood's deliveries are what relays it.
    zendesk.faults.holdDeliveries()
    for (const s of sessions) agent.reply(s.ticketId, { body: `Second answer on ticket ${s.ticketId}` })
    const conversationIds = sessions.map((s) => s.conversationId)
    const before = duplicates(world, conversationIds).messages

    const secret = signingSecret(world)
    const pid = cloud.processes[0]!.pid
    const heapBefore = await heapAfterGc(pid, cloud.logs)
    const rssBefore = memoryOf(pid).rss
    const bundleCpuBefore = cpuMsOf(pid)
    const harnessCpuBefore = process.cpuUsage()
    const flood = async () => {
      zendesk.advanceClock(60)
      const latencies: number[] = []
      let errors = 0
      let next = 0
      const t0 = performance.now()
      const worker = async () => {
        for (let i = next++; i < opts.requests; i = next++) {
          const body = bodies[i % bodies.length] as string
          const timestamp = isoSeconds(new Date())
          const signature = createHmac('sha256', secret).update(timestamp + body).digest('base64')
          const started = performance.now()
          const res = await fetch(cloud.webhookUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'x-zendesk-webhook-signature': signature,
              'x-zendesk-webhook-signature-timestamp': timestamp,
            },
            body,
          })
          await res.arrayBuffer()
          latencies.push(performance.now() - started)
          if (res.status !== 200) errors++
        }
      }
      await Promise.all(Array.from({ length: opts.concurrency }, worker))
      return { latencies, errors, seconds: (performance.now() - t0) / 1000 }
    }
    const { latencies, errors, seconds } = await flood()
    const memory = memoryOf(pid)
    const heapAfter = await heapAfterGc(pid, cloud.logs)
    const bundleCpu = cpuMsOf(pid) - bundleCpuBefore
    const harnessCpu = process.cpuUsage(harnessCpuBefore)
    const afterFlood = duplicates(world, conversationIds)

    const second = await flood()
    const afterSecond = memoryOf(pid).rss
    const heapAfterSecond = await heapAfterGc(pid, cloud.logs)
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
    const afterIdle = memoryOf(pid)

    zendesk.faults.clear()
    await zendesk.settled()
    const afterHeld = duplicates(world, conversationIds)
    return {
      requests: opts.requests,
      concurrency: opts.concurrency,
      tickets: opts.tickets,
      seconds,
      perSecond: opts.requests / seconds,
      latencyMs: summarize(latencies),
      errors: errors + second.errors,
      expectedMessages: opts.tickets,
      newMessages: afterFlood.messages - before,
      duplicates: Math.max(afterFlood.duplicates, afterHeld.duplicates),
      rss: { before: rssBefore, after: memory.rss, afterSecond, afterIdle: afterIdle.rss, peak: afterIdle.peak },
      heapAfterGc: { before: heapBefore, after: heapAfter, afterSecond: heapAfterSecond },
      cpuMsPerWebhook: { bundle: bundleCpu / opts.requests, harness: (harnessCpu.user + harnessCpu.system) / 1000 / opts.requests },
    }
  } finally {
    await world.close()
  }
}
