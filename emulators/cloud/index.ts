export {
  type Cloud,
  type CloudOptions,
  DEFAULT_BUNDLE,
  type Invocation,
  InvocationError,
  type InvokeResult,
  type Operation,
  startCloud,
} from './cloud'
