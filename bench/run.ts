// npm run bench: what each HITL operation costs through the built bundle, against the official integration's
// figures; webhook throughput; cold start and size against a do-nothing SDK integration. Prints one table and
// writes test-output/bench/results.json (ignored by git: a run never dirties the tree; README keeps the figures).
// Every figure comes from this one run on this machine.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_BUNDLE } from '../emulators/cloud'
import { bundle } from '../scripts/bundle'
import { bundleSize, coldStart, type ColdStart } from './coldstart'
import { OFFICIAL, ratio, show, type Figure } from './official'
import { LABELS, OPERATIONS, meter, playSession, startWorld, type Operation, type Usage } from './operations'
import { countRange, criticalPath, summarize, type Summary } from './stats'
import { webhookFlood } from './throughput'
import { burst, capacity } from './limits'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const RESULTS_DIR = join(HERE, '../test-output/bench')
/** Timed runs of each operation (createUser and startHitl get twice as many: every session starts with them). */
const RUNS = 200
/** Sessions played first and not counted: JIT, connection pools and the emulators' caches warm up. */
const WARMUP = 10
/** Sessions played through the recording proxies, for the critical path. */
const TRACED = 3
/** Replies by one agent in one ticket, to show how an inbound comment's cost grows with the ticket's history. */
const REPLIES = 5
const COLD_STARTS = 15
const FLOOD = { requests: 2000, concurrency: 32, tickets: 64 }
const TEAM_PLAN_PER_MINUTE = 200
const USER_MESSAGES = 5

type Row = { op: Operation; zendesk: number[]; botpress: number[]; webhooks: number[]; criticalPath: number[]; trips: number[]; ms: number[]; sequence: string }

const rows = new Map<Operation, Row>(OPERATIONS.map((op) => [op, { op, zendesk: [], botpress: [], webhooks: [], criticalPath: [], trips: [], ms: [], sequence: '' }]))
const row = (op: Operation) => rows.get(op) as Row

/** A request path with its ids and query left out, so that sequences read alike from run to run. */
const route = (path: string) =>
  (path.split('?')[0] ?? '')
    .replace(/\/(user|conv|msg|evt)_[0-9A-Z]+/g, '/:id')
    .replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}(?=\/)/g, '/:id')
    .replace(/\/\d+(?=[./]|$)/g, '/:id')

/** Through the taps: the critical path, the order of the calls, and the counts the taps and recorders agree on. */
async function trace(bundlePath: string): Promise<number[]> {
  const world = await startWorld({ bundlePath, tap: true })
  try {
    const record = (op: Operation, u: Usage) => {
      const api = u.trips.filter((t) => t.service !== 'media')
      const zendeskTrips = api.filter((t) => t.service === 'zendesk').length
      if (zendeskTrips !== u.zendesk || api.length - zendeskTrips !== u.botpress) {
        throw new Error(`${op}: the taps saw ${api.length} calls, the emulators recorded ${u.zendesk + u.botpress}`)
      }
      row(op).criticalPath.push(criticalPath(u.trips))
      row(op).trips.push(u.trips.length)
      row(op).sequence ||= u.trips.map((t) => `${t.service} ${t.method} ${route(t.path)}`).join(' → ')
    }
    for (let i = 0; i < TRACED; i++) {
      await playSession(world, meter(world, record), i, 'agent')
      await playSession(world, meter(world, record), i, 'bot')
    }
    const replies: number[] = []
    const measure = meter(world, (_, u) => replies.push(u.botpress))
    const session = await world.plugin.escalate({ name: 'Chatty ticket' })
    for (let k = 1; k <= REPLIES; k++) {
      await measure('agentComment', async () => {
        world.zendesk.agent(world.agentId).reply(session.ticketId, { body: `Reply ${k}` })
        await world.zendesk.settled()
      })
    }
    return replies
  } finally {
    await world.close()
  }
}

/** Straight to the emulators: wall time and call counts of every run. */
async function time(bundlePath: string): Promise<void> {
  const world = await startWorld({ bundlePath })
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const measure = meter(world, (op, u) => {
        if (i < WARMUP) return
        row(op).zendesk.push(u.zendesk)
        row(op).botpress.push(u.botpress)
        row(op).webhooks.push(u.webhooks)
        row(op).ms.push(u.ms)
      })
      await playSession(world, measure, TRACED + i, 'agent')
      await playSession(world, measure, TRACED + i, 'bot')
    }
  } finally {
    await world.close()
  }
}

