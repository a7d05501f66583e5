import { connect } from '../connection'
import { userOut } from '../mapping/records'
import type { ActionOutput, ActionProps } from '../types'

export async function listAgents(props: ActionProps<'listAgents'>): Promise<ActionOutput<'listAgents'>> {
  const { input } = props
  const { zendesk } = connect(props)
  const { users, after } = await zendesk.listAgents({ size: input.pageSize ?? 100, ...(input.cursor ? { after: input.cursor } : {}) })
  const agents = input.isOnline ? users.filter((u) => u.user_fields?.availability === 'online') : users
  return { agents: agents.map(userOut), ...(after ? { nextCursor: after } : {}) }
}
