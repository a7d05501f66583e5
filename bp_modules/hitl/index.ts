import type * as sdk from '@botpress/sdk'
import definition from './definition'

export default {
  type: 'interface',
  name: 'hitl',
  version: '2.1.0',
  definition,
} satisfies sdk.InterfacePackage
