// Zendesk's error answers. The classic Support API answers `{error, description?, details?}`; the newer
// Webhooks API answers JSON:API style `{errors: [{code, title, detail}]}`. Handlers throw ApiError and the
// server turns it into the answer, so every error path goes through the same shapes.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`Zendesk ${status}: ${JSON.stringify(body)}`)
  }
}

export interface FieldError {
  description: string
  error?: string
}

export const couldNotAuthenticate = () => new ApiError(401, { error: "Couldn't authenticate you" })

// What Zendesk's OAuth layer answers for a bearer token it does not accept (unknown, revoked or expired).
export const invalidToken = () =>
  new ApiError(
    401,
    {
      error: 'invalid_token',
      error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
    },
    { 'www-authenticate': 'Bearer realm="Doorkeeper", error="invalid_token"' },
  )

export const forbidden = () =>
  new ApiError(403, {
    error: 'Forbidden',
    description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.',
  })

export const recordNotFound = () => new ApiError(404, { error: 'RecordNotFound', description: 'Not found' })

export const invalidEndpoint = () => new ApiError(404, { error: 'InvalidEndpoint', description: 'Not found' })

export const recordInvalid = (details: Record<string, FieldError[]>) =>
  new ApiError(422, { error: 'RecordInvalid', description: 'Record validation errors', details })

export const badRequest = (error: string, description: string) => new ApiError(400, { error, description })

export const webhookError = (status: number, code: string, title: string, detail?: string) =>
  new ApiError(status, { errors: [{ code, title, ...(detail === undefined ? {} : { detail }) }] })
