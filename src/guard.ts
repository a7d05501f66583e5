// What Botpress Cloud sends is checked before the SDK sees it: the SDK answers a missing header or a body that
// is not JSON with a 500, and runs an action with whatever input it is given. Here they get a 400 that says what
// is wrong, and inputs are parsed with the schemas of the definition.
import * as sdk from '@botpress/sdk'
import definition from '../integration.definition'

type Request = sdk.Request
type Response = sdk.Response

const REQUIRED_HEADERS = [
  'x-bot-id',
  'x-bot-user-id',
  'x-integration-id',
  'x-integration-alias',
  'x-webhook-id',
  'x-bp-operation',
  'x-bp-configuration',
] as const

const BODY_OPERATIONS = new Set(['register', 'unregister', 'action_triggered', 'message_created', 'webhook_received'])

export const invalid = (message: string): Response => ({
  status: 400,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(new sdk.RuntimeError(message).toJSON()),
})

/** The reason a request is refused, or undefined when the SDK may handle it. */
function refusal(req: Request): string | undefined {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]))
  const missing = REQUIRED_HEADERS.filter((h) => !headers[h])
  if (missing.length) return `Missing Botpress header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`
  try {
    const configuration = JSON.parse(Buffer.from(headers['x-bp-configuration']!, 'base64').toString('utf8'))
    if (typeof configuration !== 'object' || configuration === null) return 'x-bp-configuration is not a base64 JSON object'
  } catch {
    return 'x-bp-configuration is not base64 JSON'
  }
  const operation = headers['x-bp-operation']!
  if (!BODY_OPERATIONS.has(operation)) return undefined
  let body: unknown
  try {
    body = JSON.parse(req.body ?? '')
  } catch {
    return `The ${operation} body is not JSON`
  }
  if (typeof body !== 'object' || body === null) return `The ${operation} body is not a JSON object`
  const b = body as Record<string, unknown>
  if (operation === 'action_triggered') return actionRefusal(b.type, b.input)
  if (operation === 'message_created') return messageRefusal(b)
  if (operation === 'webhook_received' && (typeof b.req !== 'object' || b.req === null)) return 'The webhook_received body has no req'
  return undefined
}

function actionRefusal(type: unknown, input: unknown): string | undefined {
  const actions = definition.actions ?? {}
  const action = typeof type === 'string' ? actions[type] : undefined
  if (!action) return `Unknown action "${String(type)}": this integration has ${Object.keys(actions).join(', ')}`
  const parsed = action.input.schema.safeParse(input)
  if (parsed.success) return undefined
  const issue = parsed.error.issues[0]
  return `Invalid input for ${String(type)}: ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`
}

function messageRefusal(b: Record<string, unknown>): string | undefined {
  const conversation = b.conversation as { channel?: unknown } | undefined
  const channel = typeof conversation?.channel === 'string' ? definition.channels?.[conversation.channel] : undefined
  if (!channel) return `Unknown channel "${String(conversation?.channel)}"`
  const message = typeof b.type === 'string' ? channel.messages[b.type] : undefined
  if (!message) return `The ${String(conversation?.channel)} channel has no "${String(b.type)}" messages`
  // The hitl plugin relays `{type, ...payload, userId}`: the type it repeats is not a field of the payload.
  const { type: repeated, ...fields } = (b.payload ?? {}) as Record<string, unknown>
  const parsed = message.schema.safeParse(repeated === b.type ? fields : b.payload)
  if (parsed.success) return undefined
  const issue = parsed.error.issues[0]
  return `Invalid ${String(b.type)} payload: ${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`
}

export function guard(integration: { handler: (req: Request) => Promise<Response | void> }): void {
  const inner = integration.handler
  const guarded = async (req: Request): Promise<Response | void> => {
    const reason = refusal(req)
    return reason ? invalid(reason) : inner(req)
  }
  Object.defineProperty(integration, 'handler', { value: guarded })
}
