// Everything a handler needs to talk to Zendesk for this integration instance.
import * as sdk from '@botpress/sdk'
import { authorizerFor } from './auth/credentials'
import { isNotFound } from './state'
import { readSettings, type Settings } from './config'
import { ZendeskApi } from './zendesk/client'
import type { Client, Context, Logger, TIntegration } from './types'

export { isNotFound, stateOrNone } from './state'

export type Props = { ctx: Context; client: Client; logger: Logger }
export type Setup = TIntegration['states']['zendesk']['payload']

export function connect(props: Props): { settings: Settings; zendesk: ZendeskApi } {
  const settings = readSettings(props.ctx)
  return { settings, zendesk: new ZendeskApi(settings.baseUrl, authorizerFor(settings, props)) }
}

/** Tag on every ticket of this integration instance (one bot's installation): triggers only fire for those. */
export const instanceTag = (webhookId: string) => `bphitl_${webhookId.toLowerCase().replace(/[^a-z0-9]/g, '')}`

export async function readSetup({ client, ctx }: Pick<Props, 'client' | 'ctx'>): Promise<Setup> {
  try {
    const { state } = await client.getState({ type: 'integration', name: 'zendesk', id: ctx.integrationId })
    return state.payload
  } catch (thrown) {
    if (isNotFound(thrown)) {
      throw new sdk.RuntimeError('The integration is not set up in Zendesk yet: save its configuration again so it registers.')
    }
    throw thrown
  }
}

export const writeSetup = ({ client, ctx }: Pick<Props, 'client' | 'ctx'>, setup: Setup) =>
  client.setState({ type: 'integration', name: 'zendesk', id: ctx.integrationId, payload: setup })
