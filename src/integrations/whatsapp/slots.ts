/**
 * The limiter's arithmetic, pure: given the latest slots of an instance, when may the next send go?
 * Slots only grow per instance, so a sliding-window cap of N is met exactly when the Nth most recent
 * slot is at least one window before the new one.
 */

export const MINUTE_MS = 60_000
export const DAY_MS = 24 * 3_600_000

export interface SendLimits {
  /** Smallest gap between two sends; each gap is drawn from [minGapMs, 2 × minGapMs). */
  minGapMs: number
  /** At most this many sends in any 60 seconds. */
  maxPerMinute: number
  /** At most this many sends in any 24 hours. */
  maxPerDay: number
}

export interface SlotHistory {
  /** The database's clock: one time source for every replica. */
  now: Date
  /** The most recent slot, or null. */
  latest: Date | null
  /** The maxPerMinute-th most recent slot, or null when there are fewer. */
  nthInMinute: Date | null
  /** The maxPerDay-th most recent slot, or null when there are fewer. */
  nthInDay: Date | null
}

/** What pushed the slot later than now: the gap after the previous send, or a cap. */
export type SlotReason = 'free' | 'gap' | 'minute_cap' | 'day_cap'

export interface NextSlot {
  at: Date
  reason: SlotReason
}

/** `random` returns [0, 1); it spreads each gap between 1× and 2× the minimum (jitter). */
export function computeNextSlot(
  history: SlotHistory,
  limits: SendLimits,
  random: () => number,
): NextSlot {
  const gapMs = limits.minGapMs * (1 + random())
  const candidates: [number, SlotReason][] = [
    [history.now.getTime(), 'free'],
    [history.latest ? history.latest.getTime() + gapMs : 0, 'gap'],
    [history.nthInMinute ? history.nthInMinute.getTime() + MINUTE_MS : 0, 'minute_cap'],
    [history.nthInDay ? history.nthInDay.getTime() + DAY_MS : 0, 'day_cap'],
  ]
  let best: [number, SlotReason] = candidates[0] ?? [history.now.getTime(), 'free']
  for (const candidate of candidates) if (candidate[0] > best[0]) best = candidate
  return { at: new Date(Math.ceil(best[0])), reason: best[1] }
}

/** A sentence for agents and execution records: why a send has to wait. */
export function describeSlotReason(reason: SlotReason, limits: SendLimits): string {
  switch (reason) {
    case 'free':
      return 'a send slot is free now'
    case 'gap':
      return `other WhatsApp messages are queued ahead (at least ${limits.minGapMs / 1000} s apart)`
    case 'minute_cap':
      return `the limit of ${limits.maxPerMinute} WhatsApp messages per minute is reached`
    case 'day_cap':
      return `the limit of ${limits.maxPerDay} WhatsApp messages per 24 hours is reached`
    default: {
      const unknown: never = reason
      throw new Error(`unknown slot reason ${String(unknown)}`)
    }
  }
}
