// A Botpress message, as the parts of a Zendesk comment: words, and files to attach.
import type { HitlPayloads } from '../types'
import { cleanLine } from './hygiene'

export type OutboundFile = { url: string; title?: string }
type OutboundParts = { lines: string[]; files: OutboundFile[] }

type Item = { type: string; payload: Record<string, unknown> }

const str = (v: unknown) => (typeof v === 'string' ? v : '')

function addItem(parts: OutboundParts, { type, payload }: Item): void {
  const media = { image: 'imageUrl', audio: 'audioUrl', video: 'videoUrl', file: 'fileUrl' }[type]
  if (media) {
    const url = str(payload[media])
    if (url) parts.files.push({ url, ...(str(payload.title) ? { title: str(payload.title) } : {}) })
    return
  }
  if (type === 'text') parts.lines.push(str(payload.text))
  else if (type === 'markdown') parts.lines.push(str(payload.markdown))
  else if (type === 'location') {
    const place = [str(payload.title), str(payload.address)].filter(Boolean).join(', ')
    parts.lines.push(`Location: ${place ? `${place} ` : ''}(${payload.latitude}, ${payload.longitude})`)
  }
}

export function outboundParts<K extends keyof HitlPayloads>(type: K, payload: HitlPayloads[K]): OutboundParts {
  const parts: OutboundParts = { lines: [], files: [] }
  const items = type === 'bloc' ? ((payload as HitlPayloads['bloc']).items as Item[]) : [{ type, payload } as Item]
  for (const item of items) addItem(parts, item)
  parts.lines = parts.lines.map((l) => l.trim()).filter(Boolean)
  return parts
}

/** The name a file gets in Zendesk: its title, else the last segment of its URL. */
export function fileNameOf(file: OutboundFile, contentType?: string): string {
  const fromTitle = file.title?.trim()
  let fromUrl = ''
  try {
    fromUrl = decodeURIComponent(new URL(file.url).pathname.split('/').filter(Boolean).pop() ?? '')
  } catch {
    fromUrl = ''
  }
  // Bidi controls would let "gpj.exe" read as "exe.jpg" to the agent who opens it.
  const base = cleanLine(fromTitle || fromUrl || 'attachment').replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200)
  if (/\.[a-z0-9]{1,8}$/i.test(base)) return base
  const ext = contentType ? extensionOf(contentType) : ''
  return ext ? `${base}.${ext}` : base
}

const extensionOf = (contentType: string) =>
  ({
    'image/png': 'png',
    'image/jpeg': 'jpg',
    'image/gif': 'gif',
    'image/webp': 'webp',
    'audio/mpeg': 'mp3',
    'audio/ogg': 'ogg',
    'video/mp4': 'mp4',
    'application/pdf': 'pdf',
    'text/plain': 'txt',
  })[contentType.split(';')[0]!.trim().toLowerCase()] ?? ''
