// The parts of Zendesk's objects this integration reads, parsed rather than trusted.
import { z } from 'zod'

const id = z.number().int()

export const zendeskUser = z.object({
  id,
  name: z.string().nullable().default(''),
  email: z.string().nullable().optional(),
  role: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
  photo: z.object({ content_url: z.string().nullable().optional() }).passthrough().nullable().optional(),
  notes: z.string().nullable().optional(),
})
export type ZendeskUser = z.infer<typeof zendeskUser>

const zendeskAttachment = z.object({
  id,
  file_name: z.string(),
  content_url: z.string(),
  content_type: z.string().nullable().optional(),
  size: z.number().nullable().optional(),
})
export type ZendeskAttachment = z.infer<typeof zendeskAttachment>

const zendeskComment = z.object({
  id,
  author_id: id,
  body: z.string().nullable().optional(),
  html_body: z.string().nullable().optional(),
  plain_body: z.string().nullable().optional(),
  public: z.boolean(),
  via: z.object({ channel: z.union([z.string(), z.number()]).nullable().optional() }).passthrough().nullable().optional(),
  attachments: z.array(zendeskAttachment).nullable().default([]),
  created_at: z.string().nullable().optional(),
})
export type ZendeskComment = z.infer<typeof zendeskComment>

export const zendeskTicket = z.object({
  id,
  status: z.string(),
  subject: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
  assignee_id: id.nullable().optional(),
  requester_id: id.nullable().optional(),
  tags: z.array(z.string()).default([]),
})
export type ZendeskTicket = z.infer<typeof zendeskTicket>

export const commentsPage = z.object({
  comments: z.array(zendeskComment),
  users: z.array(zendeskUser).default([]),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }).optional(),
})

export const ticketUpdate = z.object({
  ticket: zendeskTicket,
  audit: z
    .object({ events: z.array(z.object({ type: z.string(), id: id.optional() }).passthrough()).default([]) })
    .passthrough()
    .optional(),
})

export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.string().optional(),
  refresh_token: z.string().nullable().optional(),
  expires_in: z.number().nullable().optional(),
  scope: z.string().optional(),
})
export type TokenResponse = z.infer<typeof tokenResponse>

// The fuller views the bot builder's actions return (getTicket, findCustomer, …): parsed, so a field Zendesk
// answers in an unexpected shape is an error naming it rather than a wrong value in a flow.
export const ticketRecord = z.object({
  id,
  subject: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  status: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable().optional(),
  type: z.enum(['question', 'incident', 'problem', 'task']).nullable().optional(),
  requester_id: id.nullable().optional(),
  assignee_id: id.nullable().optional(),
  group_id: id.nullable().optional(),
  ticket_form_id: id.nullable().optional(),
  tags: z.array(z.string()).default([]),
  external_id: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  via: z.object({ channel: z.union([z.string(), z.number()]).nullable().optional() }).passthrough().nullable().optional(),
})
export type TicketRecord = z.infer<typeof ticketRecord>

export const userRecord = z.object({
  id,
  name: z.string().nullable().default(''),
  email: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  photo: z.object({ content_url: z.string().nullable().optional() }).passthrough().nullable().optional(),
  role: z.enum(['end-user', 'agent', 'admin']),
  tags: z.array(z.string()).default([]),
  external_id: z.string().nullable().optional(),
  user_fields: z.record(z.unknown()).nullable().default({}),
  created_at: z.string(),
  updated_at: z.string(),
})
export type UserRecord = z.infer<typeof userRecord>

export const usersOffsetPage = z.object({ users: z.array(userRecord), next_page: z.string().nullable().optional() })
export const usersCursorPage = z.object({
  users: z.array(userRecord),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }).passthrough(),
})
export const usersPage = z.object({ users: z.array(zendeskUser) })
