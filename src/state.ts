// Reading Botpress states that may not have been written yet.
import * as sdk from '@botpress/sdk'

/** Botpress's answer for a state (or any entity) that does not exist. */
export const isNotFound = (thrown: unknown) => sdk.isApiError(thrown) && thrown.type === 'ResourceNotFound'

/** A state's payload, or undefined when it was never written. */
export async function stateOrNone<T>(read: () => Promise<{ state: { payload: T } }>): Promise<T | undefined> {
  try {
    return (await read()).state.payload
  } catch (thrown) {
    if (isNotFound(thrown)) return undefined
    throw thrown
  }
}
