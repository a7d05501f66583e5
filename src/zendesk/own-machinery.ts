// What callApi must leave alone even though the admin's credentials could reach it: the webhook that delivers
// Zendesk's events to this integration (deleting or rotating it silently ends HITL), every webhook's signing
// secret (it proves a request comes from Zendesk, and an action's answer is readable by the bot and its users),
// and the triggers this integration created (changing them stops or reroutes the events).
import type { Setup } from '../connection'

type Own = Pick<Setup, 'webhookId' | 'triggerIds'>

const bare = (segment: string) => segment.toLowerCase().replace(/\.json$/, '')
const idsIn = (value: unknown): string[] =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim().toLowerCase()) : typeof value === 'number' ? [String(value)] : []

/** Why the request would read or change the integration's own machinery, or undefined when it would not. */
export function ownMachinery(method: string, path: string, query: Record<string, string>, body: unknown, own: Own | undefined): string | undefined {
  const segments = path.split('/').map(bare)
  if (segments.includes('signing_secret')) {
    return 'a webhook\'s signing secret proves its requests come from Zendesk, and an action\'s answer is no place for it'
  }
  if (!own) return undefined
  const [resource, id] = segments
  if (resource === 'webhooks') {
    const webhookId = own.webhookId.toLowerCase()
    const named = id === webhookId || Object.values(query).some((v) => idsIn(v).includes(webhookId)) || JSON.stringify(body ?? {}).toLowerCase().includes(webhookId)
    if (named) return `webhook ${own.webhookId} delivers Zendesk's events to this integration, and reading or changing it would expose or break HITL`
  }
  if (resource === 'triggers' && method !== 'GET') {
    const triggerIds = new Set(own.triggerIds.map(String))
    const listed = (body as { triggers?: unknown } | undefined)?.triggers
    const bodyIds = Array.isArray(listed) ? listed.map((t) => String((t as { id?: unknown } | null)?.id)) : []
    const named = [id ?? '', ...idsIn(query.ids), ...bodyIds].filter((t) => triggerIds.has(t))
    if (named.length) return `trigger ${named[0]} is one this integration created to hear of ticket changes: changing it would stop HITL's events`
  }
  return undefined
}
