// Contracts for what Zendesk's OpenAPI document does not cover, written from Zendesk's documentation: the
// Webhooks API ("Webhooks" API reference), OAuth ("OAuth Tokens for Grant Types"), and the error bodies the
// document never describes. They are checked exactly like the OpenAPI ones and recorded the same way.

import { z } from 'zod'

/** Classic Support API error: `{error, description?, details?}`; `error` may itself be an object on some endpoints. */
export const ZendeskError = z
  .object({
    error: z.union([z.string(), z.object({ title: z.string(), message: z.string() }).passthrough()]),
    description: z.string().optional(),
    details: z.record(z.array(z.object({ description: z.string(), error: z.string().optional() }).passthrough())).optional(),
  })
  .passthrough()

/** Webhooks API error, JSON:API style. */
export const WebhookErrors = z.object({
  errors: z.array(z.object({ code: z.string(), title: z.string(), detail: z.string().optional() }).passthrough()).min(1),
})

const Authentication = z.discriminatedUnion('type', [
  z.object({ type: z.literal('basic_auth'), add_position: z.literal('header'), data: z.object({ username: z.string(), password: z.string().optional() }) }),
  z.object({ type: z.literal('bearer_token'), add_position: z.literal('header'), data: z.object({ token: z.string().optional() }) }),
  z.object({ type: z.literal('api_key'), add_position: z.literal('header'), data: z.object({ name: z.string(), value: z.string().optional() }) }),
])

const WebhookFields = {
  name: z.string().min(1),
  description: z.string().optional(),
  endpoint: z.string().url(),
  http_method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  request_format: z.enum(['json', 'xml', 'form_encoded']),
  status: z.enum(['active', 'inactive']),
  subscriptions: z.array(z.string()).optional(),
  authentication: Authentication.optional(),
  custom_headers: z.record(z.string()).optional(),
}

export const WebhookWrite = z.object({
  webhook: z
    .object({
      ...WebhookFields,
      signing_secret: z.object({ algorithm: z.string(), secret: z.string() }).optional(),
    })
    .strict(),
})

export const WebhookPatch = z.object({ webhook: z.object(WebhookFields).partial().strict() })

export const Webhook = z
  .object({
    ...WebhookFields,
    id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    subscriptions: z.array(z.string()),
    created_at: z.string().datetime(),
    created_by: z.string(),
    updated_at: z.string().datetime(),
    updated_by: z.string(),
  })
  .strict()

export const WebhookResponse = z.object({ webhook: Webhook })

export const WebhookList = z.object({
  webhooks: z.array(Webhook),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable(), before_cursor: z.string().nullable() }),
  links: z.object({ next: z.string().nullable(), prev: z.string().nullable() }),
})

export const SigningSecret = z.object({ signing_secret: z.object({ algorithm: z.literal('SHA256'), secret: z.string().min(1) }) })

export const TokenRequest = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('authorization_code'),
    code: z.string(),
    client_id: z.string(),
    client_secret: z.string().optional(),
    redirect_uri: z.string(),
    scope: z.string().optional(),
    code_verifier: z.string().optional(),
    expires_in: z.coerce.number().int().positive().optional(),
    refresh_token_expires_in: z.coerce.number().int().positive().optional(),
  }),
  z.object({
    grant_type: z.literal('client_credentials'),
    client_id: z.string(),
    client_secret: z.string(),
    scope: z.string().optional(),
    expires_in: z.coerce.number().int().positive().optional(),
  }),
  z.object({
    grant_type: z.literal('refresh_token'),
    refresh_token: z.string(),
    client_id: z.string(),
    client_secret: z.string().optional(),
    scope: z.string().optional(),
    expires_in: z.coerce.number().int().positive().optional(),
    refresh_token_expires_in: z.coerce.number().int().positive().optional(),
  }),
])

export const TokenResponse = z
  .object({
    access_token: z.string().min(1),
    token_type: z.literal('bearer'),
    scope: z.string(),
    expires_in: z.number().int().positive(),
    refresh_token: z.string().min(1).optional(),
    refresh_token_expires_in: z.number().int().positive().optional(),
  })
  .strict()

export const OAuthError = z.object({ error: z.string(), error_description: z.string() })
