/** The response shapes of service operations: job views with next runs and a sentence for the user. */
import { describeLastRun } from '../outcome-words.ts'
import type { JobRecord } from '../repository/jobs.ts'
import { JOB_STATUS } from '../states.ts'
import {
  computeNextRuns,
  describeSchedule,
  firstOccurrence,
  type ParsedTiming,
  type RunTime,
  scheduleWarnings,
  toRunTime,
} from '../timing/index.ts'
import { type JobView, jobView } from '../views.ts'
import type { ServiceContext } from './context.ts'

export const NEXT_RUNS_SHOWN = 5

export interface JobChangeResult {
  job: JobView
  summary: string
  next_runs: RunTime[]
  warnings: string[]
  duplicate: boolean
  now: string
}

export interface JobResult {
  job: JobView
  summary: string
  now: string
}

/** Upcoming due times from the pending occurrence on; empty when nothing is pending. */
export function upcomingRuns(job: JobRecord, count = NEXT_RUNS_SHOWN): Date[] {
  if (!job.nextRunAt) return []
  if (job.schedule.kind === 'once') return [job.nextRunAt]
  return computeNextRuns(
    job.schedule,
    job.nextRunAt,
    count,
    Math.max(0, job.occurrencesPlanned - 1),
  )
}

/**
 * Everything worth telling the user about new timing: parse notes (DST, far ahead, offsets) and the
 * schedule's own (very frequent, day-of-month OR day-of-week, DST shifts in the next runs).
 */
export function timingWarnings(parsed: ParsedTiming, now: Date): string[] {
  const { schedule } = parsed
  const runs = computeNextRuns(schedule, firstOccurrence(schedule, now), NEXT_RUNS_SHOWN)
  return [...new Set([...parsed.warnings, ...scheduleWarnings(schedule, now, runs)])]
}

/** ' The last run …' when there is one worth mentioning. */
function lastRunNote(job: JobRecord, onlyFailures: boolean): string {
  const last = job.lastExecution
  if (!last || (onlyFailures && last.status !== 'failed')) return ''
  const words = describeLastRun(last, job)
  return ` ${words.charAt(0).toUpperCase()}${words.slice(1)}`
}

/** One sentence (two at most) an agent can repeat: what, when in local time, how long from now. */
export function summarizeJob(ctx: ServiceContext, job: JobRecord, now: Date): string {
  const action = ctx.registry.get(job.actionKind)
  const what = `"${job.name}" (${action ? action.describe(job.actionParams) : job.actionKind})`
  switch (job.status) {
    case JOB_STATUS.scheduled:
      return `${what}: ${describeSchedule(job.schedule, now, job.nextRunAt)}${lastRunNote(job, true)}`
    case JOB_STATUS.paused:
      return `${what} is paused and will not run until resumed.${lastRunNote(job, true)}`
    case JOB_STATUS.cancelled:
      return `${what} is cancelled and will not run again; its history is kept.`
    case JOB_STATUS.completed:
      return `${what} has completed all its runs (${job.runCount} in total).${lastRunNote(job, false)}`
    case JOB_STATUS.failed:
      return job.lastExecution
        ? `${what} stopped after a failure: ${describeLastRun(job.lastExecution, job)} It will not run again unless you use runJobNow or updateJob with new timing.`
        : `${what} failed and will not run again unless you use runJobNow or updateJob with new timing.`
    default: {
      const unknown: never = job.status
      return `${what} is ${String(unknown)}.`
    }
  }
}

export function jobChangeResult(
  ctx: ServiceContext,
  job: JobRecord,
  now: Date,
  { duplicate = false, warnings = [] as string[] } = {},
): JobChangeResult {
  return {
    job: jobView(job, ctx.registry),
    summary: summarizeJob(ctx, job, now),
    next_runs: upcomingRuns(job).map((d) => toRunTime(d, job.timezone)),
    warnings,
    duplicate,
    now: now.toISOString(),
  }
}

export function jobResult(ctx: ServiceContext, job: JobRecord, now: Date): JobResult {
  return {
    job: jobView(job, ctx.registry),
    summary: summarizeJob(ctx, job, now),
    now: now.toISOString(),
  }
}
