export { runtimeContract, startBotpressEmulator } from './server'
export { RuntimeContract } from './contract'
export { ERROR_STATUS, type ErrorBody, type ErrorType } from './errors'
export type * from './types'
