// The official Botpress Zendesk integration (botpress/botpress, integrations/zendesk, 2026), call counts per HITL
// operation as its public code makes them. Figures, not code: nothing of it is run or copied here.
import type { Operation } from './operations'

/** A count, or a range: `max` undefined means "at least min". */
export type Figure = { min: number; max: number | undefined }
const exactly = (n: number): Figure => ({ min: n, max: n })

export type Official = { zendesk: Figure; botpress: Figure; source: string }

export const OFFICIAL: Partial<Record<Operation, Official>> = {
  createUser: { zendesk: exactly(1), botpress: exactly(3), source: 'actions/create-user.ts' },
  startHitl: {
    zendesk: exactly(3),
    botpress: { min: 5, max: undefined },
    source: 'actions/hitl.ts: bot user, requester, bot update, transcript reads, conversation; Zendesk user, ticket, external_id update',
  },
  text: { zendesk: exactly(1), botpress: exactly(3), source: 'channels/hitl.ts' },
  image: { zendesk: exactly(1), botpress: exactly(3), source: 'channels/hitl.ts: the image URL as a plain-text comment, no upload' },
  agentComment: { zendesk: { min: 0, max: 1 }, botpress: exactly(6), source: 'handler.ts newMessage (a Zendesk user update the first time an agent writes)' },
  assignment: { zendesk: exactly(0), botpress: exactly(3), source: 'events/ticket-assigned.ts' },
  solve: { zendesk: exactly(0), botpress: exactly(2), source: 'events/ticket-solved.ts' },
  stopHitl: {
    zendesk: exactly(1),
    botpress: exactly(1),
    source: 'actions/hitl.ts stopHitl closes the ticket; its solved trigger matches status "solved" only, so nothing comes back',
  },
}

export const show = (f: Figure): string => (f.max === undefined ? `≥${f.min}` : f.min === f.max ? String(f.min) : `${f.min}–${f.max}`)

/** Ours ÷ theirs; a range when theirs is one, "n/a" when theirs can be 0 and ours is not. */
export function ratio(ours: number, theirs: Figure): string {
  const fmt = (x: number) => `${x.toFixed(2)}×`
  if (theirs.max === 0) return ours === 0 ? fmt(1) : 'n/a'
  if (theirs.max === undefined) return `≤${fmt(ours / theirs.min)}`
  if (theirs.min === 0) return `≥${fmt(ours / theirs.max)}`
  return theirs.min === theirs.max ? fmt(ours / theirs.min) : `${fmt(ours / theirs.max)}–${fmt(ours / theirs.min)}`
}
