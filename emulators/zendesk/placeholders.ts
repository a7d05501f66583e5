// Zendesk placeholders ({{ticket.id}}, {{current_user.name}}...) as a trigger's webhook body renders them.
// What Zendesk documents in its "Placeholders reference": values render as plain text, an unknown placeholder
// renders as the empty string, and in a JSON webhook a value that lands inside a JSON string literal is
// escaped so the body stays valid JSON.

import { escapeHtml } from './comment-format.js'
import type { EmulatorState } from './state.js'
import type { TicketUpdate } from './ticket-engine.js'
import type { Comment, User } from './types.js'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const VIA_NAMES: Record<number, string> = { 0: 'Web Form', 4: 'Mail', 5: 'Web Service' }
const STATUS_NAMES: Record<string, string> = {
  new: 'New',
  open: 'Open',
  pending: 'Pending',
  hold: 'On-hold',
  solved: 'Solved',
  closed: 'Closed',
}

const pad = (n: number) => String(n).padStart(2, '0')
const capitalize = (text: string | null) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : '')

function displayDate(iso: string): string {
  const d = new Date(iso)
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`
}

function displayDateTime(iso: string): string {
  const d = new Date(iso)
  return `${displayDate(iso)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

function userValues(prefix: string, user: User | undefined): Record<string, string> {
  if (!user) return {}
  const [first = '', ...rest] = user.name.split(' ')
  return {
    [`${prefix}.id`]: String(user.id),
    [`${prefix}.name`]: user.name,
    [`${prefix}.first_name`]: first,
    [`${prefix}.last_name`]: rest.join(' '),
    [`${prefix}.email`]: user.email ?? '',
    [`${prefix}.external_id`]: user.external_id ?? '',
    [`${prefix}.role`]: user.role,
    [`${prefix}.phone`]: user.phone ?? '',
    [`${prefix}.language`]: 'English',
    [`${prefix}.details`]: user.details,
    [`${prefix}.notes`]: user.notes,
  }
}

// Zendesk's text rendering of one comment: who wrote it and when, a blank line, then the text; attachments
// are listed after the text.
function commentText(state: EmulatorState, comment: Comment | undefined): string {
  if (!comment) return ''
  const author = state.users.get(comment.author_id)
  const files = comment.attachments.map((a) => `${a.file_name} - ${a.content_url}`)
  const attachments = files.length > 0 ? `\n\nAttachment(s):\n${files.join('\n')}` : ''
  return `${author?.name ?? ''}, ${displayDateTime(comment.created_at)}\n\n${comment.plain_body}${attachments}`
}

function commentHtml(state: EmulatorState, comment: Comment | undefined): string {
  if (!comment) return ''
  const author = state.users.get(comment.author_id)
  const files = comment.attachments.map((a) => `<a href="${escapeHtml(a.content_url)}">${escapeHtml(a.file_name)}</a>`)
  const attachments = files.length > 0 ? `<p>Attachment(s):<br>${files.join('<br>')}</p>` : ''
  return (
    `<div class="zd-comment-header"><strong>${escapeHtml(author?.name ?? '')}</strong>, ${displayDateTime(comment.created_at)}</div>` +
    `${comment.html_body}${attachments}`
  )
}

export function placeholderValues(state: EmulatorState, update: TicketUpdate): Record<string, string> {
  const { ticket } = update
  const comments = state.comments.get(ticket.id) ?? []
  const latest = comments.at(-1)
  const latestPublic = comments.filter((c) => c.public).at(-1)
  const agentUrl = `${state.host()}/agent/tickets/${ticket.id}`
  const values: Record<string, string> = {
    'ticket.id': String(ticket.id),
    'ticket.external_id': ticket.external_id ?? '',
    'ticket.title': ticket.subject,
    'ticket.description': ticket.description,
    'ticket.status': STATUS_NAMES[ticket.status] ?? ticket.status,
    'ticket.priority': capitalize(ticket.priority),
    'ticket.ticket_type': capitalize(ticket.type),
    'ticket.tags': ticket.tags.join(' '),
    'ticket.via': (update.viaId === null ? undefined : VIA_NAMES[update.viaId]) ?? '',
    'ticket.url': agentUrl,
    'ticket.link': `${new URL(state.baseUrl).protocol}//${agentUrl}`,
    'ticket.account': 'Zendesk Emulator',
    'ticket.created_at': displayDate(ticket.created_at),
    'ticket.updated_at': displayDate(ticket.updated_at),
    'ticket.created_at_with_timestamp': ticket.created_at,
    'ticket.updated_at_with_timestamp': ticket.updated_at,
    'ticket.due_date': ticket.due_at ? displayDate(ticket.due_at) : '',
    'ticket.latest_comment': commentText(state, latest),
    'ticket.latest_comment_html': commentHtml(state, latest),
    'ticket.latest_public_comment': commentText(state, latestPublic),
    'ticket.latest_public_comment_html': commentHtml(state, latestPublic),
    ...userValues('ticket.requester', state.users.get(ticket.requester_id)),
    ...userValues('ticket.submitter', state.users.get(ticket.submitter_id)),
    ...userValues('ticket.assignee', ticket.assignee_id === null ? undefined : state.users.get(ticket.assignee_id)),
    ...userValues('current_user', update.currentUser),
  }
  for (const field of ticket.custom_fields) {
    values[`ticket.ticket_field_${field.id}`] = field.value === null || field.value === undefined ? '' : String(field.value)
  }
  return values
}

/** Renders `template`; with `json`, values inside string literals are JSON-escaped. */
export function renderTemplate(template: string, values: Record<string, string>, json: boolean): string {
  let out = ''
  let inString = false
  let i = 0
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      const end = template.indexOf('}}', i + 2)
      if (end >= 0) {
        const value = values[template.slice(i + 2, end).trim()] ?? ''
        out += json && inString ? JSON.stringify(value).slice(1, -1) : value
        i = end + 2
        continue
      }
    }
    const char = template.charAt(i)
    if (json && char === '\\' && inString) {
      out += template.slice(i, i + 2)
      i += 2
      continue
    }
    if (json && char === '"') inString = !inString
    out += char
    i++
  }
  return out
}
