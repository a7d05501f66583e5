// Which Zendesk user a Botpress user becomes, decided from what Zendesk already holds. The email a bot passes to
// createUser is whatever the bot was told: matched blindly (users/create_or_update matches by email), it turns the
// agent or admin who owns that address into the chat user's end user. So an address is looked up first, and:
// - an agent's or admin's address is never used, and the agent or admin never changed nor linked;
// - another end user's address links to that end user only when the bot builder said the bot verifies emails, and
//   only if no other Botpress user is linked to it already (another bot on the same account);
// - otherwise the user gets their own end user without the address, which agents see in its notes, unverified.
// With linking off, the address is never set on any Zendesk user: Zendesk would mail it on the chat user's behalf,
// and the chat user would hold it before its owner signs up.
// The notes, not the ticket's first comment: notes are read by agents only, while the first comment is public
// (authored by the requester, mailed to whoever follows the ticket) and would tell the chat user whose address
// it was; and the notes stay with the user across all their tickets.

export type ZendeskRole = 'end-user' | 'agent' | 'admin' | (string & {})
export type KnownUser = { id: number; role?: ZendeskRole | null; email?: string | null; external_id?: string | null; name?: string | null; notes?: string | null; hasPhoto?: boolean }

export type Wanted = {
  /** The Botpress user id, kept in the Zendesk user's external_id. */
  externalId: string
  name: string
  email?: string
  pictureUrl?: string
  /** The configuration option: the bot verifies its users' emails. */
  linkExistingEndUsers: boolean
}

/** What Zendesk holds: the user already linked (by external_id), and the owner of the email. */
export type Found = { linked?: KnownUser; emailOwner?: KnownUser }

/** Fields written to Zendesk. An update goes to one user by id and never carries a role nor an email. */
export type UserWrite = {
  name: string
  external_id: string
  email?: string
  remote_photo_url?: string
  role?: 'end-user'
  verified?: true
  notes?: string
}

export type Decision =
  | { kind: 'refuse'; message: string }
  | { kind: 'keep'; zendeskUserId: number; warning?: string }
  /** Create User (POST /api/v2/users): Zendesk refuses it if another user took the address meanwhile. */
  | { kind: 'create'; user: UserWrite & { role: 'end-user' }; warning?: string }
  | { kind: 'update'; zendeskUserId: number; user: UserWrite; warning?: string }

const isStaff = (u: KnownUser | undefined) => u !== undefined && u.role !== 'end-user'

export const unverifiedNote = (email: string) =>
  `Email given in the chat, not verified and not set on this user because another Zendesk user has it: ${email}`

/** With linking off nobody vouches for the address: Zendesk must neither mail it nor let it claim the address. */
export const unclaimedNote = (email: string) => `Email given in the chat, not verified and so not set on this user: ${email}`

export function decideIdentity(wanted: Wanted, found: Found): Decision {
  const { linked, emailOwner } = found
  if (linked && isStaff(linked)) {
    return {
      kind: 'refuse',
      message: `Zendesk user ${linked.id} is an ${linked.role} whose external ID is Botpress user ${wanted.externalId}: agents and admins are never linked to a chat user. Clear that external ID in Zendesk.`,
    }
  }
  const email = wanted.email
  const ownerIsOther = emailOwner !== undefined && emailOwner.id !== linked?.id
  const linkable =
    ownerIsOther && !isStaff(emailOwner) && wanted.linkExistingEndUsers && !linked && !emailOwner.external_id
  const clash = email !== undefined && wanted.linkExistingEndUsers && ownerIsOther && !linkable

  const user: UserWrite = { name: wanted.name, external_id: wanted.externalId }
  const target = linkable ? emailOwner : linked
  if (wanted.pictureUrl && !target?.hasPhoto) user.remote_photo_url = wanted.pictureUrl
  let warning: string | undefined
  let note: string | undefined
  if (email !== undefined && !wanted.linkExistingEndUsers) {
    note = unclaimedNote(email)
  } else if (clash) {
    const whose = isStaff(emailOwner) ? `Zendesk ${emailOwner!.role} ${emailOwner!.id}` : `Zendesk end user ${emailOwner!.id}`
    warning =
      `The email given for Botpress user ${wanted.externalId} belongs to ${whose}: the user gets a Zendesk end user without it, and agents see it in the user's notes, marked unverified.`
    note = unverifiedNote(email!)
  } else if (email !== undefined && linked?.email?.toLowerCase() !== email) {
    if (!linkable) user.email = email
    user.verified = true
  }
  // Appended, so that what agents wrote in the notes stays.
  if (note && !linked?.notes?.includes(note)) user.notes = linked?.notes ? `${linked.notes}\n${note}` : note

  const extra = warning ? { warning } : {}
  if (!target) return { kind: 'create', user: { ...user, role: 'end-user' }, ...extra }
  if (linked && unchanged(linked, user)) return { kind: 'keep', zendeskUserId: linked.id, ...extra }
  return { kind: 'update', zendeskUserId: target.id, user, ...extra }
}

function unchanged(linked: KnownUser, user: UserWrite): boolean {
  return linked.name === user.name && user.remote_photo_url === undefined && user.email === undefined && user.notes === undefined
}
