// The Zendesk triggers of one integration instance, as data. Each fires only for tickets carrying the instance's
// tag and sends a small JSON body that webhook/events.ts parses; the webhook handler then reads what it needs
// back from the API, so Zendesk's placeholder formats never reach a user.
type Condition = { field: string; operator: string; value?: string }
type TriggerSpec = {
  title: string
  description: string
  conditions: { all: Condition[]; any: Condition[] }
  actions: { field: 'notification_webhook'; value: [string, string] }[]
}

export const TRIGGER_TITLE_PREFIX = 'Botpress HITL'
/** Set by stopHitl with the status: the bot ended the session, so its own update must not come back as a stop. */
export const ENDED_BY_BOT_TAG = 'bphitl_ended_by_bot'

/** Zendesk renders these inside JSON string literals, escaping them. */
const body = (event: string, instance: string) =>
  JSON.stringify({
    event,
    instance,
    ticket: {
      id: '{{ticket.id}}',
      external_id: '{{ticket.external_id}}',
      status: '{{ticket.status}}',
      assignee_id: '{{ticket.assignee.id}}',
      // Tells the relay a session the bot ended (stopHitl tags the ticket): its later replies reach nobody.
      tags: '{{ticket.tags}}',
    },
  })

export function triggerSpecs(instanceTag: string, webhookId: string): TriggerSpec[] {
  const ours: Condition = { field: 'current_tags', operator: 'includes', value: instanceTag }
  const spec = (event: string, description: string, all: Condition[], any: Condition[] = []): TriggerSpec => ({
    title: `${TRIGGER_TITLE_PREFIX} ${instanceTag} ${event}`,
    description,
    conditions: { all: [ours, ...all], any },
    actions: [{ field: 'notification_webhook', value: [webhookId, body(event, instanceTag)] }],
  })
  return [
    spec('comment', 'Sends agents\' public replies to the Botpress conversation', [
      { field: 'update_type', operator: 'is', value: 'Change' },
      { field: 'comment_is_public', operator: 'is', value: 'true' },
      // Comments the integration itself posts through the API come back to nobody.
      { field: 'current_via_id', operator: 'is_not', value: '5' },
    ]),
    spec('assigned', 'Tells the bot which agent took the conversation', [
      { field: 'assignee_id', operator: 'changed' },
      { field: 'assignee_id', operator: 'is_not', value: '' },
    ]),
    spec(
      'stopped',
      'Gives the conversation back to the bot when the ticket is solved or closed',
      [
        { field: 'status', operator: 'changed' },
        { field: 'current_tags', operator: 'not_includes', value: ENDED_BY_BOT_TAG },
      ],
      [
        { field: 'status', operator: 'is', value: 'solved' },
        { field: 'status', operator: 'is', value: 'closed' },
      ]
    ),
  ]
}

