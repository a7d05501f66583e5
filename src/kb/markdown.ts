// A Help Center article's HTML as the markdown a knowledge base indexes: structure kept (headings, lists, tables,
// links, emphasis), everything that is not content dropped (scripts, styles, embedded frames, forms).
import TurndownService from 'turndown'
import { gfm } from 'turndown-plugin-gfm'
import { cleanLine, cleanText } from '../mapping/hygiene'

// Zero-width space, word joiner, byte order mark and the bidi marks: invisible, they only serve to hide or reorder.
const INVISIBLE = /[\u200b\u200e\u200f\u2060\ufeff]/g
// Schemes that run code or carry a whole document where a reader expects an address.
const UNSAFE_ADDRESS = /^(?:javascript|data|vbscript):/i
const unsafe = (address: string | null) => address !== null && UNSAFE_ADDRESS.test(address.replace(/[\s\u0000-\u001f]/g, ''))
const clean = (text: string) => cleanText(text).replace(INVISIBLE, '')
type Element = { getAttribute(name: string): string | null; hasAttribute(name: string): boolean }

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
    const lines = content.trim().split('\n')
    const rows = lines.filter((line) => line.startsWith('|'))
    // Every row is one line (cells are flattened below), so any other line is the caption: kept above the table.
    const caption = lines.filter((line) => !line.startsWith('|') && line.trim()).join(' ')
    const above = caption ? `\n\n${caption}` : ''
    if (rows.length === 0) return `${above}\n\n`
    if (rows[1] && /^\|(?:\s*:?-+:?\s*\|)+$/.test(rows[1])) return `${above}\n\n${rows.join('\n')}\n\n`
    const columns = (node as unknown as { rows: ArrayLike<{ cells: ArrayLike<unknown> }> }).rows[0]?.cells.length ?? 1
    const separator = `|${' --- |'.repeat(columns)}`
    return `${above}\n\n${[rows[0], separator, ...rows.slice(1)].join('\n')}\n\n`
  },
})
// A markdown table row is one line: a cell's lists, paragraphs or nested table become one line joined by <br>,
// with its pipes escaped, so none of its text falls out of the row.
converter.addRule('flatCell', {
  filter: ['th', 'td'],
  replacement: (content, node) => {
    const flat = content.trim().replace(/\|/g, '\\|').replace(/\s*\n+\s*/g, '<br>')
    const first = node.parentNode ? Array.prototype.indexOf.call(node.parentNode.childNodes, node) === 0 : true
    return `${first ? '| ' : ' '}${flat} |`
  },
})
// Text a reader of the article never sees must not reach the bot's answers either.
converter.remove(((node: Element & { nodeType: number }) =>
  node.nodeType === 1 &&
  (node.hasAttribute('hidden') || /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(node.getAttribute('style') ?? ''))) as never)
converter.addRule('unsafeLink', {
  filter: (node) => node.nodeName === 'A' && unsafe((node as unknown as Element).getAttribute('href')),
  replacement: (content) => content,
})
converter.addRule('unsafeImage', {
  filter: (node) => node.nodeName === 'IMG' && unsafe((node as unknown as Element).getAttribute('src')),
  replacement: (_content, node) => converter.escape(cleanLine((node as unknown as Element).getAttribute('alt') ?? '')),
})
// Turndown escapes markdown but not "<": the text "&lt;script&gt;" would come out as a tag.
const escapeMarkdown = converter.escape.bind(converter)
converter.escape = (text: string) => escapeMarkdown(clean(text)).replace(/</g, '\\<')
converter.remove(['script', 'style', 'noscript', 'iframe', 'object', 'embed', 'form', 'template', 'head'] as never)

/** Markdown of `html`; a link keeps its target, an image its alt text and address. */
export function articleMarkdown(html: string): string {
  return clean(converter.turndown(html))
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** The file a knowledge base receives: the title as the top heading, the body, where the article lives. */
export function articleDocument(article: { title: string; body: string; html_url?: string }): string {
  const parts = [`# ${cleanLine(article.title).replace(INVISIBLE, '').replace(/</g, '\\<')}`, articleMarkdown(article.body)]
  if (article.html_url) parts.push(`Source: ${article.html_url}`)
  return `${parts.filter(Boolean).join('\n\n')}\n`
}
