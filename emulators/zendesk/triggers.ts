// Ticket triggers: the Triggers API and the evaluation Zendesk runs after every ticket update. Conditions
// follow Zendesk's "Conditions reference" (field, operator, value); the actions carried out are
// `notification_webhook` and the comment actions of Zendesk's "Actions reference" (`comment_value`,
// `comment_value_html`, `comment_mode_is_public`). A condition or action the emulator does not implement is
// refused with 422 when the trigger is saved, so a test never silently relies on behaviour the emulator lacks.

import { recordInvalid, recordNotFound, type FieldError } from './errors.js'
import { asRecord, json, noContent, objectBody, type Route } from './http.js'
import { placeholderValues, renderTemplate } from './placeholders.js'
import type { EmulatorState } from './state.js'
import { STATUSES, type TicketUpdate } from './ticket-engine.js'
import type { Ticket, Trigger, TriggerAction, TriggerCondition, Webhook } from './types.js'

const PRIORITY_ORDER = ['low', 'normal', 'high', 'urgent']
const CHANGE_OPERATORS = ['changed', 'not_changed', 'value', 'value_previous', 'not_value', 'not_value_previous']

const OPERATORS: Record<string, readonly string[]> = {
  update_type: ['is', 'is_not'],
  status: ['is', 'is_not', 'less_than', 'greater_than', ...CHANGE_OPERATORS],
  priority: ['is', 'is_not', 'less_than', 'greater_than', ...CHANGE_OPERATORS],
  assignee_id: ['is', 'is_not', ...CHANGE_OPERATORS],
  group_id: ['is', 'is_not', ...CHANGE_OPERATORS],
  requester_id: ['is', 'is_not', ...CHANGE_OPERATORS],
  comment_is_public: ['is'],
  current_via_id: ['is', 'is_not'],
  current_tags: ['includes', 'not_includes'],
  role: ['is', 'is_not'],
}

export interface PlannedDelivery {
  webhook: Webhook
  triggerId: number
  ticketId: number
  body: string
}

/** A comment a trigger's actions write; business-rules.ts adds it as the rule. */
export interface PlannedComment {
  trigger: Pick<Trigger, 'id' | 'title'>
  comment: { body?: string; html_body?: string; public: boolean }
}

const COMMENT_ACTIONS = ['comment_value', 'comment_value_html', 'comment_mode_is_public']

function fieldValue(ticket: Ticket | undefined, field: string): string {
  if (!ticket) return ''
  switch (field) {
    case 'status':
      return ticket.status
    case 'priority':
      return ticket.priority ?? ''
    case 'assignee_id':
      return ticket.assignee_id === null ? '' : String(ticket.assignee_id)
    case 'group_id':
      return ticket.group_id === null ? '' : String(ticket.group_id)
    case 'requester_id':
      return String(ticket.requester_id)
    default:
      return ''
  }
}

function order(field: string, value: string): number {
  return field === 'status' ? STATUSES.indexOf(value as (typeof STATUSES)[number]) : PRIORITY_ORDER.indexOf(value)
}

function tagList(value: TriggerCondition['value']): string[] {
  return (Array.isArray(value) ? value.map(String) : String(value).split(/\s+/)).filter(Boolean)
}

function conditionHolds(condition: TriggerCondition, update: TicketUpdate): boolean {
  const { field, operator } = condition
  const wanted = String(condition.value ?? '')
  const { ticket, previous, currentUser, comment } = update
  const is = (actual: boolean) => (operator === 'is_not' ? !actual : actual)

  switch (field) {
    case 'update_type':
      return is(update.updateType === wanted)
    case 'comment_is_public':
      if (wanted === 'not_relevant') return comment !== undefined
      if (wanted === 'true' || wanted === 'requester_can_see_comment') return comment?.public === true
      if (wanted === 'false') return comment?.public === false
      return false
    case 'current_via_id':
      return is(update.viaId === Number(wanted))
    case 'current_tags': {
      const present = tagList(condition.value).some((tag) => ticket.tags.includes(tag))
      return operator === 'includes' ? present : !present
    }
    case 'role': {
      const actual = currentUser.role === 'end-user' ? 'end_user' : currentUser.role
      // An admin is also an agent for "Current user is agent".
      const matches = wanted === actual || (wanted === 'agent' && actual === 'admin')
      return is(matches)
    }
  }

  const now = fieldValue(ticket, field)
  // On creation every field counts as changed from nothing, as Zendesk documents for "changed".
  const before = fieldValue(previous, field)
  const changed = previous === undefined || now !== before
  const target = wanted === 'current_user' ? String(currentUser.id) : wanted
  switch (operator) {
    case 'is':
      return now === target
    case 'is_not':
      return now !== target
    case 'less_than':
      return order(field, now) < order(field, target)
    case 'greater_than':
      return order(field, now) > order(field, target)
    case 'changed':
      return changed
    case 'not_changed':
      return !changed
    case 'value':
      return changed && now === target
    case 'value_previous':
      return changed && before === target
    case 'not_value':
      return !(changed && now === target)
    case 'not_value_previous':
      return !(changed && before === target)
    default:
      return false
  }
}

