/**
 * The timing of an update, read in the job's own zone: a local run_at, starts_at or ends_at without
 * `timezone` means the job's zone (not the server default), and so does a new cron or every.
 * Modifiers sent alone (timezone, starts_at, ends_at, max_runs) are applied to the job's current
 * timing, rebuilt from what is stored.
 */
import { fieldProblem } from '../../problem-error.ts'
import type { JobRecord } from '../repository/jobs.ts'
import {
  localIso,
  normaliseTimezone,
  type ParsedTiming,
  parseTiming,
  type TimingInput,
} from '../timing/index.ts'
import type { ServiceContext } from './context.ts'
import { isGiven, timingInput } from './fields.ts'

const MAIN_TIMING_FIELDS = ['run_at', 'delay', 'every', 'cron'] as const
const MODIFIERS = ['timezone', 'starts_at', 'ends_at', 'max_runs'] as const

/**
 * The runs a kept max_runs still allows: the rebuilt timing starts a new count, so the runs made
 * under the current timing (every planned one but the pending) are taken off.
 */
function remainingRuns(job: JobRecord, maxRuns: number | null): number | null {
  if (maxRuns === null) return null
  const done = job.occurrencesPlanned - (job.nextRunAt ? 1 : 0)
  return Math.max(1, maxRuns - done)
}

/**
 * A stored instant as ISO with the offset `zone` has then, so re-reading it with `timezone` set
 * gives the same instant and no "offset overrides timezone" warning.
 */
function asLocal(iso: string | null, zone: string): string | null {
  if (iso === null) return null
  const timezone = normaliseTimezone(zone)
  return timezone ? localIso(new Date(iso), timezone) : iso
}

/** The job's timing as input again, with the modifiers the update sent laid over it. */
function currentTimingWith(job: JobRecord, update: TimingInput, now: Date): TimingInput {
  const schedule = job.schedule
  const zone = update.timezone ?? job.timezone
  switch (schedule.kind) {
    case 'cron': {
      // A job that has not run yet keeps its first run as the earliest start (it may come from starts_at).
      const firstAhead =
        job.runCount === 0 &&
        schedule.startsAt !== null &&
        Date.parse(schedule.startsAt) > now.getTime()
      return {
        cron: schedule.expression,
        timezone: zone,
        starts_at: update.starts_at ?? (firstAhead ? asLocal(schedule.startsAt, zone) : null),
        ends_at: update.ends_at ?? asLocal(schedule.endsAt, zone),
        max_runs: update.max_runs ?? remainingRuns(job, schedule.maxRuns),
      }
    }
    case 'interval':
      return {
        every: schedule.everyText,
        timezone: zone,
        // Keep the rhythm: the pending run (or the first one) anchors the interval.
        starts_at:
          update.starts_at ?? asLocal(job.nextRunAt?.toISOString() ?? schedule.startsAt, zone),
        ends_at: update.ends_at ?? asLocal(schedule.endsAt, zone),
        max_runs: update.max_runs ?? remainingRuns(job, schedule.maxRuns),
      }
    case 'once': {
      if (update.starts_at || update.ends_at || update.max_runs) {
        const field = update.max_runs ? 'max_runs' : update.starts_at ? 'starts_at' : 'ends_at'
        throw fieldProblem(
          field,
          `${field} applies only to recurring schedules, and this job runs once (at ${localIso(new Date(schedule.runAt), job.timezone)})`,
          'To make it repeat, send every or cron with it, e.g. {"every":"1d","max_runs":5}; to move the single run, send run_at.',
        )
      }
      // A wall time given without an offset is read again in the new zone; an exact instant stays.
      const wallTime =
        schedule.source === 'run_at' && !/(?:z|[+-]\d{2}(?::?\d{2})?)$/i.test(schedule.original)
      return {
        run_at: wallTime ? schedule.original : asLocal(schedule.runAt, zone),
        timezone: zone,
      }
    }
  }
}

/**
 * The new timing of an update, or null when it changes none. Throws the 422 of parseTiming for
 * bad input. `notes` explains a schedule rebuilt from the job's current timing.
 */
export function parseUpdateTiming(
  ctx: ServiceContext,
  job: JobRecord,
  input: Record<string, unknown>,
  now: Date,
): ParsedTiming | null {
  const main = MAIN_TIMING_FIELDS.some((field) => isGiven(input[field]))
  const modifiers = MODIFIERS.filter((field) => isGiven(input[field]))
  if (!main && modifiers.length === 0) return null
  const update = timingInput(input)
  const options = {
    now,
    defaultTimezone: job.timezone,
    minIntervalMs: ctx.settings.minIntervalMs,
    maxAheadMs: ctx.settings.maxAheadMs,
  }
  if (main) return parseTiming(update, options)
  const rebuilt = currentTimingWith(job, update, now)
  const parsed = parseTiming(rebuilt, options)
  const kept =
    job.schedule.kind === 'cron'
      ? `cron "${job.schedule.expression}"`
      : job.schedule.kind === 'interval'
        ? `interval every "${job.schedule.everyText}"`
        : 'run time'
  return {
    schedule: parsed.schedule,
    warnings: [
      `Kept the job's ${kept} and applied ${modifiers.join(', ')}${modifiers.includes('max_runs') ? '; max_runs counts runs from now on' : ''}.`,
      ...parsed.warnings,
    ],
  }
}
