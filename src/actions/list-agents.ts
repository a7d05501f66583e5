import * as sdk from '@botpress/sdk'
import { connect } from '../connection'
import { ZendeskError } from '../zendesk/errors'
import { userOut } from '../mapping/records'
import type { ActionOutput, ActionProps } from '../types'

export async function listAgents(props: ActionProps<'listAgents'>): Promise<ActionOutput<'listAgents'>> {
  const { input } = props
  const { zendesk } = connect(props)
  const { users, after } = await zendesk
    .listAgents({ size: input.pageSize ?? 100, ...(input.cursor ? { after: input.cursor } : {}) })
    .catch((thrown) => {
      if (input.cursor && thrown instanceof ZendeskError && thrown.status === 400) {
        throw new sdk.RuntimeError(`Cursor "${input.cursor}" is not one listAgents returned: pass its nextCursor, or nothing for the first page.`)
      }
      throw thrown
    })
  const agents = input.isOnline ? users.filter((u) => u.user_fields?.availability === 'online') : users
  return { agents: agents.map(userOut), ...(after ? { nextCursor: after } : {}) }
}
