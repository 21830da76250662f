/**
 * The WhatsApp send limiter: hands out send slots for one Evolution instance with a randomised
 * minimum gap and per-minute / per-day caps. State lives in Postgres and every reservation locks the
 * instance row, so the limits hold across replicas (../shared/reference/evolution-api.md §9).
 */
import { type Pool, withTransaction } from '../../db/pool.ts'
import {
  databaseNow,
  deleteSlot,
  findHeldSlot,
  findRecentRequest,
  insertSlot,
  lockInstance,
  markSlotUsed,
  pruneSlots,
  readSlotHistory,
  type SlotRecord,
} from './repository.ts'
import { computeNextSlot, DAY_MS, type SendLimits, type SlotReason } from './slots.ts'

/** Slots are kept a little longer than the longest window any cap looks at. */
const KEEP_SLOTS_MS = DAY_MS + 3_600_000

export interface ReserveRequest {
  /**
   * A scheduled occurrence (`<job id>@<due time>`): it keeps its slot until it sends, so a deferred
   * attempt keeps its place in the queue.
   */
  holder?: string
  /** Do not reserve when the slot is further away than this (direct sends); default: always. */
  maxWaitMs?: number
  /** Direct sends: an identical request within `dedupeWindowMs` returns the earlier one. */
  requestHash?: string
  dedupeWindowMs?: number
}

export type ReserveResult =
  | { kind: 'reserved'; id: string; slotAt: Date; waitMs: number; reason: SlotReason }
  | { kind: 'too_far'; slotAt: Date; waitMs: number; reason: SlotReason }
  | { kind: 'duplicate'; earlier: SlotRecord }

export interface WhatsAppLimiter {
  readonly limits: SendLimits
  /** Reserves the next slot (or returns the held / duplicate one). One short transaction. */
  reserve(request: ReserveRequest): Promise<ReserveResult>
  /** The send is starting: the slot is spent whatever happens next. */
  markUsed(id: string): Promise<void>
  /** Records how a direct send ended (`sent` with its message id, or `uncertain`). */
  recordDirectOutcome(
    id: string,
    outcome: 'sent' | 'uncertain',
    messageId: string | null,
  ): Promise<void>
  /** Gives the slot back: nothing was sent in it. */
  release(id: string): Promise<void>
}

export interface LimiterDeps {
  pool: Pool
  instance: string
  limits: SendLimits
  /** [0, 1); tests may pin the jitter. */
  random?: () => number
}

export function createWhatsAppLimiter(deps: LimiterDeps): WhatsAppLimiter {
  const { pool, instance, limits } = deps
  const random = deps.random ?? Math.random

  return {
    limits,
    reserve: (request) =>
      withTransaction(pool, async (tx) => {
        await lockInstance(tx, instance)
        if (request.requestHash) {
          const since = new Date((await databaseNow(tx)).getTime() - (request.dedupeWindowMs ?? 0))
          const earlier = await findRecentRequest(tx, instance, request.requestHash, since)
          if (earlier) return { kind: 'duplicate', earlier }
        }
        if (request.holder) {
          const held = await findHeldSlot(tx, instance, request.holder)
          const now = await databaseNow(tx)
          if (held && held.slotAt.getTime() >= now.getTime()) {
            const waitMs = held.slotAt.getTime() - now.getTime()
            return { kind: 'reserved', id: held.id, slotAt: held.slotAt, waitMs, reason: 'gap' }
          }
          // Missed (the attempt came late): sending now could crowd the next slot, so queue again.
          if (held) await deleteSlot(tx, held.id)
        }
        const history = await readSlotHistory(tx, instance, limits.maxPerMinute, limits.maxPerDay)
        const next = computeNextSlot(history, limits, random)
        const waitMs = Math.max(0, next.at.getTime() - history.now.getTime())
        if (request.maxWaitMs !== undefined && waitMs > request.maxWaitMs) {
          return { kind: 'too_far', slotAt: next.at, waitMs, reason: next.reason }
        }
        const id = await insertSlot(tx, {
          instance,
          slotAt: next.at,
          holder: request.holder ?? null,
          requestHash: request.requestHash ?? null,
          outcome: request.requestHash ? 'sending' : null,
        })
        await pruneSlots(tx, instance, new Date(history.now.getTime() - KEEP_SLOTS_MS))
        return { kind: 'reserved', id, slotAt: next.at, waitMs, reason: next.reason }
      }),
    markUsed: (id) => markSlotUsed(pool, id),
    recordDirectOutcome: (id, outcome, messageId) => markSlotUsed(pool, id, outcome, messageId),
    release: (id) => deleteSlot(pool, id),
  }
}
