// The identity policy against Zendesk: look up, decide, write (or not), and check what Zendesk answered.
import * as sdk from '@botpress/sdk'
import type { ZendeskApi } from '../zendesk/client'
import type { ZendeskUser } from '../zendesk/schemas'
import { decideIdentity, type KnownUser, type Wanted } from './policy'

// Spaces, quotes and wildcards would let an "address" add terms to the search query or match others.
const SEARCHABLE_EMAIL = /^[^\s@"*:]+@[^\s@"*:]+\.[^\s@"*:]+$/

const known = (u: ZendeskUser): KnownUser => ({ ...u, hasPhoto: Boolean(u.photo) })

/** The id of the Zendesk end user the Botpress user is linked to, created or updated as the policy says. */
export async function linkZendeskUser(zendesk: ZendeskApi, wanted: Wanted, logger: sdk.IntegrationLogger): Promise<number> {
  const email = wanted.email && SEARCHABLE_EMAIL.test(wanted.email) ? wanted.email : undefined
  if (wanted.email && !email) {
    logger.forBot().warn(`The email given for Botpress user ${wanted.externalId} is not an address Zendesk accepts; the user is created without one.`)
  }
  // One after the other: a returning user already holds the address, and the second look-up is not needed.
  const [linked] = await zendesk.findUsers({ externalId: wanted.externalId })
  const [owner] = email && linked?.email?.toLowerCase() !== email ? await zendesk.findUsers({ email }) : linked ? [linked] : []
  const decision = decideIdentity({ ...wanted, email }, { linked: linked && known(linked), emailOwner: owner && known(owner) })
  if (decision.kind === 'refuse') throw new sdk.RuntimeError(decision.message)
  if (decision.warning) logger.forBot().warn(decision.warning)
  if (decision.kind === 'keep') return decision.zendeskUserId
  const user = await zendesk.createOrUpdateUser(decision.user)
  if (user.role && user.role !== 'end-user') {
    throw new sdk.RuntimeError(`Zendesk answered with ${user.role} ${user.id} for Botpress user ${wanted.externalId}: it is not linked.`)
  }
  return user.id
}
