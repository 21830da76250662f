/** The response shapes of service operations: job views with next runs and a sentence for the user. */
import type { JobRecord } from '../repository/jobs.ts'
import { JOB_STATUS } from '../states.ts'
import { computeNextRuns, describeSchedule, type RunTime, toRunTime } from '../timing/index.ts'
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

/** One sentence (two at most) an agent can repeat: what, when in local time, how long from now. */
export function summarizeJob(ctx: ServiceContext, job: JobRecord, now: Date): string {
  const action = ctx.registry.get(job.actionKind)
  const what = `"${job.name}" (${action ? action.describe(job.actionParams) : job.actionKind})`
  switch (job.status) {
    case JOB_STATUS.scheduled:
      return `${what}: ${describeSchedule(job.schedule, now, job.nextRunAt)}`
    case JOB_STATUS.paused:
      return `${what} is paused and will not run until resumed.`
    case JOB_STATUS.cancelled:
      return `${what} is cancelled and will not run again; its history is kept.`
    case JOB_STATUS.completed:
      return `${what} has completed all its runs (${job.runCount} in total).`
    case JOB_STATUS.failed:
      return `${what} failed: its last run used all ${job.maxAttempts} attempts.`
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
