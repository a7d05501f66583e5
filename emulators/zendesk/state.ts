import { randomBytes } from 'node:crypto'
import type { Attachment, Comment, Ticket, Trigger, Upload, User, Webhook } from './types.js'

export interface AccessToken {
  token: string
  userId: number
  scopes: string[]
  clientId?: string
  /** Emulator-clock epoch ms; undefined for tokens that never expire. */
  expiresAt?: number
}

export interface RefreshToken {
  token: string
  userId: number
  scopes: string[]
  clientId: string
  expiresAt: number
  accessToken: string
}

export interface OAuthClient {
  identifier: string
  secret: string
  kind: 'confidential' | 'public'
  redirectUris: string[]
  userId: number
}

export interface AuthorizationCode {
  code: string
  clientId: string
  redirectUri: string
  scopes: string[]
  userId: number
  codeChallenge?: string
  expiresAt: number
}

export interface IdempotencyEntry {
  bodyHash: string
  status: number
  body: unknown
  headers: Record<string, string>
  expiresAt: number
}

/** The account's whole state. Public Maps are the API-shaped records; the rest is what Zendesk keeps out of sight. */
export class EmulatorState {
  readonly users = new Map<number, User>()
  readonly tickets = new Map<number, Ticket>()
  /** Soft-deleted tickets: Zendesk keeps them in "Deleted tickets", and the API answers 404 for them. */
  readonly deletedTickets = new Map<number, Ticket>()
  readonly comments = new Map<number, Comment[]>()
  readonly webhooks = new Map<string, Webhook>()
  readonly triggers = new Map<number, Trigger>()
  readonly uploads = new Map<string, Upload>()
  readonly attachments = new Map<number, Attachment>()

  readonly attachmentBytes = new Map<string, { attachmentId: number; data: Buffer }>()
  readonly signingSecrets = new Map<string, string>()
  readonly accessTokens = new Map<string, AccessToken>()
  readonly refreshTokens = new Map<string, RefreshToken>()
  readonly apiTokens = new Map<string, number>()
  readonly oauthClients = new Map<string, OAuthClient>()
  readonly authorizationCodes = new Map<string, AuthorizationCode>()
  readonly idempotency = new Map<string, IdempotencyEntry>()

  readonly accountId = 10_500_000
  private clockOffsetMs = 0
  // Zendesk ticket ids count up from 1 per account; every other record draws from one large counter, as
  // Zendesk's ids are large and never reused across kinds.
  private nextTicketId = 1
  private nextRecordId = 36_000_000_000
  private nextTriggerPosition = 1

  constructor(readonly baseUrl: string) {}

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs)
  }

  nowIso(): string {
    return isoSeconds(this.now())
  }

  advanceClock(seconds: number): void {
    this.clockOffsetMs += seconds * 1000
  }

  ticketId(): number {
    return this.nextTicketId++
  }

  recordId(): number {
    return this.nextRecordId++
  }

  triggerPosition(): number {
    return this.nextTriggerPosition++
  }

  host(): string {
    return new URL(this.baseUrl).host
  }
}

/** Zendesk writes timestamps to the second, with a Z suffix. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

export function randomToken(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length]
  return out
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** Webhook ids are ULIDs (e.g. 01GKQ1S2...): 10 characters of millisecond time, 16 of randomness. */
export function ulid(timeMs: number): string {
  let time = ''
  let t = timeMs
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time
    t = Math.floor(t / 32)
  }
  let rand = ''
  for (const byte of randomBytes(16)) rand += CROCKFORD[byte % 32]
  return time + rand
}
