// The Files API (`/v1/files`, emulators/contracts/botpress-files-openapi.json) as `@botpress/client` 1.35.0 calls
// it: `upsertFile` records the file and answers an upload URL; the client PUTs the bytes there (as it would to
// the storage behind the real URL); `getFile`, `listFiles` (tag filters, pages) and `deleteFile`. The key is
// unique per bot and owner (the integration, when one calls), as the document says; an upsert of a known key
// updates that file and waits for its new content. Indexing is instantaneous here: an indexed file whose upload
// completed is `indexing_completed`.
import { randomBytes } from 'node:crypto'
import { ApiError, invalidPayload, notFound } from './errors'
import { newId } from './ids'
import type { HandlerContext } from './handlers'
import { paginate } from './pages'
import type { Tags } from './types'

export type FileStatus = 'upload_pending' | 'upload_completed' | 'indexing_completed'

export interface StoredFile {
  id: string
  botId: string
  key: string
  size: number
  contentType: string
  tags: Tags
  metadata: Record<string, unknown>
  index: boolean
  accessPolicies: ('integrations' | 'public_content')[]
  status: FileStatus
  owner: { type: 'bot' | 'integration'; id?: string }
  createdAt: string
  updatedAt: string
  /**
   * The upload URLs issued (token → the size that upsert declared): like presigned storage URLs, an earlier one
   * stays valid after a newer upsert, so two writers of one key both land and the last one wins.
   */
  uploadTokens: Map<string, number>
  content?: Buffer
}

export const UPLOAD_PATH = '/emulated-storage/files'

const ownerOf = (ctx: HandlerContext): StoredFile['owner'] =>
  ctx.caller.integrationId ? { type: 'integration', id: ctx.caller.integrationId } : { type: 'bot' }
const sameOwner = (a: StoredFile['owner'], b: StoredFile['owner']) => a.type === b.type && a.id === b.id

function view(ctx: HandlerContext, f: StoredFile) {
  return {
    id: f.id,
    botId: f.botId,
    key: f.key,
    url: `${ctx.origin}${UPLOAD_PATH}/${f.id}`,
    size: f.size,
    contentType: f.contentType,
    tags: { ...f.tags },
    metadata: structuredClone(f.metadata),
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    accessPolicies: [...f.accessPolicies],
    index: f.index,
    status: f.status,
    owner: { ...f.owner },
  }
}

function getStored(ctx: HandlerContext, id: string): StoredFile {
  const file = ctx.store.state.files.get(id)
  if (!file || !sameOwner(file.owner, ownerOf(ctx))) throw notFound('File', id)
  return file
}

export const fileHandlers = {
  upsertFile: (ctx: HandlerContext) => {
    const { key, size, contentType, tags, index, accessPolicies, metadata } = ctx.body as Record<string, any>
    if (typeof key !== 'string' || key.trim() === '') throw invalidPayload('key must not be empty')
    const owner = ownerOf(ctx)
    const at = new Date().toISOString()
    const known = [...ctx.store.state.files.values()].find((f) => f.key === key && sameOwner(f.owner, owner))
    const file: StoredFile = {
      id: known?.id ?? newId('file'),
      botId: ctx.store.botId,
      key,
      size: Number(size),
      contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream',
      tags: { ...(tags as Tags | undefined) },
      metadata: (metadata as Record<string, unknown> | undefined) ?? {},
      index: Boolean(index),
      accessPolicies: (accessPolicies as StoredFile['accessPolicies'] | undefined) ?? [],
      status: 'upload_pending',
      owner,
      createdAt: known?.createdAt ?? at,
      updatedAt: at,
      uploadTokens: known?.uploadTokens ?? new Map(),
      // Until the new content arrives the file keeps no stale content a reader could take for the new one.
    }
    const token = randomBytes(12).toString('hex')
    file.uploadTokens.set(token, file.size)
    ctx.store.state.files.set(file.id, file)
    return { file: { ...view(ctx, file), uploadUrl: `${ctx.origin}${UPLOAD_PATH}/${file.id}?token=${token}` } }
  },

  getFile: (ctx: HandlerContext) => ({ file: view(ctx, getStored(ctx, ctx.params.id as string)) }),

  deleteFile: (ctx: HandlerContext) => {
    const file = getStored(ctx, ctx.params.id as string)
    ctx.store.state.files.delete(file.id)
    return {}
  },

  listFiles: (ctx: HandlerContext) => {
    const wanted = (ctx.query.tags ?? {}) as Tags
    if (typeof wanted !== 'object' || Array.isArray(wanted)) throw new ApiError('InvalidQuery', 'tags must be an object of tag values')
    const ids = ctx.query.ids as string[] | undefined
    const owner = ownerOf(ctx)
    const matching = [...ctx.store.state.files.values()]
      .filter((f) => sameOwner(f.owner, owner) || owner.type === 'bot')
      .filter((f) => Object.entries(wanted).every(([k, v]) => f.tags[k] === v))
      .filter((f) => !ids || ids.includes(f.id))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1))
    const page = paginate(ctx, matching)
    return { files: page.items.map((f) => view(ctx, f)), meta: page.meta }
  },
}

/** The upload URL: the bytes must be the size the upsert declared, as a signed storage URL demands. */
export function receiveUpload(
  files: Map<string, StoredFile>,
  fileId: string,
  token: string | null,
  body: Buffer
): { status: number; body: unknown } {
  const file = files.get(fileId)
  const declared = token === null ? undefined : file?.uploadTokens.get(token)
  if (!file || declared === undefined) return { status: 403, body: { message: 'The upload URL is not valid for this file' } }
  if (body.length !== declared) return { status: 400, body: { message: `The upload has ${body.length} bytes; the file was declared with ${declared}` } }
  file.content = body
  file.size = declared
  file.status = file.index ? 'indexing_completed' : 'upload_completed'
  file.updatedAt = new Date().toISOString()
  return { status: 200, body: {} }
}
