import { randomBytes } from 'node:crypto'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A ULID: 10 characters of millisecond time then 16 random ones, as in Botpress ids like `user_01J…`. */
export function ulid(now = Date.now()): string {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time
    t = Math.floor(t / 32)
  }
  const bytes = randomBytes(16)
  let random = ''
  for (const b of bytes) random += CROCKFORD[b % 32]
  return time + random
}

export type IdPrefix = 'user' | 'conv' | 'msg' | 'evt' | 'state' | 'task' | 'wfl' | 'file'

export const newId = (prefix: IdPrefix): string => `${prefix}_${ulid()}`

/** Botpress bot and integration ids are UUIDs. */
export { randomUUID as newUuid } from 'node:crypto'

/** The id format of `@botpress/client` errors: `err_YYYYMMDDHHMMSSx` and 8 hex digits. */
export function newErrorId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:TZ]/g, '').split('.')[0]
  return `err_${stamp}x${randomBytes(4).toString('hex').toUpperCase()}`
}
