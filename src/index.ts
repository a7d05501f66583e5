import * as sdk from '@botpress/sdk'
import { callApi } from './actions/call-api'
import { closeTicket } from './actions/close-ticket'
import { createTicket } from './actions/create-ticket'
import { createUser } from './actions/create-user'
import { findCustomer } from './actions/find-customer'
import { getTicket } from './actions/get-ticket'
import { listAgents } from './actions/list-agents'
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
  actions: { createUser, startHitl, stopHitl, getTicket, findCustomer, createTicket, closeTicket, listAgents, callApi, syncKb },
  channels: { hitl },
  handler,
})
guard(integration)

export default integration
