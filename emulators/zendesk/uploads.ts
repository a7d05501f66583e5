import { z } from 'zod'
import { ApiError, recordInvalid, recordNotFound } from './errors.js'
import { json, noContent, type Route } from './http.js'
import { randomToken, isoSeconds, type EmulatorState } from './state.js'
import type { Attachment } from './types.js'

/** Zendesk's documented per-file limit for uploads. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024
// Zendesk deletes uploads that no comment claimed after three days.
const UPLOAD_TTL_MS = 3 * 24 * 60 * 60 * 1000

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  zip: 'application/zip',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
}

// Clients often send uploads as application/binary; Zendesk then goes by the file name.
function contentTypeFor(fileName: string, header: string | undefined): string {
  const declared = header?.split(';')[0]?.trim().toLowerCase()
  if (declared && declared !== 'application/binary' && declared !== 'application/octet-stream') return declared
  const extension = fileName.split('.').pop()?.toLowerCase() ?? ''
  return CONTENT_TYPES[extension] ?? 'application/octet-stream'
}

export function storeAttachment(state: EmulatorState, fileName: string, contentType: string, data: Buffer): Attachment {
  const id = state.recordId()
  const token = randomToken(25)
  const contentUrl = `${state.baseUrl}/attachments/token/${token}/?name=${encodeURIComponent(fileName)}`
  const attachment: Attachment = {
    url: `${state.baseUrl}/api/v2/attachments/${id}.json`,
    id,
    file_name: fileName,
    content_url: contentUrl,
    mapped_content_url: contentUrl,
    content_type: contentType,
    size: data.length,
    width: null,
    height: null,
    inline: false,
    deleted: false,
    malware_access_override: false,
    malware_scan_result: 'malware_not_found',
    thumbnails: [],
  }
  state.attachments.set(id, attachment)
  state.attachmentBytes.set(token, { attachmentId: id, data })
  return attachment
}

export function uploadRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/api/v2/uploads',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const fileName = req.query.filename
        if (!fileName) throw recordInvalid({ filename: [{ description: 'Filename: cannot be blank', error: 'BlankValue' }] })
        if (req.bodyTooLarge) {
          throw new ApiError(413, { error: 'FileTooLarge', description: 'File size exceeds the maximum allowed size of 50 MB' })
        }
        if (req.rawBody.length === 0) throw recordInvalid({ base: [{ description: 'Uploads: File is empty', error: 'BlankValue' }] })
        const attachment = storeAttachment(state, fileName, contentTypeFor(fileName, req.headers['content-type']), req.rawBody)
        const existing = req.query.token !== undefined ? state.uploads.get(req.query.token) : undefined
        const upload = existing ?? {
          token: randomToken(25),
          expires_at: isoSeconds(new Date(state.now().getTime() + UPLOAD_TTL_MS)),
          attachments: [],
        }
        upload.attachments.push(attachment)
        state.uploads.set(upload.token, upload)
        return json(201, { upload: { ...upload, attachment } })
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/v2/uploads/:token',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        if (!state.uploads.delete(req.params.token ?? '')) throw recordNotFound()
        return noContent()
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/attachments/:attachment_id',
      auth: 'api',
      resource: 'tickets',
      handler: (req) => {
        const attachment = state.attachments.get(Number(req.params.attachment_id))
        if (!attachment) throw recordNotFound()
        return json(200, { attachment })
      },
    },
    {
      // Token URLs are what `content_url` points at; like Zendesk's, they need no credentials.
      method: 'GET',
      pattern: '/attachments/token/:token',
      auth: 'none',
      contract: { name: 'AttachmentDownload', responses: { 404: z.object({ error: z.string() }) } },
      handler: (req) => {
        const stored = state.attachmentBytes.get(req.params.token ?? '')
        const attachment = stored && state.attachments.get(stored.attachmentId)
        if (!stored || !attachment) throw new ApiError(404, { error: 'Not Found' })
        return {
          status: 200,
          raw: { data: stored.data, contentType: attachment.content_type },
          headers: { 'content-disposition': `attachment; filename="${attachment.file_name.replace(/"/g, '')}"` },
        }
      },
    },
  ]
}
