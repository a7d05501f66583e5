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
  const { users, nextPage } = await zendesk.searchUsers(input.query, { number, size: input.pageSize ?? 100 })
  return { customers: users.map(userOut), ...(nextPage ? { nextCursor: String(nextPage) } : {}) }
}