async function coldStarts(ours: string, floor: string): Promise<{ ours: ColdStart[]; floor: ColdStart[] }> {
  const result = { ours: [] as ColdStart[], floor: [] as ColdStart[] }
  // Alternated, so a slower moment of the machine weighs on both alike.
  for (let i = 0; i < COLD_STARTS; i++) {
    result.floor.push(await coldStart(floor))
    result.ours.push(await coldStart(ours))
  }
  const refused = [...result.floor, ...result.ours].find((c) => c.status !== 200)
  if (refused) throw new Error(`A cold-started bundle answered its ping with ${refused.status}`)
  return result
}

const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0))
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`
const spread = (s: Summary, unit: (x: number) => string) => `${unit(s.min)} / ${unit(s.median)} / ${unit(s.max)}`
const single = (counts: number[]) => Math.max(...counts)

function sessionsPerMinute(zendeskCalls: Figure): string {
  const fmt = (calls: number) => (TEAM_PLAN_PER_MINUTE / calls).toFixed(1)
  if (zendeskCalls.max === undefined) return `≤${fmt(zendeskCalls.min)}`
  return zendeskCalls.min === zendeskCalls.max ? fmt(zendeskCalls.min) : `${fmt(zendeskCalls.max)}–${fmt(zendeskCalls.min)}`
}

const sum = (parts: [Figure, number][]): Figure => ({
  min: parts.reduce((n, [f, times]) => n + f.min * times, 0),
  max: parts.some(([f]) => f.max === undefined) ? undefined : parts.reduce((n, [f, times]) => n + (f.max as number) * times, 0),
})

async function main(): Promise<void> {
  const started = Date.now()
  const work = mkdtempSync(join(tmpdir(), 'zendesk-hitl-bench-'))
  try {
    // A copy, so another `npm run build` in this checkout cannot swap the bundle halfway through the run.
    const ours = join(work, 'zendesk-hitl.cjs')
    copyFileSync(DEFAULT_BUNDLE, ours)
    const floor = join(work, 'minimal.cjs')
    // The same bundling as ours, so the only difference is the source.
    await bundle(join(HERE, 'minimal/integration.ts'), floor)

    const replies = await trace(ours)
    await time(ours)
    const flood = await webhookFlood({ bundlePath: ours, ...FLOOD })
    const cold = await coldStarts(ours, floor)
    const burstResult = await burst(ours)

    const machine = {
      nproc: cpus().length,
      cpu: /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown',
      node: process.version,
      date: new Date(started).toISOString(),
    }
    const lines: string[] = []
    const out = (line = '') => lines.push(line)

    out(`zendesk-hitl bench — ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}, ${machine.date}`)
    out()
    out(`Per operation, through the built bundle and the emulators (${RUNS} timed runs each, ${2 * RUNS} for createUser and startHitl, after ${WARMUP} warm-up sessions)`)
    out()
    out('| operation | Zendesk calls: ours / official (ratio) | Botpress calls: ours / official (ratio) | webhooks | critical path | median ms | p95 ms | min / max ms |')
    out('| --- | --- | --- | --- | --- | --- | --- | --- |')
    const perOperation = OPERATIONS.map((op) => {
      const r = row(op)
      const official = OFFICIAL[op]
      const wall = summarize(r.ms)
      const compare = (counts: number[], theirs: Figure | undefined) =>
        theirs ? `${countRange(counts)} / ${show(theirs)} (${ratio(single(counts), theirs)})` : `${countRange(counts)} / —`
      out(
        `| ${LABELS[op]} | ${compare(r.zendesk, official?.zendesk)} | ${compare(r.botpress, official?.botpress)} | ${countRange(r.webhooks)} | ` +
          `${countRange(r.criticalPath)} of ${countRange(r.trips)} | ${ms(wall.median)} | ${ms(wall.p95)} | ${ms(wall.min)} / ${ms(wall.max)} |`
      )
      return {
        operation: op,
        label: LABELS[op],
        zendeskCalls: countRange(r.zendesk),
        botpressCalls: countRange(r.botpress),
        webhooks: countRange(r.webhooks),
        criticalPath: countRange(r.criticalPath),
        roundTrips: countRange(r.trips),
        sequence: r.sequence,
        wallMs: wall,
        official: official ?? null,
      }
    })

    const z = (op: Operation): Figure => ({ min: single(row(op).zendesk), max: single(row(op).zendesk) })
    const theirs = (op: Operation): Figure => OFFICIAL[op]?.zendesk ?? { min: 0, max: 0 }
    const session = (f: (op: Operation) => Figure) => sum([[f('startHitl'), 1], [f('text'), USER_MESSAGES], [f('stopHitl'), 1]])
    const loop = (f: (op: Operation) => Figure) =>
      sum([[f('createUser'), 1], [f('startHitl'), 1], [f('text'), USER_MESSAGES], [f('assignment'), 1], [f('agentComment'), USER_MESSAGES], [f('solve'), 1]])
    const derived = [
      { name: `startHitl + ${USER_MESSAGES} user messages + stopHitl`, ours: session(z), official: session(theirs) },
      {
        name: `createUser + startHitl + ${USER_MESSAGES} user messages + assignment + ${USER_MESSAGES} agent replies + solve`,
        ours: loop(z),
        official: loop(theirs),
      },
    ].map((d) => ({ ...d, oursPerMinute: sessionsPerMinute(d.ours), officialPerMinute: sessionsPerMinute(d.official) }))
    out()
    out(`HITL sessions per minute on a Zendesk Team plan (${TEAM_PLAN_PER_MINUTE} API requests/min for the whole account)`)
    out()
    out('| session | Zendesk calls: ours / official | sessions/min: ours / official |')
    out('| --- | --- | --- |')
    for (const d of derived) out(`| ${d.name} | ${show(d.ours)} / ${show(d.official)} | ${d.oursPerMinute} / ${d.officialPerMinute} |`)


    const agentUpdates = 1 + USER_MESSAGES + 1
    const plans = capacity({ ours: loop(z), official: loop(theirs), userMessages: USER_MESSAGES, agentUpdates })
    const per = (x: number) => x.toFixed(1)
    out()
    out(
      `HITL sessions per minute one account sustains, by plan (session: the full loop above; ${USER_MESSAGES + agentUpdates} ticket updates: ` +
        `${USER_MESSAGES} user messages, the agent's assignment, ${USER_MESSAGES} replies and solve; the smaller bound binds)`
    )
    out()
    out('| plan | requests/min | Update Ticket/min (account) | ours: by requests / by updates → sessions/min | official: by requests / by updates → sessions/min |')
    out('| --- | --- | --- | --- | --- |')
    for (const c of plans) {
      out(
        `| ${c.plan} | ${c.requestsPerMinute} | ${c.ticketUpdatesPerMinute} | ${per(c.ours.byRequests)} / ${per(c.ours.byUpdates)} → **${per(c.ours.sessions)}** | ` +
          `${per(c.official.byRequests)} / ${per(c.official.byUpdates)} → **${per(c.official.sessions)}** |`
      )
    }
    out()
    out(
      `A ${burstResult.messages}-message burst on one ticket (one message a second, then an agent reply every 20 s, then stopHitl; Team plan, emulated time)`
    )
    out()
    out('| messages | ticket updates used | comments | refused by Zendesk | longest wait of a message | all on the ticket after | in order, each once |')
    out('| --- | --- | --- | --- | --- | --- | --- |')
    out(
      `| ${burstResult.messages} | ${burstResult.updates} | ${burstResult.comments} | ${burstResult.refused} | ${burstResult.longestWaitSeconds} s | ` +
        `${burstResult.allDeliveredAfterSeconds} s | ${burstResult.inOrder ? 'yes' : 'NO'} |`
    )

    out()
    out(
      `Webhook throughput: ${flood.requests} signed comment webhooks on ${flood.tickets} tickets, concurrency ${flood.concurrency}, ` +
        `one bundle process, through the driver's webhook URL`
    )
    out()
    out(
      '| requests/s | p50 ms | p99 ms | errors | comments relayed / expected | duplicates | ' +
        'bundle RSS: before → after → after a second flood → idle (peak) | CPU ms per webhook: bundle / harness |'
    )
    out('| --- | --- | --- | --- | --- | --- | --- | --- |')
    const memory = flood.rss
    out(
      `| ${flood.perSecond.toFixed(0)} | ${ms(flood.latencyMs.median)} | ${ms(flood.latencyMs.p99)} | ${flood.errors} | ` +
        `${flood.newMessages} / ${flood.expectedMessages} | ${flood.duplicates} | ` +
        `${mb(memory.before)} → ${mb(memory.after)} → ${mb(memory.afterSecond)} → ${mb(memory.afterIdle)} (${mb(memory.peak)}) | ` +
        `${flood.cpuMsPerWebhook.bundle.toFixed(2)} / ${flood.cpuMsPerWebhook.harness.toFixed(2)} |`
    )
    const heap = flood.heapAfterGc
    out()
    out(
      `V8 heap after a full collection (--expose-gc): ${mb(heap.before)} before → ${mb(heap.after)} after the flood → ` +
        `${mb(heap.afterSecond)} after a second one (${(heap.afterSecond / heap.before).toFixed(2)}× the baseline)`
    )

    const sizes = { ours: bundleSize(ours), floor: bundleSize(floor) }
    const start = { ours: summarize(cold.ours.map((c) => c.ms)), floor: summarize(cold.floor.map((c) => c.ms)) }
    const rss = { ours: summarize(cold.ours.map((c) => c.peakRss)), floor: summarize(cold.floor.map((c) => c.peakRss)) }
    out()
    out(`Cold start and size: spawn → first answered request (a ping), ${COLD_STARTS} starts each, alternated; min / median / max`)
    out()
    out('| bundle | bytes | gzip | cold start ms | peak RSS |')
    out('| --- | --- | --- | --- | --- |')
    out(`| zendesk-hitl | ${kb(sizes.ours.raw)} | ${kb(sizes.ours.gzip)} | ${spread(start.ours, ms)} | ${spread(rss.ours, mb)} |`)
    out(`| minimal SDK integration (bench/minimal) | ${kb(sizes.floor.raw)} | ${kb(sizes.floor.gzip)} | ${spread(start.floor, ms)} | ${spread(rss.floor, mb)} |`)
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`
    out(
      `| ratio | ${x(sizes.ours.raw, sizes.floor.raw)} | ${x(sizes.ours.gzip, sizes.floor.gzip)} | ` +
        `${x(start.ours.min, start.floor.min)} / ${x(start.ours.median, start.floor.median)} / ${x(start.ours.max, start.floor.max)} | ` +
        `${x(rss.ours.min, rss.floor.min)} / ${x(rss.ours.median, rss.floor.median)} / ${x(rss.ours.max, rss.floor.max)} |`
    )

    const notes = [
      'Design: one Zendesk call per outbound operation (an image adds its upload, a request of its own); one per inbound webhook, ' +
        'which reads the ticket\'s comments back with include=users: that read is what makes the relayed text, authors and attachments ' +
        'exact and immune to changes in Zendesk\'s placeholder formats.',
      'Counts come from the emulators\' recorders (Zendesk `requests`, Botpress `calls`) around each operation and are the same in every run ' +
        'unless shown as a range. The critical path is the longest chain of round trips each starting after the previous one ended, ' +
        'timed by recording proxies between the bundle and each service (a separate traced run); it counts the media download of an image.',
      'Webhook operations (agent comment, assignment, solve) are timed from the agent\'s action in the Zendesk emulator ' +
        'to the delivery\'s answer: trigger, signed delivery, the driver\'s webhook hop and the handler.',
      'An assignment reads the agent from Zendesk (name, avatar) only the first time that agent is met; the table, after warm-up, ' +
        'shows an agent met before.',
      `The k-th reply of one agent in one ticket, with no assignment before it, costs ${replies.join(', ')} Botpress calls for ` +
        `k = 1…${REPLIES} (1 Zendesk call each): the first one also announces the agent.`,
      'The webhooks column counts the deliveries an operation caused; their calls are in its counts. stopHitl tags the ticket as ' +
        'ended by the bot with the status change, and the "stopped" trigger skips such tickets, so the bot\'s own stop does not echo back.',
      'Official figures: botpress/botpress integrations/zendesk (2026), public code: createUser, startHitl, channel text and inbound ' +
        'comment as stated for this comparison; image (its URL as a plain-text comment, no upload), assignment, solve and stopHitl read ' +
        'from channels/hitl.ts, events/ticket-assigned.ts, events/ticket-solved.ts and actions/hitl.ts.',
    ]
    out()
    for (const n of notes) out(`- ${n}`)
    out()
    out(`Sequences (first traced run): `)
    for (const p of perOperation) out(`- ${p.operation}: ${p.sequence}`)
    out()
    out(`Total bench time: ${((Date.now() - started) / 1000).toFixed(0)} s`)

    console.log(lines.join('\n'))
    const results = {
      machine,
      runs: { timed: RUNS, warmup: WARMUP, traced: TRACED, coldStarts: COLD_STARTS },
      perOperation,
      agentReplyBotpressCalls: replies,
      sessionsPerMinute: derived,
      sessionsPerMinuteByPlan: plans,
      burst: burstResult,
      webhookThroughput: flood,
      coldStart: { sizes, startMs: start, peakRss: rss },
      notes,
      table: lines.join('\n'),
    }
    // Microseconds are noise at these durations; three decimals keep the file readable.
    const rounded = (_: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v)
    mkdirSync(RESULTS_DIR, { recursive: true })
    writeFileSync(join(RESULTS_DIR, 'results.json'), `${JSON.stringify(results, rounded, 2)}\n`)
    console.log(`\nEvery sample summary and call sequence: ${join(RESULTS_DIR, 'results.json')}`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
