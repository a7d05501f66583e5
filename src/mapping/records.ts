// Zendesk's tickets and users as the bot builder's actions return them: Botpress's camelCase names (those of the
// official integration), every field present, null where Zendesk has no value.
import type { TicketRecord, UserRecord } from '../zendesk/schemas'

export function ticketOut(t: TicketRecord, baseUrl: string) {
  return {
    id: t.id,
    url: `${baseUrl}/agent/tickets/${t.id}`,
    subject: t.subject ?? null,
    description: t.description ?? null,
    status: t.status,
    priority: t.priority ?? null,
    type: t.type ?? null,
    requesterId: t.requester_id ?? null,
    assigneeId: t.assignee_id ?? null,
    groupId: t.group_id ?? null,
    ticketFormId: t.ticket_form_id === null || t.ticket_form_id === undefined ? null : String(t.ticket_form_id),
    tags: t.tags,
    externalId: t.external_id ?? null,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    via: { channel: String(t.via?.channel ?? 'unknown') },
  }
}

/** Custom user fields as text, unset ones left out: a flow compares strings. */
export function userOut(u: UserRecord) {
  const userFields = Object.fromEntries(
    Object.entries(u.user_fields ?? {})
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])
  )
  return {
    id: u.id,
    name: u.name ?? '',
    email: u.email ?? null,
    phone: u.phone ?? null,
    photo: u.photo?.content_url ?? null,
    role: u.role,
    tags: u.tags,
    externalId: u.external_id ?? null,
    userFields,
    createdAt: u.created_at,
    updatedAt: u.updated_at,
  }
}
