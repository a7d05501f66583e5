// The Webhooks API (Zendesk's "Webhooks" API reference; not part of the Support OpenAPI document). Updates
// and deletes answer 204 without a body; errors use the JSON:API `errors` array this API uses.

import { randomBytes } from 'node:crypto'
import {
  SigningSecret,
  WebhookErrors,
  WebhookList,
  WebhookPatch,
  WebhookResponse,
  WebhookWrite,
} from './contracts.js'
import { webhookError } from './errors.js'
import { asRecord, json, noContent, objectBody, type ApiRequest, type Route } from './http.js'
import { ulid, type EmulatorState } from './state.js'
import type { Webhook, WebhookAuthentication } from './types.js'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const FORMATS = ['json', 'xml', 'form_encoded'] as const
const STATUSES = ['active', 'inactive'] as const

function newSecret(): string {
  return randomBytes(32).toString('base64url') + '='
}

/** What the API shows of a webhook: credentials never leave Zendesk, except a basic-auth user name. */
export function webhookView(webhook: Webhook): Webhook {
  const { authentication, ...rest } = webhook
  if (!authentication) return rest
  const masked: WebhookAuthentication =
    authentication.type === 'basic_auth'
      ? { type: 'basic_auth', add_position: 'header', data: { username: authentication.data.username } }
      : authentication.type === 'api_key'
        ? { type: 'api_key', add_position: 'header', data: { name: authentication.data.name } }
        : { type: 'bearer_token', add_position: 'header', data: {} }
  return { ...rest, authentication: masked }
}

function invalid(field: string, detail: string): never {
  throw webhookError(400, 'InvalidValue', `Invalid ${field}`, detail)
}

function validated(input: Record<string, unknown>, partial: boolean): Partial<Webhook> {
  const out: Partial<Webhook> = {}
  const present = (key: string) => input[key] !== undefined
  if (!partial || present('name')) {
    if (typeof input.name !== 'string' || input.name.trim() === '') invalid('name', 'name is required')
    out.name = input.name
  }
  if (!partial || present('endpoint')) {
    const endpoint = typeof input.endpoint === 'string' ? input.endpoint : ''
    if (!/^https?:\/\/[^\s/]+/.test(endpoint)) invalid('endpoint', 'endpoint must be an absolute http(s) URL')
    out.endpoint = endpoint
  }
  if (!partial || present('http_method')) {
    if (!METHODS.includes(input.http_method as Webhook['http_method'])) invalid('http_method', `http_method must be one of ${METHODS.join(', ')}`)
    out.http_method = input.http_method as Webhook['http_method']
  }
  if (!partial || present('request_format')) {
    if (!FORMATS.includes(input.request_format as Webhook['request_format'])) {
      invalid('request_format', `request_format must be one of ${FORMATS.join(', ')}`)
    }
    out.request_format = input.request_format as Webhook['request_format']
  }
  if (!partial || present('status')) {
    if (!STATUSES.includes(input.status as Webhook['status'])) invalid('status', 'status must be active or inactive')
    out.status = input.status as Webhook['status']
  }
  if (present('subscriptions')) {
    const subscriptions = Array.isArray(input.subscriptions) ? input.subscriptions.map(String) : []
    // Zendesk: a webhook connected to triggers subscribes to conditional_ticket_events and nothing else.
    if (subscriptions.includes('conditional_ticket_events') && subscriptions.length > 1) {
      invalid('subscriptions', 'conditional_ticket_events cannot be combined with other subscriptions')
    }
    out.subscriptions = subscriptions
  }
  if (present('description')) out.description = String(input.description)
  if (present('authentication')) out.authentication = input.authentication as WebhookAuthentication
  if (present('custom_headers')) out.custom_headers = asRecord(input.custom_headers) as Record<string, string>
  return out
}

