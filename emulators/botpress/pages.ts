// The list operations' pages: `nextToken` is an opaque offset, as the runtime API's tokens are to a client.
import { ApiError } from './errors'
import type { HandlerContext } from './handlers'

interface Page<T> {
  items: T[]
  meta: { nextToken?: string }
}

export function paginate<T>(ctx: Pick<HandlerContext, 'query' | 'pageSize'>, items: T[]): Page<T> {
  let offset = 0
  const token = ctx.query.nextToken as string | undefined
  if (token !== undefined) {
    let parsed = NaN
    try {
      parsed = Number(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))?.offset)
    } catch {
      // Reported below like any other token this API did not issue.
    }
    if (!Number.isInteger(parsed) || parsed < 0) throw new ApiError('InvalidQuery', `Invalid nextToken "${token}"`)
    offset = parsed
  }
  const slice = items.slice(offset, offset + ctx.pageSize)
  const next = offset + ctx.pageSize
  return {
    items: slice,
    meta: next < items.length ? { nextToken: Buffer.from(JSON.stringify({ offset: next })).toString('base64url') } : {},
  }
}
