// The conversation so far, rendered once into the ticket's first comment, so the agent reads the context in one
// place instead of one notification per message.
import type { HistoryMessage } from '../types'

type TranscriptNames = { user: (userId: string) => string; bot: string }

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

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

/** The ticket's first comment: the description, then the history with each author named and the bot marked. */
export function renderTranscript(description: string | undefined, history: HistoryMessage[], names: TranscriptNames): string {
  const parts: string[] = []
  if (description?.trim()) parts.push(`<p>${paragraphs(description.trim())}</p>`)
  if (history.length) {
    const rows = history.map((m) => {
      const author =
        m.source.type === 'bot' ? `${escape(names.bot)} (bot)` : escape(names.user(m.source.userId))
      return `<li><strong>${author}:</strong> ${renderMessage(m as Item)}</li>`
    })
    parts.push(`<p><strong>Conversation with the bot</strong></p><ul>${rows.join('')}</ul>`)
  }
  return parts.length ? parts.join('') : '<p>The user asked to talk to an agent.</p>'
}
