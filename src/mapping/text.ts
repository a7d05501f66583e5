// Agent comments, from Zendesk's HTML to the plain text a chat shows.
import { convert } from 'html-to-text'

const options = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
  ],
}

// Decorations Zendesk adds around a comment's words when it formats them for a notification: the dashed
// separator, the "Name, Nov 25, 2026, 10:00" header (with "(on behalf of …)" when an agent answers for someone
// else) and the "Submitted by" footer.
const SEPARATOR = /^-{5,}\s*$/
const HEADER = /^.{1,120}?(?:\s*\(on behalf of [^)]*\))?,\s+[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4},?\s+\d{1,2}:\d{2}(?:\s?[AP]M)?\s*$/
const ON_BEHALF = /^\s*[^\n]{0,120}\(on behalf of [^)]*\)\s*$/i

export function cleanAgentText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  while (lines.length && (lines[0]!.trim() === '' || SEPARATOR.test(lines[0]!))) lines.shift()
  if (lines.length && (HEADER.test(lines[0]!) || ON_BEHALF.test(lines[0]!))) lines.shift()
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()
}

/** The text of a comment: its HTML when Zendesk gives it, else its plain body. */
export function commentText(comment: { html_body?: string | null; plain_body?: string | null; body?: string | null }): string {
  const raw = comment.html_body ? convert(comment.html_body, options) : (comment.plain_body ?? comment.body ?? '')
  return cleanAgentText(raw)
}
