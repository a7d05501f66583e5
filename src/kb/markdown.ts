// A Help Center article's HTML as the markdown a knowledge base indexes: structure kept (headings, lists, tables,
// links, emphasis), everything that is not content dropped (scripts, styles, embedded frames, forms).
import TurndownService from 'turndown'
import { gfm } from 'turndown-plugin-gfm'

const converter = new TurndownService({
  headingStyle: 'atx',
  bulletListMarker: '-',
  codeBlockStyle: 'fenced',
  emDelimiter: '_',
})
converter.use(gfm)
// Help Center editors rarely mark a header row; the gfm plugin would keep such a table as raw HTML. Its first row
// becomes the header instead, so the table stays a table for the knowledge base.
converter.addRule('headerlessTable', {
  filter: (node) => node.nodeName === 'TABLE',
  replacement: (content, node) => {
    const rows = content.trim().split('\n').filter((line) => line.startsWith('|'))
    if (rows.length === 0) return ''
    if (rows[1] && /^\|(?:\s*:?-+:?\s*\|)+$/.test(rows[1])) return `\n\n${rows.join('\n')}\n\n`
    const columns = (node as unknown as { rows: ArrayLike<{ cells: ArrayLike<unknown> }> }).rows[0]?.cells.length ?? 1
    const separator = `|${' --- |'.repeat(columns)}`
    return `\n\n${[rows[0], separator, ...rows.slice(1)].join('\n')}\n\n`
  },
})
converter.remove(['script', 'style', 'noscript', 'iframe', 'object', 'embed', 'form', 'template', 'head'] as never)

/** Markdown of `html`; a link keeps its target, an image its alt text and address. */
export function articleMarkdown(html: string): string {
  return converter
    .turndown(html)
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** The file a knowledge base receives: the title as the top heading, the body, where the article lives. */
export function articleDocument(article: { title: string; body: string; html_url?: string }): string {
  const parts = [`# ${article.title.trim()}`, articleMarkdown(article.body)]
  if (article.html_url) parts.push(`Source: ${article.html_url}`)
  return `${parts.filter(Boolean).join('\n\n')}\n`
}
