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

/** The text of a comment: its HTML when Zendesk gives it, else its plain body. */
export function commentText(comment: { html_body?: string | null; plain_body?: string | null; body?: string | null }): string {
  const raw = comment.html_body ? convert(comment.html_body, options) : (comment.plain_body ?? comment.body ?? '')
  // Word for word: only the whitespace around the comment goes.
  return raw.replace(/\r\n?/g, '\n').trim()
}
