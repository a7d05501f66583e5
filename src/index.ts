import * as sdk from '@botpress/sdk'
import { createUser } from './actions/create-user'
import { startHitl } from './actions/start-hitl'
import { stopHitl } from './actions/stop-hitl'
import { syncKb } from './actions/sync-kb'
import { hitl } from './channels/hitl'
import { guard } from './guard'
import { register, unregister } from './setup/register'
import type { TIntegration } from './types'
import { handler } from './webhook'

const integration = new sdk.Integration<TIntegration>({
  register,
  unregister,
  actions: { createUser, startHitl, stopHitl, syncKb },
  channels: { hitl },
  handler,
})
guard(integration)

export default integration
