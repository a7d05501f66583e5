// The conversation so far, rendered once into the ticket's first comment, so the agent reads the context in one
// place instead of one notification per message.
import type { HistoryMessage } from '../types'
import { cleanText, MAX_COMMENT_CHARS } from './hygiene'

type TranscriptNames = { user: (userId: string) => string; bot: string }

// Everything a user or a bot wrote reaches the HTML through here, cleaned of what only serves to deceive.
const escape = (text: string) =>
  cleanText(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const paragraphs = (text: string) => escape(text).replace(/\r?\n/g, '<br>')

const link = (url: string, label?: string) =>
  /^https?:\/\//i.test(url) ? `<a href="${escape(url)}">${escape(label || url)}</a>` : escape(label || url)

type Item = { type: string; payload: Record<string, unknown> }
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v))

/** One message body as HTML; every type the plugin may send reads as something, never as "[object Object]". */
export function renderMessage({ type, payload }: Item): string {
  switch (type) {
    case 'text':
      return paragraphs(str(payload.text))
    case 'markdown':
      return paragraphs(str(payload.markdown))
    case 'image':
      return `Image: ${link(str(payload.imageUrl), str(payload.title))}`
    case 'audio':
      return `Audio: ${link(str(payload.audioUrl), str(payload.title))}`
    case 'video':
      return `Video: ${link(str(payload.videoUrl), str(payload.title))}`
    case 'file':
      return `File: ${link(str(payload.fileUrl), str(payload.title))}`
    case 'location': {
      const where = [payload.title, payload.address].map(str).filter(Boolean).join(', ')
      const coords = `${str(payload.latitude)}, ${str(payload.longitude)}`
      return `Location: ${escape(where ? `${where} (${coords})` : coords)}`
    }
    case 'choice':
    case 'dropdown': {
      const options = Array.isArray(payload.options) ? payload.options : []
      const labels = options.map((o) => escape(str((o as Record<string, unknown>).label))).join(' | ')
      return `${paragraphs(str(payload.text))}<br>Options: ${labels}`
    }
    case 'card':
      return renderCard(payload)
    case 'carousel': {
      const items = Array.isArray(payload.items) ? payload.items : []
      return items.map((card) => renderCard(card as Record<string, unknown>)).join('<br>')
    }
    case 'bloc': {
      const items = Array.isArray(payload.items) ? (payload.items as Item[]) : []
      return items.map((item) => renderMessage({ type: str(item.type), payload: item.payload ?? {} })).join('<br>')
    }
    default:
      return `(${escape(type)} message)`
  }
}

function renderCard(card: Record<string, unknown>): string {
  const lines = [`<strong>${escape(str(card.title))}</strong>`]
  if (card.subtitle) lines.push(escape(str(card.subtitle)))
  if (card.imageUrl) lines.push(link(str(card.imageUrl), 'image'))
  const actions = Array.isArray(card.actions) ? card.actions : []
  if (actions.length) lines.push(`Buttons: ${actions.map((a) => escape(str((a as Record<string, unknown>).label))).join(' | ')}`)
  return `Card: ${lines.join('<br>')}`
}

/**
 * The ticket's first comment: the description, then the history with each author named and the bot marked. A
 * history too long for one comment keeps its newest messages (the ones that led to the escalation) and says how
 * many earlier ones were left out.
 */
export function renderTranscript(
  description: string | undefined,
  history: HistoryMessage[],
  names: TranscriptNames,
  max = MAX_COMMENT_CHARS
): string {
  const intro = description?.trim() ? `<p>${fitHtml(paragraphs(description.trim()), max / 2)}</p>` : ''
  if (!history.length) return intro || '<p>The user asked to talk to an agent.</p>'
  const rows = history.map((m) => {
    const author = m.source.type === 'bot' ? `${escape(names.bot)} (bot)` : escape(names.user(m.source.userId))
    return `<li><strong>${author}:</strong> ${renderMessage(m as Item)}</li>`
  })
  const heading = '<p><strong>Conversation with the bot</strong></p>'
  const note = (n: number) =>
    n ? `<p><em>[${n} earlier message${n === 1 ? '' : 's'} left out: the conversation is longer than a Zendesk comment]</em></p>` : ''
  let budget = max - intro.length - heading.length - '<ul></ul>'.length - note(rows.length).length
  const kept: string[] = []
  for (let i = rows.length - 1; i >= 0 && rows[i]!.length <= budget; i--) {
    kept.unshift(rows[i]!)
    budget -= rows[i]!.length
  }
  // A newest message too long on its own is shown cut rather than left out.
  if (!kept.length) kept.push(`<li>${fitHtml(rows[rows.length - 1]!.replace(/<\/?(?:li|strong)>/g, ''), budget - '<li></li>'.length)}</li>`)
  return `${intro}${heading}${note(rows.length - kept.length)}<ul>${kept.join('')}</ul>`
}

/** Cuts HTML text visibly, never inside an entity, a tag or a surrogate pair. */
function fitHtml(html: string, max: number): string {
  if (html.length <= max) return html
  const note = ` [cut: ${html.length - max} more characters]`
  const head = html.slice(0, Math.max(0, max - note.length))
  return head.replace(/&[#a-z0-9]*$|<[^>]*$|[\ud800-\udbff]$/i, '') + note
}