export function triggerMatches(trigger: Pick<Trigger, 'conditions'>, update: TicketUpdate): boolean {
  const { all, any } = trigger.conditions
  return all.every((c) => conditionHolds(c, update)) && (any.length === 0 || any.some((c) => conditionHolds(c, update)))
}

/**
 * Each active trigger, in position order, fires at most once per update, as in Zendesk: `fired` carries the
 * triggers already fired in this update cycle, including the updates the cycle's own comment actions make.
 */
export function evaluateTriggers(
  state: EmulatorState,
  update: TicketUpdate,
  fired: Set<number> = new Set(),
): { deliveries: PlannedDelivery[]; comments: PlannedComment[] } {
  const triggers = [...state.triggers.values()].filter((t) => t.active).sort((a, b) => a.position - b.position || a.id - b.id)
  const deliveries: PlannedDelivery[] = []
  const comments: PlannedComment[] = []
  let values: Record<string, string> | undefined
  for (const trigger of triggers) {
    if (fired.has(trigger.id) || !triggerMatches(trigger, update)) continue
    fired.add(trigger.id)
    const comment = plannedComment(trigger)
    if (comment) comments.push(comment)
    for (const action of trigger.actions) {
      const [webhookId, template] = Array.isArray(action.value) ? action.value.map(String) : []
      const webhook = webhookId === undefined ? undefined : state.webhooks.get(webhookId)
      if (action.field !== 'notification_webhook' || !webhook || webhook.status !== 'active') continue
      values ??= placeholderValues(state, update)
      deliveries.push({
        webhook,
        triggerId: trigger.id,
        ticketId: update.ticket.id,
        body: renderTemplate(template ?? '', values, webhook.request_format === 'json'),
      })
    }
  }
  return { deliveries, comments }
}

// `comment_value` takes the text, or [channel, text] as the Actions reference shows it; public unless
// `comment_mode_is_public` says "false".
function plannedComment(trigger: Trigger): PlannedComment | undefined {
  const value = (field: string) => trigger.actions.find((a) => a.field === field)?.value
  const text = value('comment_value')
  const html = value('comment_value_html')
  if (text === undefined && html === undefined) return undefined
  const isPublic = String(value('comment_mode_is_public') ?? 'true') !== 'false'
  const body = Array.isArray(text) ? String(text.at(-1) ?? '') : text === undefined ? undefined : String(text)
  return {
    trigger: { id: trigger.id, title: trigger.title },
    comment: html !== undefined ? { html_body: String(html), public: isPublic } : { body: body ?? '', public: isPublic },
  }
}

function conditionList(value: unknown): TriggerCondition[] {
  return Array.isArray(value) ? value.map((c) => asRecord(c) as unknown as TriggerCondition) : []
}

function validateTrigger(state: EmulatorState, input: Record<string, unknown>, creating: boolean): Record<string, FieldError[]> {
  const details: Record<string, FieldError[]> = {}
  const add = (field: string, error: FieldError) => (details[field] ??= []).push(error)
  if ((creating || input.title !== undefined) && (typeof input.title !== 'string' || input.title.trim() === '')) {
    add('title', { description: 'Title: cannot be blank', error: 'BlankValue' })
  }
  const conditions = asRecord(input.conditions)
  if (creating || input.conditions !== undefined) {
    const all = [...conditionList(conditions?.all), ...conditionList(conditions?.any)]
    if (all.length === 0) add('conditions', { description: 'Conditions: cannot be blank', error: 'BlankValue' })
    for (const c of all) {
      const operators = OPERATORS[String(c?.field)]
      if (!operators || !operators.includes(String(c?.operator))) {
        add('conditions', {
          description: `Conditions: ${String(c?.field)} ${String(c?.operator)} is not supported by the Zendesk emulator`,
          error: 'InvalidValue',
        })
      }
    }
  }
  if (creating || input.actions !== undefined) {
    const actions = Array.isArray(input.actions) ? input.actions.map((a) => asRecord(a) ?? {}) : []
    if (actions.length === 0) add('actions', { description: 'Actions: cannot be blank', error: 'BlankValue' })
    for (const action of actions) {
      const value = action.value
      if (COMMENT_ACTIONS.includes(String(action.field))) {
        // Zendesk refuses a blank comment; refusing it here keeps the update that fires the trigger from failing.
        const text = Array.isArray(value) ? value.at(-1) : value
        if (text === undefined || String(text).trim() === '') {
          add('actions', { description: `Actions: ${String(action.field)} cannot be blank`, error: 'BlankValue' })
        }
      } else if (action.field !== 'notification_webhook') {
        add('actions', {
          description: `Actions: ${String(action.field)} is not supported by the Zendesk emulator`,
          error: 'InvalidValue',
        })
      } else if (!Array.isArray(value) || value.length !== 2 || !state.webhooks.has(String(value[0]))) {
        add('actions', { description: `Actions: webhook ${String(Array.isArray(value) ? value[0] : value)} not found`, error: 'InvalidValue' })
      }
    }
  }
  return details
}

