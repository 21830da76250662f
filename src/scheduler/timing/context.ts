// The per-call state shared by the schedule builders: now, zone, limits, preview mode and warnings.

import { fieldProblem } from '../../http/problem-error.ts'
import { MAX_DELAY_DAYS, MAX_DELAY_MS } from './duration.ts'
import { localIso } from './zone.ts'

/** A run_at up to this far before now still counts as "now" (request latency, clock skew). */
export const PAST_TOLERANCE_MS = 1000

export interface BuildContext {
  now: Date
  /** Canonical zone of the schedule. */
  timezone: string
  minIntervalMs: number
  /** Preview mode reports past run_at and "ends before the first run" as warnings, not errors. */
  preview: boolean
  warnings: string[]
}

/** '2026-11-27T12:00:00.000Z (UTC), 2026-11-27T09:00:00-03:00 in America/Sao_Paulo' */
export function bothClocks(date: Date, timezone: string): string {
  return `${date.toISOString()} (UTC), ${localIso(date, timezone)} in ${timezone}`
}

/** Rejects instants more than MAX_DELAY_DAYS ahead of now. */
export function checkNotTooFar(field: string, date: Date, ctx: BuildContext): void {
  const latest = new Date(ctx.now.getTime() + MAX_DELAY_MS)
  if (date.getTime() > latest.getTime()) {
    throw fieldProblem(
      field,
      `${field} ${localIso(date, ctx.timezone)} is more than ${MAX_DELAY_DAYS} days ahead; the latest allowed is ${localIso(latest, ctx.timezone)}`,
      `Pick a time within ${MAX_DELAY_DAYS} days; for something yearly use cron, e.g. cron: "0 9 1 12 *"`,
    )
  }
}
