// The floor for cold start and size: an SDK integration that does nothing, bundled exactly like ours.
import * as sdk from '@botpress/sdk'

export default new sdk.Integration({
  register: async () => {},
  unregister: async () => {},
  actions: {},
  channels: {},
  handler: async () => {},
})
