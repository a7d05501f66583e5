// callApi's second boundary: the admin's credentials reach everything, but not what keeps HITL running.
import { describe, expect, it } from 'vitest'
import { ownMachinery } from '../../src/zendesk/own-machinery'

const own = { webhookId: '01HOWNWEBHOOK', triggerIds: [11, 12] }

describe('ownMachinery', () => {
  it.each([
    ['GET', 'webhooks/01HOWNWEBHOOK/signing_secret', {}, undefined],
    ['POST', 'webhooks/01HOWNWEBHOOK/signing_secret.json', {}, undefined],
    ['GET', 'webhooks/01HSOMEONEELSE/signing_secret', {}, undefined],
    ['GET', 'webhooks/01hownwebhook.json', {}, undefined],
    ['DELETE', 'webhooks/01HOWNWEBHOOK', {}, undefined],
    ['PATCH', 'webhooks/01HOWNWEBHOOK', {}, { webhook: { status: 'inactive' } }],
    ['GET', 'webhooks/01HOWNWEBHOOK/invocations', {}, undefined],
    ['POST', 'webhooks/test', { webhook_id: '01HOWNWEBHOOK' }, undefined],
    ['DELETE', 'triggers/11.json', {}, undefined],
    ['PUT', 'triggers/12', {}, { trigger: { active: false } }],
    ['DELETE', 'triggers/destroy_many.json', { ids: '5, 12' }, undefined],
    ['PUT', 'triggers/update_many', {}, { triggers: [{ id: 5 }, { id: 11, active: false }] }],
  ])('%s %s (%j %j) is refused', (method, path, query, body) => {
    expect(ownMachinery(method, path, query, body, own)).toEqual(expect.any(String))
  })

  it.each([
    ['GET', 'webhooks', {}, undefined],
    ['DELETE', 'webhooks/01HSOMEONEELSE', {}, undefined],
    ['GET', 'triggers/11.json', {}, undefined],
    ['DELETE', 'triggers/13.json', {}, undefined],
    ['PUT', 'triggers/update_many', {}, { triggers: 'not a list' }],
    ['GET', 'tickets/11.json', {}, undefined],
  ])('%s %s (%j %j) is let through', (method, path, query, body) => {
    expect(ownMachinery(method, path, query, body, own)).toBeUndefined()
  })

  it('refuses a signing secret even before the integration is set up', () => {
    expect(ownMachinery('GET', 'webhooks/01HANY/signing_secret', {}, undefined, undefined)).toMatch(/signing secret/)
    expect(ownMachinery('DELETE', 'webhooks/01HANY', {}, undefined, undefined)).toBeUndefined()
  })
})
