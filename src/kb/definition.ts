// The knowledge base sync's part of the definition: the syncKb action and the article events.
import * as sdk from '@botpress/sdk'

const { z } = sdk

export const kbActions: Record<string, sdk.ActionDefinition> = {
  syncKb: {
    title: 'Sync Knowledge Base',
    description: 'Imports the published Help Center articles into the knowledge base, updating changed ones and removing unpublished ones',
    input: {
      schema: z.object({
        knowledgeBaseId: z
          .string()
          .optional()
          .title('Knowledge base ID')
          .describe('Knowledge base to fill; the one in the configuration when empty'),
      }),
    },
    output: {
      schema: z.object({
        added: z.number().title('Added').describe('Articles new to the knowledge base'),
        updated: z.number().title('Updated').describe('Articles edited since the last sync'),
        removed: z.number().title('Removed').describe('Files of articles no longer published, removed'),
        unchanged: z.number().title('Unchanged').describe('Articles already up to date'),
        failed: z
          .array(z.string())
          .title('Left out')
          .describe('Articles that could not be converted to markdown (e.g. nested too deeply), each as article ID, locale and title'),
      }),
    },
  },
}

export const kbEvents: Record<string, sdk.EventDefinition> = {
  articlePublished: {
    title: 'Article Published',
    description: 'A Help Center article the knowledge base holds (published, for everyone, in a chosen locale) was published or republished',
    schema: z.object({
      articleId: z.string().title('Article ID').describe('ID of the Zendesk Help Center article'),
      articleTitle: z.string().title('Article title').describe('Title of the article'),
      locale: z.string().title('Locale').describe('Locale of the published translation, e.g. "en-us"'),
    }),
  },
  articleUnpublished: {
    title: 'Article Unpublished',
    description: 'A Help Center article was unpublished, archived or deleted',
    schema: z.object({
      articleId: z.string().title('Article ID').describe('ID of the Zendesk Help Center article'),
      locale: z.string().optional().title('Locale').describe('Locale of the unpublished translation, when Zendesk names it'),
    }),
  },
}
