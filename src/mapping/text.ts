// Agent comments, from Zendesk's HTML to the plain text a chat shows.
import { compile } from 'html-to-text'

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

// convert() builds its selector tree again on every call, most of the work of a short comment: built once here.
const toText = compile(options)

/** The text of a comment: its HTML when Zendesk gives it, else its plain body. */
export function commentText(comment: { html_body?: string | null; plain_body?: string | null; body?: string | null }): string {
  const raw = comment.html_body ? toText(comment.html_body) : (comment.plain_body ?? comment.body ?? '')
  // Word for word: only the whitespace around the comment goes.
  return raw.replace(/\r\n?/g, '\n').trim()
}
