// How Zendesk derives a comment's three bodies: a comment written as plain text gets an HTML rendering
// wrapped in Zendesk's `zd-comment` div; a comment written as HTML gets its text by stripping the markup.

const WRAPPER_OPEN = '<div class="zd-comment" dir="auto">'

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' }

function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    const known = ENTITIES[name.toLowerCase()]
    if (known !== undefined) return known
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16))
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)))
    return whole
  })
}

export function htmlToText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

export function textToHtml(text: string): string {
  return `${WRAPPER_OPEN}${escapeHtml(text).replace(/\r?\n/g, '<br>')}</div>`
}

export function wrapHtml(html: string): string {
  return html.startsWith(WRAPPER_OPEN) ? html : `${WRAPPER_OPEN}${html}</div>`
}

export function commentBodies(input: { body?: string; html_body?: string }): { body: string; html_body: string; plain_body: string } {
  if (input.html_body !== undefined) {
    const text = htmlToText(input.html_body)
    return { body: text, html_body: wrapHtml(input.html_body), plain_body: text }
  }
  const body = input.body ?? ''
  return { body, html_body: textToHtml(body), plain_body: body }
}