export function webhookRoutes(state: EmulatorState): Route[] {
  const requireWebhook = (id: string | undefined): Webhook => {
    const webhook = state.webhooks.get(id ?? '')
    if (!webhook) throw webhookError(404, 'WebhookNotFound', 'Webhook not found', `No webhook with id ${id ?? ''}`)
    return webhook
  }
  const input = (req: ApiRequest) => asRecord(objectBody(req).webhook) ?? {}
  const actorId = (req: ApiRequest) => String(req.principal?.user.id ?? -1)
  const errors = { 400: WebhookErrors, 404: WebhookErrors }
  const base = { auth: 'api', adminOnly: true, resource: 'webhooks' } as const

  return [
    {
      ...base,
      method: 'GET',
      pattern: '/api/v2/webhooks',
      contract: { name: 'ListWebhooks', responses: { 200: WebhookList } },
      handler: (req) => {
        const nameContains = req.query['filter[name_contains]']?.toLowerCase()
        const status = req.query['filter[status]']
        const webhooks = [...state.webhooks.values()]
          .filter((w) => nameContains === undefined || w.name.toLowerCase().includes(nameContains))
          .filter((w) => status === undefined || w.status === status)
          .map(webhookView)
        return json(200, {
          webhooks,
          meta: { has_more: false, after_cursor: null, before_cursor: null },
          links: { next: null, prev: null },
        })
      },
    },
    {
      ...base,
      method: 'POST',
      pattern: '/api/v2/webhooks',
      contract: { name: 'CreateWebhook', request: WebhookWrite, responses: { 201: WebhookResponse, ...errors } },
      handler: (req) => {
        const body = input(req)
        const fields = validated(body, false)
        const now = state.nowIso()
        const webhook: Webhook = {
          id: ulid(state.now().getTime()),
          name: '',
          endpoint: '',
          http_method: 'POST',
          request_format: 'json',
          status: 'active',
          subscriptions: [],
          ...fields,
          created_at: now,
          created_by: actorId(req),
          updated_at: now,
          updated_by: actorId(req),
        }
        const secret = asRecord(body.signing_secret)?.secret
        state.webhooks.set(webhook.id, webhook)
        state.signingSecrets.set(webhook.id, typeof secret === 'string' && secret !== '' ? secret : newSecret())
        return json(201, { webhook: webhookView(webhook) }, { location: `${state.baseUrl}/api/v2/webhooks/${webhook.id}` })
      },
    },
    {
      ...base,
      method: 'GET',
      pattern: '/api/v2/webhooks/:webhook_id',
      contract: { name: 'ShowWebhook', responses: { 200: WebhookResponse, ...errors } },
      handler: (req) => json(200, { webhook: webhookView(requireWebhook(req.params.webhook_id)) }),
    },
    {
      ...base,
      method: 'PUT',
      pattern: '/api/v2/webhooks/:webhook_id',
      contract: { name: 'UpdateWebhook', request: WebhookWrite, responses: errors },
      handler: (req) => {
        const webhook = requireWebhook(req.params.webhook_id)
        const { description: _d, authentication: _a, custom_headers: _c, ...kept } = webhook
        const replaced: Webhook = { ...kept, subscriptions: [], ...validated(input(req), false), updated_at: state.nowIso(), updated_by: actorId(req) }
        state.webhooks.set(webhook.id, replaced)
        return noContent()
      },
    },
    {
      ...base,
      method: 'PATCH',
      pattern: '/api/v2/webhooks/:webhook_id',
      contract: { name: 'PatchWebhook', request: WebhookPatch, responses: errors },
      handler: (req) => {
        const webhook = requireWebhook(req.params.webhook_id)
        Object.assign(webhook, validated(input(req), true), { updated_at: state.nowIso(), updated_by: actorId(req) })
        return noContent()
      },
    },
    {
      ...base,
      method: 'DELETE',
      pattern: '/api/v2/webhooks/:webhook_id',
      contract: { name: 'DeleteWebhook', responses: errors },
      handler: (req) => {
        const webhook = requireWebhook(req.params.webhook_id)
        state.webhooks.delete(webhook.id)
        state.signingSecrets.delete(webhook.id)
        return noContent()
      },
    },
    {
      ...base,
      method: 'GET',
      pattern: '/api/v2/webhooks/:webhook_id/signing_secret',
      contract: { name: 'ShowWebhookSigningSecret', responses: { 200: SigningSecret, ...errors } },
      handler: (req) => {
        const webhook = requireWebhook(req.params.webhook_id)
        return json(200, { signing_secret: { algorithm: 'SHA256', secret: state.signingSecrets.get(webhook.id) ?? '' } })
      },
    },
    {
      ...base,
      method: 'POST',
      pattern: '/api/v2/webhooks/:webhook_id/signing_secret',
      contract: { name: 'ResetWebhookSigningSecret', responses: { 201: SigningSecret, ...errors } },
      handler: (req) => {
        const webhook = requireWebhook(req.params.webhook_id)
        const secret = newSecret()
        state.signingSecrets.set(webhook.id, secret)
        return json(201, { signing_secret: { algorithm: 'SHA256', secret } })
      },
    },
  ]
}
