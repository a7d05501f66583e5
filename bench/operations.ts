// The HITL operations that `npm run bench` times and test/e2e/call-counts.test.ts counts, played the way the hitl
// plugin and a Zendesk agent play them: through the built bundle run by the Botpress Cloud driver, against the
// Zendesk and Botpress emulators. Nothing here calls the integration's code in-process.
import { performance } from 'node:perf_hooks'
import { startCloud, type Cloud } from '../emulators/cloud'
import { startBotpressEmulator, type BotpressEmulator } from '../emulators/botpress'
import { startZendeskEmulator, type Plan, type ZendeskEmulator } from '../emulators/zendesk'
import { PNG, Plugin, startFileServer } from '../emulators/plugin/index'
import { startTap, type Tap, type Trip } from './tap'

export const OPERATIONS = ['createUser', 'startHitl', 'text', 'image', 'agentComment', 'assignment', 'solve', 'stopHitl'] as const
export type Operation = (typeof OPERATIONS)[number]

export const LABELS: Record<Operation, string> = {
  createUser: 'createUser',
  startHitl: 'startHitl (10-message history)',
  text: 'channel text',
  image: 'channel image (upload + comment)',
  agentComment: 'inbound agent comment',
  assignment: 'assignment',
  solve: 'solve (agent)',
  stopHitl: 'stopHitl (bot)',
}

export type World = {
  zendesk: ZendeskEmulator
  botpress: BotpressEmulator
  cloud: Cloud
  plugin: Plugin
  /** Where the user's media are served (through the tap when there is one). */
  mediaUrl: string
  agentId: number
  /** Round trips seen by the taps; empty when the world runs without them. */
  trips: Trip[]
  close(): Promise<void>
}

/**
 * One integration instance, registered. With `tap`, every Zendesk, Botpress and media round trip of the bundle
 * passes a recording proxy (slower, but exactly timed); without it the bundle talks to the emulators directly.
 */
export async function startWorld(opts: { bundlePath?: string; tap?: boolean; env?: Record<string, string>; plan?: Plan } = {}): Promise<World> {
  const zendesk = await startZendeskEmulator({ webhookRetryBackoffMs: 20, ...(opts.plan ? { plan: opts.plan } : {}) })
  const botpress = await startBotpressEmulator()
  const files = await startFileServer({ '/cat.png': { type: 'image/png', data: PNG } })
  const trips: Trip[] = []
  const taps: Tap[] = opts.tap
    ? await Promise.all([startTap('zendesk', zendesk.url, trips), startTap('botpress', botpress.url, trips), startTap('media', files.url, trips)])
    : []
  const [zendeskTap, botpressTap, mediaTap] = taps
  const cloud = await startCloud({
    botpress,
    configurationType: 'manual',
    configuration: { subdomain: zendeskTap?.url ?? zendesk.url, accessToken: zendesk.issueAccessToken() },
    ...(opts.bundlePath ? { bundlePath: opts.bundlePath } : {}),
    env: { ...opts.env, ...(botpressTap ? { BP_API_URL: botpressTap.url } : {}) },
  })
  const registered = await cloud.register()
  if (registered.status !== 200) throw new Error(`register failed: ${registered.status} ${registered.body}`)
  const agent = zendesk.createAgent({ name: 'Grace Hopper', email: 'grace@acme.test', photoUrl: 'https://cdn.acme.test/grace.png' })
  trips.length = 0
  return {
    zendesk,
    botpress,
    cloud,
    plugin: new Plugin(cloud, botpress, zendesk),
    mediaUrl: mediaTap?.url ?? files.url,
    agentId: agent.id,
    trips,
    async close() {
      await cloud.stop()
      await Promise.all(taps.map((t) => t.close()))
      await Promise.all([files.close(), botpress.close(), zendesk.close()])
    },
  }
}

/**
 * What one operation cost: calls the integration made, the webhook invocations it took (Zendesk's deliveries
 * reaching the bundle), the round trips the taps saw, and the wall time.
 */
export type Usage = { zendesk: number; botpress: number; webhooks: number; trips: Trip[]; ms: number }
export type Measure = <T>(op: Operation, run: () => Promise<T>) => Promise<T>

