// The built bundle answers Botpress Cloud's requests over HTTP: typed outputs, and 4xx answers that say what is
// wrong for anything malformed, without ever taking the server down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop({ register: false })
})
afterAll(() => loop?.close())

describe('the built integration, invoked as Botpress Cloud invokes it', () => {
  it('answers an action with its typed output', async () => {
    const output = await loop.cloud.action('createUser', { name: 'Ann', email: 'ann@example.com' })
    expect(output).toEqual({ userId: expect.stringMatching(/^user_/) })
  })

  it('refuses an unknown action with a message naming the actions it has', async () => {
    await expect(loop.cloud.action('deleteEverything', {})).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('Unknown action "deleteEverything": this integration has getTicket, findCustomer, createTicket, closeTicket, listAgents, callApi, syncKb, createUser, startHitl, stopHitl'),
    })
  })

  it('refuses an action input that does not match the definition', async () => {
    await expect(loop.cloud.action('startHitl', { title: 'no user' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('Invalid input for startHitl: userId: Required'),
    })
  })

  it.each([
    ['no bot id', { 'x-bot-id': undefined }, /Missing Botpress header: x-bot-id/],
    ['no operation', { 'x-bp-operation': undefined }, /Missing Botpress header: x-bp-operation/],
    ['a configuration that is not base64 JSON', { 'x-bp-configuration': '%%%' }, /x-bp-configuration is not base64 JSON/],
    ['a configuration that is JSON but no object', { 'x-bp-configuration': Buffer.from('42').toString('base64') }, /not a base64 JSON object/],
  ])('refuses a request with %s, then still answers the next one', async (_, headers, message) => {
    const refused = await loop.cloud.invoke('action_triggered', { type: 'createUser', input: { name: 'x' } }, { headers })
    expect(refused.status).toBe(400)
    expect(refused.json).toMatchObject({ code: 400, type: 'Runtime', message: expect.stringMatching(message) })
    expect((await loop.cloud.invoke('ping', {})).status).toBe(200)
  })

  it('refuses a body that is not JSON, and an unknown operation', async () => {
    const notJson = await loop.cloud.invoke('action_triggered', undefined, { rawBody: '{"type":' })
    expect(notJson.status).toBe(400)
    expect(notJson.json.message).toMatch(/The action_triggered body is not JSON/)
    const unknown = await loop.cloud.invoke('teleport', {})
    expect(unknown.status).toBe(400)
    expect(unknown.json.message).toMatch(/Unknown operation teleport/)
  })

  it('refuses a message of a type the channel does not have', async () => {
    const { botpress, cloud } = loop
    const conversation = botpress.createConversationAsBot({ channel: 'hitl', integration: 'zendesk-hitl' })
    const message = botpress.createMessageAsBot({ conversationId: conversation.id, userId: cloud.botUserId, type: 'carousel', payload: { items: [] } })
    const refused = await cloud.invoke('message_created', {
      conversation: botpress.asSeenByIntegration(conversation, 'zendesk-hitl'),
      user: botpress.asSeenByIntegration(botpress.state.users.get(cloud.botUserId)!, 'zendesk-hitl'),
      message: botpress.asSeenByIntegration(message, 'zendesk-hitl'),
      type: 'carousel',
      payload: { items: [] },
    })
    expect(refused.status).toBe(400)
    expect(refused.json.message).toMatch(/The hitl channel has no "carousel" messages/)
  })

  it('a bad configuration is a clear message in Studio, not a stack trace', async () => {
    const refused = await loop.cloud.invoke('register', { webhookUrl: loop.cloud.webhookUrl }, {
      headers: { 'x-bp-configuration': Buffer.from(JSON.stringify({ subdomain: 'https://evil.example.com', accessToken: 't' })).toString('base64') },
    })
    expect(refused.status).toBe(400)
    expect(refused.json.message).toMatch(/"https:\/\/evil.example.com" is not a Zendesk address/)
    expect(loop.cloud.logs.join('\n')).not.toMatch(/\n\s+at /)
  })
})
