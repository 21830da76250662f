// The per-call state shared by the schedule builders: now, zone, limits, preview mode and warnings.

import { fieldProblem } from '../../problem-error.ts'
import { DEFAULT_MAX_AHEAD_MS, FAR_AHEAD_WARNING_MS, MS_PER_DAY } from './duration.ts'
import { exampleLocalRunAt } from './examples.ts'
import { humanizeDuration } from './humanize.ts'
import { formatHumanLocal, localIso } from './zone.ts'

/** A run_at up to this far before now still counts as "now" (request latency, clock skew). */
export const PAST_TOLERANCE_MS = 1000

export interface BuildContext {
  now: Date
  /** Canonical zone of the schedule. */
  timezone: string
  /** True when the request named `timezone` itself (not the job's or the server's default). */
  timezoneGiven?: boolean
  minIntervalMs: number
  /** How far ahead run_at, starts_at and delay may reach; default DEFAULT_MAX_AHEAD_MS (10 years). */
  maxAheadMs?: number
  /** Preview mode reports past run_at and "ends before the first run" as warnings, not errors. */
  preview: boolean
  warnings: string[]
}

export function maxAheadOf(ctx: Pick<BuildContext, 'maxAheadMs'>): number {
  return ctx.maxAheadMs ?? DEFAULT_MAX_AHEAD_MS
}

/** '3650 days (about 10 years)' */
export function describeHorizon(ms: number): string {
  const days = Math.round(ms / MS_PER_DAY)
  const years = days / 365.25
  return years >= 2 ? `${days} days (about ${Math.round(years)} years)` : `${days} days`
}

/** '2026-11-27T12:00:00.000Z (UTC), 2026-11-27T09:00:00-03:00 in America/Sao_Paulo' */
export function bothClocks(date: Date, timezone: string): string {
  return `${date.toISOString()} (UTC), ${localIso(date, timezone)} in ${timezone}`
}

/**
 * Rejects instants beyond the horizon (maxAheadMs) and notes in ctx.warnings when one is more than
 * a year ahead: far dates are allowed ("renew the domain in two years") but a wrong year is a
 * common slip worth a second look.
 */
export function checkNotTooFar(field: string, date: Date, ctx: BuildContext): void {
  const maxAheadMs = maxAheadOf(ctx)
  const aheadMs = date.getTime() - ctx.now.getTime()
  if (aheadMs > maxAheadMs) {
    const latest = new Date(ctx.now.getTime() + maxAheadMs)
    throw fieldProblem(
      field,
      `${field} ${localIso(date, ctx.timezone)} is more than ${describeHorizon(maxAheadMs)} ahead; the latest this server accepts is ${localIso(latest, ctx.timezone)}`,
      `Check the year with the user. For something that repeats every year use cron, e.g. cron: "0 9 1 12 *" (09:00 every 1 December); for a one-off within the limit send e.g. run_at: "${exampleLocalRunAt(ctx.now, ctx.timezone, 365)}".`,
    )
  }
  if (aheadMs > FAR_AHEAD_WARNING_MS) {
    ctx.warnings.push(
      `${field} is far ahead: ${formatHumanLocal(date, ctx.timezone)} (${ctx.timezone}), in ${humanizeDuration(aheadMs)}. Check the year with the user if they did not say it.`,
    )
  }
}
