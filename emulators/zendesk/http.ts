import type { ZodType } from 'zod'
import type { User } from './types.js'

export interface Principal {
  user: User
  scopes: string[]
}

export interface ApiRequest {
  method: string
  /** Path without the `.json` suffix Zendesk clients often append. */
  path: string
  params: Record<string, string>
  query: Record<string, string>
  /** Every value of a repeated parameter (`role[]=agent&role[]=admin`); `query` keeps the last. */
  searchParams?: URLSearchParams
  headers: Record<string, string>
  /** Parsed JSON (or form) body; undefined when the request had none. */
  body: unknown
  rawBody: Buffer
  bodyTooLarge: boolean
  principal?: Principal
}

export interface ApiResponse {
  status: number
  body?: unknown
  /** Binary or text payloads (attachment downloads, OAuth pages) bypass JSON encoding. */
  raw?: { data: Buffer | string; contentType: string }
  headers?: Record<string, string>
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>

export interface Route {
  method: string
  /** Express-like pattern: `/api/v2/tickets/:ticket_id`. */
  pattern: string
  /** `api`: Zendesk API credentials required. `none`: token URLs and OAuth endpoints. */
  auth: 'api' | 'none'
  /** Admin-only endpoints (webhooks, triggers) answer 403 Forbidden to other agents. */
  adminOnly?: boolean
  /** Resource name used for resource-scoped OAuth scopes such as `tickets:write`. */
  resource?: string
  handler: Handler
  /** Contracts for paths the OpenAPI document lacks, written from Zendesk's documentation. */
  contract?: { name: string; request?: ZodType; responses?: Record<number, ZodType> }
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): ApiResponse => ({
  status,
  body,
  ...(headers ? { headers } : {}),
})

export const noContent = (): ApiResponse => ({ status: 204 })

export function objectBody(req: ApiRequest): Record<string, unknown> {
  const body = req.body
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}
