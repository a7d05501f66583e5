// Stage 2: the body our triggers send (setup/triggers.ts renders them), parsed into typed events. Placeholders
// arrive as strings; one Zendesk left unrendered or empty is refused here, not trusted later.
import { z } from 'zod'

const ticketId = z.string().regex(/^\d{1,19}$/, 'ticket id is not a number').transform(Number)
const optionalId = z
  .string()
  .regex(/^\d{0,19}$/, 'not a number')
  .transform((v) => (v === '' ? undefined : Number(v)))

const ticket = z.object({
  id: ticketId,
  external_id: z.string().max(200),
  status: z.string().max(50).optional(),
  /** Space-separated, as Zendesk renders `{{ticket.tags}}`; absent from triggers registered before it was added. */
  tags: z.string().max(20_000).optional(),
  assignee_id: optionalId.optional(),
})

const common = { instance: z.string().max(100), ticket }

const webhookEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('comment'), ...common }),
  z.object({ event: z.literal('assigned'), ...common }),
  z.object({ event: z.literal('stopped'), ...common }),
])
export type WebhookEvent = z.infer<typeof webhookEvent>

export type Parsed = { ok: true; event: WebhookEvent } | { ok: false; reason: string }

export function parseEvent(rawBody: string): Parsed {
  let json: unknown
  try {
    json = JSON.parse(rawBody)
  } catch {
    return { ok: false, reason: 'the body is not JSON' }
  }
  const parsed = webhookEvent.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, reason: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` }
  }
  return { ok: true, event: parsed.data }
}
