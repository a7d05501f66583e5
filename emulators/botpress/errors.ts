import { newErrorId } from './ids'

/** The error types of the runtime API with their status, as `@botpress/client` maps them to its error classes. */
export const ERROR_STATUS = {
  Unknown: 500,
  Internal: 500,
  Unauthorized: 401,
  Forbidden: 403,
  PayloadTooLarge: 413,
  InvalidPayload: 400,
  UnsupportedMediaType: 415,
  MethodNotFound: 405,
  ResourceNotFound: 404,
  InvalidQuery: 400,
  ReferenceNotFound: 400,
  Runtime: 400,
  AlreadyExists: 409,
  RateLimited: 429,
  OperationTimeout: 504,
} as const

export type ErrorType = keyof typeof ERROR_STATUS

export interface ErrorBody {
  id: string
  code: number
  type: string
  message: string
}

export class ApiError extends Error {
  readonly status: number
  constructor(
    readonly type: ErrorType,
    message: string,
    status?: number
  ) {
    super(message)
    this.status = status ?? ERROR_STATUS[type]
  }

  toBody(): ErrorBody {
    return errorBody(this.type, this.message, this.status)
  }
}

export const errorBody = (type: string, message: string, code: number): ErrorBody => ({
  id: newErrorId(),
  code,
  type,
  message,
})

export const notFound = (what: string, id: string) => new ApiError('ResourceNotFound', `${what} "${id}" doesn't exist`)

export const referenceNotFound = (what: string, id: string) =>
  new ApiError('ReferenceNotFound', `${what} "${id}" referenced in the payload doesn't exist`)

export const invalidPayload = (message: string) => new ApiError('InvalidPayload', message)
