// Load: 2,000 signed webhooks, 32 in flight, through the built bundle. The figures (throughput, latency,
// memory) are the benchmark's; this test holds the correctness: every comment relayed exactly once, no error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startZendeskEmulator } from '../../emulators/zendesk'
import { startLoop, type Loop, type Session } from '../../emulators/plugin/index'
import { commentEvent, signedWebhook } from './webhooks'

const WEBHOOKS = 2_000
const IN_FLIGHT = 32
const TICKETS = 50

let loop: Loop
let sessions: Session[]
beforeAll(async () => {
  // Contracts are checked by every other test; here the emulators skip validating 10,000 answers. The 2,000
  // webhooks each read the ticket's comments: that fits the High Volume plan's 2,500 requests a minute.
  loop = await startLoop({ zendesk: await startZendeskEmulator({ validate: false, plan: 'high-volume' }) })
  sessions = []
  for (let i = 0; i < TICKETS; i++) sessions.push(await loop.plugin.escalate({ name: `Load ${i}` }))
  // The test sends the deliveries itself, at its own pace.
  loop.zendesk.faults.holdDeliveries()
}, 60_000)
afterAll(async () => {
  await loop?.close()
  await loop?.zendesk.close()
})

describe('under load', () => {
  it(`${WEBHOOKS} signed webhooks, ${IN_FLIGHT} in flight: every agent comment relayed exactly once, no error`, async () => {
    const { zendesk, plugin } = loop
    const agents = Array.from({ length: 4 }, (_, i) => zendesk.createAgent({ name: `Loader ${i}`, email: `loader${i}@acme.test` }))
    const statuses = new Map<number, number>()
    let next = 0
    const worker = async () => {
      for (let n = next++; n < WEBHOOKS; n = next++) {
        const session = sessions[n % TICKETS]!
        zendesk.agent(agents[n % agents.length]!.id).reply(session.ticketId, { body: `reply ${n}` })
        const answer = await signedWebhook(loop, commentEvent(loop, session))
        await answer.arrayBuffer()
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker))

    expect(Object.fromEntries(statuses)).toEqual({ 200: WEBHOOKS })
    const relayed = sessions.flatMap((s) => plugin.toUser(s))
    const keys = relayed.map((m) => plugin.tagsOf(m).zendeskCommentId)
    expect(relayed).toHaveLength(WEBHOOKS)
    expect(new Set(keys).size).toBe(WEBHOOKS)
    for (const s of sessions) {
      const texts = plugin.toUser(s).map((m) => Number(String(m.payload.text).replace('reply ', '')))
      expect(texts).toEqual([...texts].sort((a, b) => a - b))
    }
  }, 120_000)
})
