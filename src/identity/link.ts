// The identity policy against Zendesk: look up, decide, write (or not), and check what Zendesk answered.
import * as sdk from '@botpress/sdk'
import type { ZendeskApi } from '../zendesk/client'
import { ZendeskError } from '../zendesk/errors'
import type { ZendeskUser } from '../zendesk/schemas'
import { decideIdentity, type KnownUser, type Wanted } from './policy'

// Spaces, quotes and wildcards would let an "address" add terms to the search query or match others.
const SEARCHABLE_EMAIL = /^[^\s@"*:]+@[^\s@"*:]+\.[^\s@"*:]+$/
// Someone taking the address between the look-up and the write makes Zendesk refuse it; the policy then decides
// again from what Zendesk holds now. Twice is enough for a race; more would be a loop.
const ATTEMPTS = 3

const known = (u: ZendeskUser): KnownUser => ({ ...u, hasPhoto: Boolean(u.photo) })

const isTakenEmail = (thrown: unknown) =>
  thrown instanceof ZendeskError && thrown.status === 422 && /already being used|DuplicateValue/i.test(thrown.failure.details ?? '')

/** The id of the Zendesk end user the Botpress user is linked to, created or updated as the policy says. */
export async function linkZendeskUser(zendesk: ZendeskApi, wanted: Wanted, logger: sdk.IntegrationLogger): Promise<number> {
  const email = wanted.email && SEARCHABLE_EMAIL.test(wanted.email) ? wanted.email : undefined
  if (wanted.email && !email) {
    logger.forBot().warn(`The email given for Botpress user ${wanted.externalId} is not an address Zendesk accepts; the user is created without one.`)
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await linkOnce(zendesk, { ...wanted, email }, logger)
    } catch (thrown) {
      if (!isTakenEmail(thrown) || attempt >= ATTEMPTS) throw thrown
    }
  }
}

async function linkOnce(zendesk: ZendeskApi, wanted: Wanted, logger: sdk.IntegrationLogger): Promise<number> {
  const { email } = wanted
  // One after the other: a returning user already holds the address, and the second look-up is not needed. With
  // linking off the address is never set on anyone, so who has it does not matter.
  const [linked] = await zendesk.findUsers({ externalId: wanted.externalId })
  const [owner] =
    email && wanted.linkExistingEndUsers && linked?.email?.toLowerCase() !== email ? await zendesk.findUsers({ email }) : linked ? [linked] : []
  const decision = decideIdentity(wanted, { linked: linked && known(linked), emailOwner: owner && known(owner) })
  if (decision.kind === 'refuse') throw new sdk.RuntimeError(decision.message)
  if (decision.warning) logger.forBot().warn(decision.warning)
  if (decision.kind === 'keep') return decision.zendeskUserId
  const user =
    decision.kind === 'create' ? await zendesk.createUser(decision.user) : await zendesk.updateUser(decision.zendeskUserId, decision.user)
  if (user.role !== 'end-user') {
    throw new sdk.RuntimeError(`Zendesk answered with ${user.role} ${user.id} for Botpress user ${wanted.externalId}: it is not linked.`)
  }
  return user.id
}
