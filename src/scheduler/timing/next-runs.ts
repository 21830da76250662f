// Computes when a stored Schedule is due: its first run, the next one after a time, and upcoming runs.

import { firstCronOccurrence } from './cron.ts'
import type { Schedule } from './types.ts'

/**
 * The first due time: runAt for once, startsAt for interval and cron (parseTiming stores the
 * first cron tick there). A cron schedule with startsAt null needs `fallbackNow`: its first tick
 * at or after that instant. Throws for a cron that never matches again (parseTiming rejects those).
 */
export function firstOccurrence(schedule: Schedule, fallbackNow?: Date): Date {
  switch (schedule.kind) {
    case 'once':
      return new Date(schedule.runAt)
    case 'interval':
      return new Date(schedule.startsAt)
    case 'cron': {
      if (schedule.startsAt !== null) return new Date(schedule.startsAt)
      if (fallbackNow === undefined) {
        throw new TypeError('firstOccurrence: cron schedule without startsAt needs fallbackNow')
      }
      const first = firstCronOccurrence(schedule.expression, schedule.timezone, fallbackNow)
      if (first === null) throw new RangeError(`cron "${schedule.expression}" never runs`)
      return first
    }
  }
}

/**
 * The first occurrence strictly after `after`, or null when the schedule is finished.
 * - once: runAt when runsSoFar === 0 (whatever `after` is), else null;
 * - interval: the smallest startsAt + k * everyMs (k >= 0) that is > after, anchored on
 *   startsAt so there is no drift, however late the previous run fired;
 * - cron: the first tick > after and >= startsAt;
 * - recurring: null once runsSoFar >= maxRuns or the candidate is past endsAt (inclusive).
 */
export function nextOccurrence(schedule: Schedule, after: Date, runsSoFar: number): Date | null {
  if (schedule.kind === 'once') return runsSoFar === 0 ? new Date(schedule.runAt) : null
  if (schedule.maxRuns !== null && runsSoFar >= schedule.maxRuns) return null
  const t = after.getTime()
  let candidate: Date | null
  if (schedule.kind === 'interval') {
    const start = Date.parse(schedule.startsAt)
    const steps = t < start ? 0 : Math.floor((t - start) / schedule.everyMs) + 1
    candidate = new Date(start + steps * schedule.everyMs)
  } else {
    const floor =
      schedule.startsAt === null ? t + 1 : Math.max(t + 1, Date.parse(schedule.startsAt))
    candidate = firstCronOccurrence(schedule.expression, schedule.timezone, new Date(floor))
  }
  if (candidate === null) return null
  if (schedule.endsAt !== null && candidate.getTime() > Date.parse(schedule.endsAt)) return null
  return candidate
}

/**
 * Up to `count` upcoming occurrences at or after `from`, in order, honouring endsAt and
 * maxRuns given runsSoFar. For once: [runAt] while runsSoFar === 0 (even if runAt < from, so a
 * preview of a past run_at still shows it), else [].
 */
export function computeNextRuns(
  schedule: Schedule,
  from: Date,
  count: number,
  runsSoFar = 0,
): Date[] {
  const out: Date[] = []
  if (count <= 0) return out
  let cursor = new Date(from.getTime() - 1)
  let runs = runsSoFar
  while (out.length < count) {
    const next = nextOccurrence(schedule, cursor, runs)
    if (next === null) break
    out.push(next)
    if (schedule.kind === 'once') break
    cursor = next
    runs += 1
  }
  return out
}
