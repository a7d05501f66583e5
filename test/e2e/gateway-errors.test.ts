// 502 and 504 come from the gateways in front of Zendesk, with an HTML page: node-zendesk takes them for success,
// and the integration must not. Shown through the built bundle, on the calls whose failure would otherwise pass
// for an empty answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())
afterEach(() => loop.zendesk.faults.clear())

const webhookIds = () => [...loop.zendesk.state.webhooks.keys()]

describe('a Zendesk gateway failing on every try', () => {
  it.each([502, 504] as const)('register fails naming the %s of the read that checks who it is connected as', async (status) => {
    const before = webhookIds()
    loop.zendesk.faults.serverError({ count: 100, status, method: 'GET', path: /\/users\/me/ })
    const answer = await loop.cloud.register()
    expect(answer.status).toBe(400)
    expect(answer.json.message).toMatch(new RegExp(`^Zendesk read the connected user failed: ${status} \\(a gateway in front of Zendesk`))
    expect(webhookIds()).toEqual(before)
  })

  it.each([502, 504] as const)('register fails naming the %s of the webhook listing, and the running setup stays as it was', async (status) => {
    const before = webhookIds()
    loop.zendesk.faults.serverError({ count: 100, status, method: 'GET', path: /\/webhooks$/ })
    const answer = await loop.cloud.register()
    expect(answer.status).toBe(400)
    expect(answer.json.message).toMatch(new RegExp(`^Zendesk list webhooks failed: ${status} \\(a gateway in front of Zendesk`))
    // Taken for an empty list, the failure would leave a second webhook and the old one forgotten.
    expect(webhookIds()).toEqual(before)
    loop.zendesk.faults.clear()
    const session = await loop.plugin.escalate()
    loop.zendesk.agent(loop.zendesk.createAgent({ name: `Gate ${status}`, email: `gate${status}@acme.test` }).id).reply(session.ticketId, { body: 'still here' })
    await loop.zendesk.settled()
    expect(loop.plugin.toUser(session).map((m) => m.payload.text)).toEqual(['still here'])
  })

  it('a user message Zendesk answers 502 on every try fails naming the write\'s 502, not the look-up that follows it', async () => {
    const session = await loop.plugin.escalate()
    loop.zendesk.faults.serverError({ count: 100, status: 502 })
    const answer = await loop.plugin.userSays(session, 'through a broken gateway')
    expect(answer.status).toBe(400)
    expect(answer.json.message).toMatch(new RegExp(`^Zendesk add comment to ticket ${session.ticketId} failed: 502 \\(a gateway in front of Zendesk`))
    loop.zendesk.faults.clear()
    expect(loop.plugin.comments(session).filter((c) => c.body === 'through a broken gateway')).toHaveLength(0)
  })
})
