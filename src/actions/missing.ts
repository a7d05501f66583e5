import * as sdk from '@botpress/sdk'
import { ZendeskError } from '../zendesk/errors'

/** Zendesk's 404 as the error a bot builder acts on: what is missing and what to check. */
export async function orMissing<T>(run: () => Promise<T>, message: string): Promise<T> {
  try {
    return await run()
  } catch (thrown) {
    if (thrown instanceof ZendeskError && thrown.status === 404) throw new sdk.RuntimeError(message)
    throw thrown
  }
}

export const noTicket = (id: number | string) =>
  `Zendesk has no ticket ${id}: check the ticket ID (the number in the ticket's address); a deleted ticket cannot be read.`