function applyTrigger(state: EmulatorState, trigger: Trigger, input: Record<string, unknown>): void {
  if (typeof input.title === 'string') {
    trigger.title = input.title
    trigger.raw_title = input.title
  }
  if (typeof input.description === 'string') trigger.description = input.description
  if (typeof input.active === 'boolean') trigger.active = input.active
  if (typeof input.position === 'number') trigger.position = input.position
  if (typeof input.category_id === 'string') trigger.category_id = input.category_id
  const conditions = asRecord(input.conditions)
  if (conditions) trigger.conditions = { all: conditionList(conditions.all), any: conditionList(conditions.any) }
  if (Array.isArray(input.actions)) trigger.actions = input.actions as TriggerAction[]
  trigger.updated_at = state.nowIso()
}

export function triggerRoutes(state: EmulatorState): Route[] {
  const requireTrigger = (id: string | undefined): Trigger => {
    const trigger = state.triggers.get(Number(id))
    if (!trigger) throw recordNotFound()
    return trigger
  }
  const input = (body: Record<string, unknown>) => asRecord(body.trigger) ?? {}
  const base = { auth: 'api', adminOnly: true, resource: 'triggers' } as const

  return [
    {
      ...base,
      method: 'GET',
      pattern: '/api/v2/triggers',
      handler: (req) => {
        const active = req.query.active
        const triggers = [...state.triggers.values()]
          .filter((t) => active === undefined || String(t.active) === active)
          .sort((a, b) => a.position - b.position)
        return json(200, { triggers, next_page: null, previous_page: null, count: triggers.length })
      },
    },
    {
      ...base,
      method: 'POST',
      pattern: '/api/v2/triggers',
      handler: (req) => {
        const body = input(objectBody(req))
        const details = validateTrigger(state, body, true)
        if (Object.keys(details).length > 0) throw recordInvalid(details)
        const id = state.recordId()
        const now = state.nowIso()
        const trigger: Trigger = {
          url: `${state.baseUrl}/api/v2/triggers/${id}.json`,
          id,
          title: '',
          raw_title: '',
          description: null,
          active: true,
          position: state.triggerPosition(),
          conditions: { all: [], any: [] },
          actions: [],
          category_id: '1',
          default: false,
          created_at: now,
          updated_at: now,
        }
        applyTrigger(state, trigger, body)
        state.triggers.set(id, trigger)
        return json(201, { trigger }, { location: trigger.url })
      },
    },
    {
      ...base,
      method: 'DELETE',
      pattern: '/api/v2/triggers/destroy_many',
      handler: (req) => {
        const ids = (req.query.ids ?? '').split(',').filter(Boolean).map(Number)
        if (ids.some((id) => !state.triggers.has(id))) throw recordNotFound()
        for (const id of ids) state.triggers.delete(id)
        return noContent()
      },
    },
    {
      ...base,
      method: 'GET',
      pattern: '/api/v2/triggers/:trigger_id',
      handler: (req) => json(200, { trigger: requireTrigger(req.params.trigger_id) }),
    },
    {
      ...base,
      method: 'PUT',
      pattern: '/api/v2/triggers/:trigger_id',
      handler: (req) => {
        const trigger = requireTrigger(req.params.trigger_id)
        const body = input(objectBody(req))
        const details = validateTrigger(state, body, false)
        if (Object.keys(details).length > 0) throw recordInvalid(details)
        applyTrigger(state, trigger, body)
        return json(200, { trigger })
      },
    },
    {
      ...base,
      method: 'DELETE',
      pattern: '/api/v2/triggers/:trigger_id',
      handler: (req) => {
        state.triggers.delete(requireTrigger(req.params.trigger_id).id)
        return noContent()
      },
    },
  ]
}
