import {
  Client,
  ForbiddenError,
  InternalError,
  InvalidPayloadError,
  InvalidQueryError,
  isApiError,
  ReferenceNotFoundError,
  ResourceNotFoundError,
  UnauthorizedError,
} from '@botpress/client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Clients, startWithClients } from '../../../emulators/botpress/clients'

let c: Clients

beforeEach(async () => {
  c = await startWithClients()
})

afterEach(async () => {
  await c.emulator.close()
})

const ERROR_ID = /^err_\d{14}x[0-9A-F]{8}$/

describe('errors as @botpress/client types them', () => {
  it('answers 404 ResourceNotFound with the body the client turns into ResourceNotFoundError', async () => {
    const missing = 'user_01J000000000000000000000XX'
    const error = await c.integration.getUser({ id: missing }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResourceNotFoundError)
    expect(isApiError(error)).toBe(true)
    expect(error).toMatchObject({ code: 404, type: 'ResourceNotFound' })
    expect((error as ResourceNotFoundError).message).toContain(missing)
    expect((error as ResourceNotFoundError).id).toMatch(ERROR_ID)

    const call = c.emulator.calls.at(-1)
    expect(call?.status).toBe(404)
    expect(call?.response).toEqual({ id: expect.stringMatching(ERROR_ID), code: 404, type: 'ResourceNotFound', message: expect.any(String) })

    for (const p of [
      c.integration.getConversation({ id: 'conv_01J000000000000000000000XX' }),
      c.integration.getMessage({ id: 'msg_01J000000000000000000000XX' }),
      c.integration.getEvent({ id: 'evt_01J000000000000000000000XX' }),
      c.integration.getState({ type: 'integration', id: 'x', name: 'nope' }),
    ])
      await expect(p).rejects.toBeInstanceOf(ResourceNotFoundError)
    expect(c.emulator.contractViolations).toEqual([])
  })

  it('rejects a non-string tag value with 400 InvalidPayload and records the contract violation', async () => {
    const error = await c.integration.createUser({ tags: { zendeskUserId: 42 as unknown as string } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as InvalidPayloadError).message).toContain('body/tags/zendeskUserId must be string')
    expect(c.emulator.contractViolations).toEqual([
      expect.objectContaining({ operation: 'createUser', direction: 'request', errors: ['body/tags/zendeskUserId must be string'] }),
    ])
    expect(c.emulator.state.users.size).toBe(1)
  })

  it('checks every response against the spec: a response that breaks it is recorded', async () => {
    const { user } = await c.integration.createUser({ tags: {} })
    Object.assign(c.emulator.state.users.get(user.id) as object, { nickname: 'not in the User schema' })
    await c.integration.getUser({ id: user.id })
    expect(c.emulator.contractViolations).toEqual([
      expect.objectContaining({ operation: 'getUser', direction: 'response', status: 200, errors: ['response/user must NOT have additional properties "nickname"'] }),
    ])
  })

  it('answers the other error types the client knows', async () => {
    const { conversation } = await c.integration.createConversation({ channel: 'hitl', tags: {} })
    await expect(
      c.integration.createMessage({ conversationId: conversation.id, userId: 'user_01J000000000000000000000XX', type: 'text', payload: {}, tags: {} })
    ).rejects.toBeInstanceOf(ReferenceNotFoundError)
    await expect(c.integration.listUsers({ nextToken: 'garbage' })).rejects.toBeInstanceOf(InvalidQueryError)

    const otherBot = new Client({ apiUrl: c.emulator.url, botId: 'another-bot', token: 't' })
    await expect(otherBot.listUsers({})).rejects.toBeInstanceOf(ForbiddenError)
    const basicAuth = new Client({ apiUrl: c.emulator.url, botId: c.emulator.botId, headers: { Authorization: 'Basic eDp5' } })
    await expect(basicAuth.listUsers({})).rejects.toBeInstanceOf(UnauthorizedError)

    const fetchJson = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${c.emulator.url}${path}`, init)
      return { status: res.status, body: (await res.json()) as { type: string } }
    }
    const json = { 'x-bot-id': c.emulator.botId, 'content-type': 'application/json' }
    expect(await fetchJson('/v1/chat/users')).toMatchObject({ status: 400, body: { type: 'InvalidPayload' } })
    expect(await fetchJson('/v1/chat/users', { method: 'PATCH', headers: json })).toMatchObject({ status: 405, body: { type: 'MethodNotFound' } })
    expect(await fetchJson('/v1/chat/nothing-here')).toMatchObject({ status: 404, body: { type: 'ResourceNotFound' } })
    expect(await fetchJson('/v1/chat/users', { method: 'POST', headers: json, body: '{"tags":' })).toMatchObject({
      status: 400,
      body: { type: 'InvalidPayload' },
    })
    expect(await fetchJson('/v1/chat/users', { method: 'POST', headers: { ...json, 'content-type': 'text/plain' }, body: 'tags' })).toMatchObject({
      status: 415,
      body: { type: 'UnsupportedMediaType' },
    })
  })

  it('answers an injected server error as InternalError, then recovers', async () => {
    c.emulator.faults.serverError({ count: 1, operation: 'createUser' })
    await expect(c.integration.createUser({ tags: {} })).rejects.toBeInstanceOf(InternalError)
    await expect(c.integration.createUser({ tags: {} })).resolves.toBeDefined()
    expect(c.emulator.calls.map((x) => x.status)).toEqual([500, 201])
  })
})
