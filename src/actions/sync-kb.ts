import { knowledgeBaseIdFor, readKbSettings } from '../kb/settings'
import { syncKnowledgeBase } from '../kb/sync'
import type { ActionOutput, ActionProps } from '../types'

export async function syncKb(props: ActionProps<'syncKb'>): Promise<ActionOutput<'syncKb'>> {
  const settings = readKbSettings(props.ctx)
  return syncKnowledgeBase(props, knowledgeBaseIdFor(settings, props.input.knowledgeBaseId), settings.locales)
}
