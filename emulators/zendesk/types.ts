// Zendesk-shaped records, as the Support API returns them (snake_case). The emulator stores exactly these
// objects in its Maps, so what a test reads from `state` is what a client would read from the API.

export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed'
export type TicketPriority = 'urgent' | 'high' | 'normal' | 'low'
export type TicketType = 'problem' | 'incident' | 'question' | 'task'
export type UserRole = 'end-user' | 'agent' | 'admin'

export interface ViaSource {
  from: Record<string, unknown>
  to: Record<string, unknown>
  rel: string | null
}

export interface Via {
  channel: string
  source: ViaSource
}

/** What Zendesk answers for any stored file: a user's photo or a comment's attachment. */
export interface StoredFile {
  url: string
  id: number
  file_name: string
  content_url: string
  mapped_content_url: string
  content_type: string
  size: number
  thumbnails: []
}

export type Photo = StoredFile

export interface User {
  id: number
  url: string
  name: string
  email: string | null
  created_at: string
  updated_at: string
  time_zone: string
  iana_time_zone: string
  phone: string | null
  shared_phone_number: boolean | null
  photo: Photo | null
  locale_id: number
  locale: string
  organization_id: number | null
  role: UserRole
  verified: boolean
  external_id: string | null
  tags: string[]
  alias: string | null
  active: boolean
  shared: boolean
  shared_agent: boolean
  last_login_at: string | null
  two_factor_auth_enabled: boolean | null
  signature: string | null
  details: string
  notes: string
  role_type: number | null
  custom_role_id: number | null
  moderator: boolean
  ticket_restriction: string | null
  only_private_comments: boolean
  restricted_agent: boolean
  suspended: boolean
  default_group_id: number | null
  report_csv: boolean
  user_fields: Record<string, unknown>
}

export interface CustomFieldValue {
  id: number
  value: unknown
}

export interface Ticket {
  url: string
  id: number
  external_id: string | null
  via: Via
  created_at: string
  updated_at: string
  generated_timestamp: number
  type: TicketType | null
  subject: string
  raw_subject: string
  description: string
  priority: TicketPriority | null
  status: TicketStatus
  recipient: string | null
  requester_id: number
  submitter_id: number
  assignee_id: number | null
  organization_id: number | null
  group_id: number | null
  collaborator_ids: number[]
  follower_ids: number[]
  email_cc_ids: number[]
  forum_topic_id: number | null
  problem_id: number | null
  has_incidents: boolean
  is_public: boolean
  due_at: string | null
  tags: string[]
  custom_fields: CustomFieldValue[]
  satisfaction_rating: Record<string, unknown> | null
  sharing_agreement_ids: number[]
  custom_status_id: number
  followup_ids: number[]
  via_followup_source_id?: number
  ticket_form_id: number
  brand_id: number
  allow_channelback: boolean
  allow_attachments: boolean
  from_messaging_channel: boolean
}

export interface Attachment extends StoredFile {
  width: string | null
  height: string | null
  inline: boolean
  deleted: boolean
  malware_access_override: boolean
  malware_scan_result: string
}

export interface Comment {
  id: number
  type: 'Comment'
  author_id: number
  body: string
  html_body: string
  plain_body: string
  public: boolean
  attachments: Attachment[]
  audit_id: number
  via: Via
  created_at: string
  metadata: { system: Record<string, unknown>; custom: Record<string, unknown> }
}

export interface Upload {
  token: string
  expires_at: string
  attachments: Attachment[]
}

export type WebhookAuthentication =
  | { type: 'basic_auth'; add_position: 'header'; data: { username: string; password?: string } }
  | { type: 'bearer_token'; add_position: 'header'; data: { token?: string } }
  | { type: 'api_key'; add_position: 'header'; data: { name: string; value?: string } }

export interface Webhook {
  id: string
  name: string
  description?: string
  endpoint: string
  http_method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  request_format: 'json' | 'xml' | 'form_encoded'
  status: 'active' | 'inactive'
  subscriptions: string[]
  authentication?: WebhookAuthentication
  custom_headers?: Record<string, string>
  created_at: string
  created_by: string
  updated_at: string
  updated_by: string
}

export interface TriggerCondition {
  field: string
  operator: string
  value: string | number | (string | number)[]
}

export interface TriggerAction {
  field: string
  value: string | number | (string | number)[]
}

export interface Trigger {
  url: string
  id: number
  title: string
  raw_title: string
  description: string | null
  active: boolean
  position: number
  conditions: { all: TriggerCondition[]; any: TriggerCondition[] }
  actions: TriggerAction[]
  category_id: string
  default: boolean
  created_at: string
  updated_at: string
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  /** Lower-cased header names; `authorization` is redacted to its scheme. */
  headers: Record<string, string>
  /** Parsed JSON or form body, a Buffer for binary uploads, undefined when empty. */
  body: unknown
  status: number
  responseBody: unknown
  startedAt: string
  durationMs: number
  /** The authenticated user the request acted as (the "current user" of a write), when there was one. */
  userId?: number
}

export interface ContractViolation {
  method: string
  path: string
  direction: 'request' | 'response'
  /** Where the contract came from: the OpenAPI operation id, or the zod schema's name for paths the document lacks. */
  contract: string
  errors: string[]
}

export interface WebhookDelivery {
  webhookId: string
  triggerId: number
  ticketId: number
  invocationId: string
  url: string
  method: string
  headers: Record<string, string>
  body: string
  attempt: number
  /** Date.now() when the request was sent, and when its answer (or failure) came. */
  sentAt: number
  answeredAt?: number
  status?: number
  error?: string
}
