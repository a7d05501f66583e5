// Where Zendesk's published OpenAPI document (emulators/contracts/zendesk-support-openapi.yaml) disagrees with
// what Zendesk's API actually does, and the emulator follows the API. This is the only place validation is
// loosened, one schema property at a time, each with its reason; everything else is checked as published.

type Schema = Record<string, unknown>

export interface SpecException {
  /** Schema name under components.schemas. */
  schema: string
  /** Path inside that schema, e.g. ['properties', 'assignee_id']. */
  at: string[]
  reason: string
  patch: (schema: Schema) => Schema
}

// OpenAPI 3.0.3: `nullable` does not extend an `enum`, so null joins the enumerated values too.
const nullable = (schema: Schema): Schema => ({
  ...schema,
  nullable: true,
  ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}),
})

function nullables(schema: string, properties: string[], reason: string): SpecException[] {
  return properties.map((p) => ({ schema, at: ['properties', p], reason, patch: nullable }))
}

const UNSET_IS_NULL =
  'Zendesk returns null for a field that has no value (an unassigned ticket has "assignee_id": null, as in the ' +
  'JSON examples of the Tickets reference); the document declares these fields without `nullable`.'

const CLEAR_WITH_NULL =
  'Zendesk clears these fields when a request sets them to null (e.g. "assignee_id": null unassigns a ticket, ' +
  'as its "Updating tickets" guide shows); the document only allows the non-null type.'

export const SPEC_EXCEPTIONS: readonly SpecException[] = [
  ...nullables(
    'TicketObject',
    ['external_id', 'type', 'priority', 'recipient', 'assignee_id', 'organization_id', 'group_id', 'forum_topic_id', 'problem_id', 'satisfaction_rating'],
    UNSET_IS_NULL,
  ),
  {
    schema: 'TicketObject',
    at: ['properties', 'custom_fields', 'items', 'properties', 'value'],
    reason:
      'A custom field value takes the type of its field (boolean for a checkbox, number for a decimal, null when ' +
      'unset); the document declares it as a string only.',
    patch: () => ({}),
  },
  ...nullables('TicketUpdateInput', ['assignee_id', 'group_id', 'priority', 'type', 'external_id'], CLEAR_WITH_NULL),
  {
    schema: 'TicketUpdateInput',
    at: ['properties', 'custom_fields', 'items'],
    reason:
      'Requests set custom fields as [{id, value}] ("Setting custom field values" in Zendesk\'s ticket guide); the ' +
      'document points the items at CustomFieldObject, the field definition, which requires key, type and title.',
    patch: () => ({ type: 'object', properties: { id: { type: 'integer' }, value: {} }, required: ['id', 'value'] }),
  },
  ...nullables('UserForAdmin', ['email', 'alias', 'signature', 'default_group_id', 'last_login_at'], UNSET_IS_NULL),
  ...nullables('AttachmentBaseObject', ['width', 'height'], 'Zendesk returns null width and height for files that are not images.'),
  ...nullables('TriggerObject', ['description'], UNSET_IS_NULL),
  {
    schema: 'AuditObject',
    at: ['properties', 'events', 'items', 'properties', 'value'],
    reason:
      'Audit events of the update response carry the new value of the changed field: an array for tags, null when ' +
      'a field is cleared (Zendesk\'s "Ticket Audits" reference shows both); the document allows string or integer.',
    // JSON Schema's null type, which the validator understands though OpenAPI 3.0 has no such type.
    patch: () => ({ anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'array', items: { type: 'string' } }, { type: 'null' }] }),
  },
]

/** Applies every exception to the parsed document, failing loudly if the document no longer has the spot. */
export function applySpecExceptions(doc: { components: { schemas: Record<string, Schema> } }): void {
  for (const exception of SPEC_EXCEPTIONS) {
    let parent: Schema | undefined = doc.components.schemas[exception.schema]
    const path = [...exception.at]
    const last = path.pop()
    for (const key of path) parent = parent?.[key] as Schema | undefined
    const current = last === undefined ? undefined : (parent?.[last] as Schema | undefined)
    if (!parent || last === undefined || current === undefined) {
      throw new Error(`Zendesk spec exception no longer applies: ${exception.schema}/${exception.at.join('/')}`)
    }
    parent[last] = exception.patch(current)
  }
}