/** Counts from the emulators' own recorders (`requests`, `calls`), taken around the operation. */
export function meter(world: World, record: (op: Operation, usage: Usage) => void): Measure {
  return async (op, run) => {
    const zendeskBefore = world.zendesk.requests.length
    const botpressBefore = world.botpress.calls.length
    const tripsBefore = world.trips.length
    const deliveriesBefore = world.zendesk.deliveries.length
    const invocationsBefore = world.cloud.invocations.length
    const t0 = performance.now()
    const result = await run()
    const ms = performance.now() - t0
    const failed = world.zendesk.deliveries.slice(deliveriesBefore).filter((d) => d.status !== 200)
    if (failed.length) throw new Error(`${op}: a webhook delivery failed: ${JSON.stringify(failed[0])}`)
    record(op, {
      zendesk: world.zendesk.requests.length - zendeskBefore,
      botpress: world.botpress.calls.length - botpressBefore,
      webhooks: world.cloud.invocations.slice(invocationsBefore).filter((i) => i.operation === 'webhook_received').length,
      trips: world.trips.slice(tripsBefore),
      ms,
    })
    return result
  }
}

/** The chat before the hand-off: five user and five bot messages. */
const history = (userId: string) =>
  Array.from({ length: 10 }, (_, i) =>
    i % 2 === 0
      ? { source: { type: 'user' as const, userId }, type: 'text', payload: { text: `User message ${i / 2 + 1}: my order has not arrived` } }
      : { source: { type: 'bot' as const }, type: 'text', payload: { text: `Bot answer ${(i + 1) / 2}: let me check that for you` } }
  )

const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`The operation did not do its work: ${what}`)
}

/**
 * One HITL session, each step measured. Ended by the agent: the user writes text and an image, the agent takes
 * the ticket, replies, and solves it. Ended by the bot: startHitl then stopHitl (any webhook its status change
 * caused would be part of its cost; the ticket it tags as ended by the bot fires none).
 */
export async function playSession(world: World, measure: Measure, n: number, end: 'agent' | 'bot'): Promise<void> {
  const { cloud, plugin, zendesk, botpress } = world
  // Zendesk's limits are on (Team plan): each session gets a minute of its own on the emulator's clock, so the
  // figures are the bundle's; what the plan's limits allow is the sessions-per-minute table's business.
  zendesk.advanceClock(60)
  const agent = zendesk.agent(world.agentId)
  const { userId } = await measure('createUser', () => plugin.createUser({ name: `Ann Lee ${n}`, email: `ann.${end}.${n}@example.com` }))
  const { conversationId } = await measure('startHitl', () =>
    cloud.action<{ conversationId: string }>('startHitl', { userId, title: `Order ${n} missing`, description: 'The user asks for an agent', messageHistory: history(userId) })
  )
  const session = { userId, conversationId, ticketId: plugin.ticketIdOf(conversationId) }

  if (end === 'bot') {
    await measure('stopHitl', async () => {
      await cloud.action('stopHitl', { conversationId })
      await zendesk.settled()
    })
    check(zendesk.state.tickets.get(session.ticketId)?.status === 'solved', 'stopHitl solves the ticket')
    return
  }

  const text = await measure('text', () => plugin.relay(session, 'text', { text: `Any news on order ${n}?` }))
  check(text.status === 200, `text answered ${text.status}`)
  const image = await measure('image', () => plugin.relay(session, 'image', { imageUrl: `${world.mediaUrl}/cat.png` }))
  check(image.status === 200 && (plugin.comments(session).at(-1)?.attachments.length ?? 0) === 1, 'the image is attached')
  await measure('assignment', async () => {
    agent.assignToMe(session.ticketId)
    await zendesk.settled()
  })
  check(plugin.events(session, 'hitlAssigned').length === 1, 'one hitlAssigned')
  await measure('agentComment', async () => {
    agent.reply(session.ticketId, { body: `Hello, I am looking at order ${n}.` })
    await zendesk.settled()
  })
  check(plugin.toUser(session).length === 1, 'the reply reaches the user once')
  await measure('solve', async () => {
    agent.setStatus(session.ticketId, 'solved')
    await zendesk.settled()
  })
  check(botpress.eventsOf('hitlStopped').some((e) => (e.payload as { conversationId?: string }).conversationId === conversationId), 'hitlStopped')
}
