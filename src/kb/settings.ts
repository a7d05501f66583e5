// What the bot builder chose for the knowledge base, read from either configuration.
import * as sdk from '@botpress/sdk'
import { z } from 'zod'
import { checkLocale } from '../zendesk/help-center'
import type { Context } from '../types'

export type KbSettings = { enabled: boolean; knowledgeBaseId?: string; locales: string[] }

const fields = z.object({
  syncKnowledgeBaseWithBot: z.boolean().optional(),
  knowledgeBaseId: z.string().optional(),
  helpCenterLocales: z.array(z.string()).optional(),
})

export function readKbSettings(ctx: Pick<Context, 'configuration'>): KbSettings {
  const parsed = fields.safeParse(ctx.configuration)
  if (!parsed.success) throw new sdk.RuntimeError('The knowledge base settings are invalid: check "Help Center locales" and "Knowledge base ID".')
  const c = parsed.data
  const locales = [...new Set((c.helpCenterLocales ?? []).map((l) => l.trim()).filter(Boolean).map(checkLocale))]
  return { enabled: c.syncKnowledgeBaseWithBot ?? false, knowledgeBaseId: c.knowledgeBaseId?.trim() || undefined, locales }
}

/** The knowledge base to fill: the one asked for, else the configured one, else an error saying what to set. */
export function knowledgeBaseIdFor(settings: KbSettings, asked?: string): string {
  const id = asked?.trim() || settings.knowledgeBaseId
  if (!id) throw new sdk.RuntimeError('No knowledge base to sync into: set "Knowledge base ID" in the configuration, or pass knowledgeBaseId to the action.')
  return id
}
