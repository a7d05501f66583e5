import { describe, expect, it } from 'vitest'
import { parseEvent } from '../../src/webhook/events'
import { triggerSpecs } from '../../src/setup/triggers'

const render = (template: string, values: Record<string, string>) =>
  template.replace(/\{\{([^}]+)\}\}/g, (_, name: string) => JSON.stringify(values[name.trim()] ?? '').slice(1, -1))

describe('the bodies our triggers send', () => {
  const specs = triggerSpecs('bphitl_abc', 'wh_1')

  it('one trigger per event, each only for this instance\'s tickets', () => {
    expect(specs.map((s) => s.title)).toEqual(['Botpress HITL bphitl_abc comment', 'Botpress HITL bphitl_abc assigned', 'Botpress HITL bphitl_abc stopped'])
    for (const s of specs) {
      expect(s.conditions.all).toContainEqual({ field: 'current_tags', operator: 'includes', value: 'bphitl_abc' })
      expect(s.actions[0]!.value[0]).toBe('wh_1')
    }
  })

  it('parse back, once Zendesk rendered the placeholders, into typed events', () => {
    const values = { 'ticket.id': '42', 'ticket.external_id': 'conv_1', 'ticket.status': 'Solved', 'ticket.assignee.id': '7', 'ticket.tags': 'bphitl_abc botpress_hitl' }
    const events = specs.map((s) => parseEvent(render(s.actions[0]!.value[1], values)))
    expect(events).toEqual(
      ['comment', 'assigned', 'stopped'].map((event) => ({
        ok: true,
        event: { event, instance: 'bphitl_abc', ticket: { id: 42, external_id: 'conv_1', status: 'Solved', assignee_id: 7, tags: 'bphitl_abc botpress_hitl' } },
      }))
    )
  })

  it('an unassigned ticket has no assignee', () => {
    const body = render(specs[1]!.actions[0]!.value[1], { 'ticket.id': '42', 'ticket.external_id': 'conv_1' })
    expect(parseEvent(body)).toMatchObject({ ok: true, event: { ticket: { assignee_id: undefined } } })
  })

  it.each([
    ['not json', /not JSON/],
    ['[]', /Expected object/],
    ['{"event":"deleted","instance":"x","ticket":{"id":"1","external_id":"c"}}', /event/],
    ['{"event":"comment","instance":"x","ticket":{"id":"{{ticket.id}}","external_id":"c"}}', /ticket.id: ticket id is not a number/],
    ['{"event":"comment","instance":"x","ticket":{"id":"","external_id":"c"}}', /ticket.id/],
    ['{"event":"comment","instance":"x","ticket":{"id":1,"external_id":"c"}}', /ticket.id/],
    ['{"event":"assigned","instance":"x","ticket":{"id":"1","external_id":"c","assignee_id":"abc"}}', /assignee_id/],
  ])('refuses %j', (body, reason) => {
    const parsed = parseEvent(body)
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason)
  })
})
