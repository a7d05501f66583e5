// The webhook's signing secret, as Zendesk has it now. Zendesk lets an admin rotate it, so after a signature
// mismatch it is re-read (at most once a minute, so forged requests cannot make us hammer Zendesk).
//
// register is the only writer of the setup. A re-read secret is kept in a state of its own, bound to the webhook it
// was read for: a re-read that finishes after a newer register (a new webhook, a new secret) is then simply unused,
// instead of writing the old webhook's secret over the new setup.
import { connect, stateOrNone, type Setup } from '../connection'
import type { WebhookProps } from '../types'
import { verify, type Verdict } from '../webhook/verify'

const SECRET_RECHECK_MS = 60_000

type ReRead = { webhookId: string; secret: string; checkedAt: number }

export async function verifyWithRotation(props: WebhookProps, raw: string, setup: Setup): Promise<Verdict> {
  const { req, client, ctx } = props
  const verdict = verify(raw, req.headers, setup.signingSecret)
  if (verdict.ok || verdict.refusal !== 'mismatch') return verdict

  const known = await readReRead(props, setup.webhookId)
  if (known && known.secret !== setup.signingSecret) {
    const withKnown = verify(raw, req.headers, known.secret)
    if (withKnown.ok) return withKnown
  }
  if (known && Date.now() - known.checkedAt <= SECRET_RECHECK_MS) return verdict

  const secret = await connect(props).zendesk.signingSecret(setup.webhookId)
  const reRead: ReRead = { webhookId: setup.webhookId, secret, checkedAt: Date.now() }
  await client.setState({ type: 'integration', name: 'signingSecret', id: ctx.integrationId, payload: reRead })
  return verify(raw, req.headers, secret)
}

async function readReRead({ client, ctx }: WebhookProps, webhookId: string): Promise<ReRead | undefined> {
  const found = await stateOrNone(() => client.getState({ type: 'integration', name: 'signingSecret', id: ctx.integrationId }))
  // A secret read for an earlier webhook says nothing about this one.
  return found?.webhookId === webhookId ? found : undefined
}
