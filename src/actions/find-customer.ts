import * as sdk from '@botpress/sdk'
import { connect } from '../connection'
import { userOut } from '../mapping/records'
import type { ActionOutput, ActionProps } from '../types'

export async function findCustomer(props: ActionProps<'findCustomer'>): Promise<ActionOutput<'findCustomer'>> {
  const { input } = props
  const { zendesk } = connect(props)
  // Search Users pages by number; the cursor is that number, opaque to the flow.
  const number = input.cursor === undefined || input.cursor === '' ? 1 : Number(input.cursor)
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new sdk.RuntimeError(`Cursor "${input.cursor}" is not one findCustomer returned: pass its nextCursor, or nothing for the first page.`)
  }
  // Customers are end users: an agent's or admin's name, email or "role:admin" finds nobody. The role term narrows
  // Zendesk's search; the filter holds when the query's own role terms widen it (same-field terms are OR'ed).
  const { users, nextPage } = await zendesk.searchUsers(`${input.query} role:end-user`, { number, size: input.pageSize ?? 100 })
  return { customers: users.filter((u) => u.role === 'end-user').map(userOut), ...(nextPage ? { nextCursor: String(nextPage) } : {}) }
}
