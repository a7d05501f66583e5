// register / unregister on one Zendesk account shared by several bots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startZendeskEmulator, type ZendeskEmulator } from '../../emulators/zendesk'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let zendesk: ZendeskEmulator
let botA: Loop
let botB: Loop
beforeAll(async () => {
  zendesk = await startZendeskEmulator({ webhookRetryBackoffMs: 20 })
  botA = await startLoop({ zendesk })
  botB = await startLoop({ zendesk })
})
afterAll(async () => {
  await botA?.close()
  await botB?.close()
  await zendesk?.close()
})

const ownedBy = (loop: Loop) => {
  const tag = `bphitl_${loop.cloud.webhookId.toLowerCase().replace(/[^a-z0-9]/g, '')}`
  return {
    webhooks: [...zendesk.state.webhooks.values()].filter((w) => w.name.includes(tag)),
    triggers: [...zendesk.state.triggers.values()].filter((t) => t.title.includes(tag)),
  }
}

describe('two bots on one Zendesk account', () => {
  it('each has its own webhook and triggers', () => {
    for (const bot of [botA, botB]) {
      const { webhooks, triggers } = ownedBy(bot)
      expect(webhooks).toHaveLength(1)
      expect(webhooks[0]!.endpoint).toBe(bot.cloud.webhookUrl)
      expect(triggers).toHaveLength(3)
    }
  })

  it('bot B never receives bot A\'s ticket', async () => {
    const session = await botA.plugin.escalate()
    const agent = zendesk.createAgent({ name: 'Shared Agent', email: 'shared@acme.test' })
    zendesk.agent(agent.id).assignToMe(session.ticketId)
    zendesk.agent(agent.id).reply(session.ticketId, { body: 'For bot A only' })
    await zendesk.settled()
    expect(botA.plugin.toUser(session).map((m) => m.payload.text)).toEqual(['For bot A only'])
    const reachedB = zendesk.deliveries.filter((d) => d.url.startsWith(botB.cloud.webhookUrl) && d.ticketId === session.ticketId)
    expect(reachedB).toHaveLength(0)
    expect(botB.botpress.state.messages.size).toBe(0)
    expect(botB.botpress.eventsOf()).toHaveLength(0)
  })

  it('registering again replaces the webhook and triggers instead of adding more', async () => {
    const before = ownedBy(botA)
    expect((await botA.cloud.register()).status).toBe(200)
    const after = ownedBy(botA)
    expect(after.webhooks).toHaveLength(1)
    expect(after.triggers).toHaveLength(3)
    expect(after.webhooks[0]!.id).not.toBe(before.webhooks[0]!.id)
    const session = await botA.plugin.escalate()
    zendesk.agent(zendesk.admin.id).reply(session.ticketId, { body: 'still relayed' })
    await zendesk.settled()
    expect(botA.plugin.toUser(session).map((m) => m.payload.text)).toEqual(['still relayed'])
  })

  it('unregistering removes this bot\'s webhook and triggers, and leaves the other bot\'s', async () => {
    expect((await botA.cloud.unregister()).status).toBe(200)
    expect(ownedBy(botA)).toEqual({ webhooks: [], triggers: [] })
    expect(ownedBy(botB).webhooks).toHaveLength(1)
    expect(ownedBy(botB).triggers).toHaveLength(3)
  })
})
