/** Read-only operations: get a job, list and get executions, and previewing a schedule (saves nothing). */
import { notFoundProblem } from '../../problem-error.ts'
import { whenLocal } from '../outcome-words.ts'
import { findExecution, listExecutions as selectExecutions } from '../repository/executions.ts'
import { findJob, type JobRecord } from '../repository/jobs.ts'
import {
  computeNextRuns,
  describeSchedule,
  parseTimingForPreview,
  type RunTime,
  scheduleWarnings,
  toRunTime,
} from '../timing/index.ts'
import { executionView } from '../views.ts'
import type { ServiceContext } from './context.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'
import { assertJobId, timingInput } from './fields.ts'
import { EXECUTION_OUTCOMES, parseOutcome } from './outcome-filter.ts'
import { type JobResult, jobResult } from './results.ts'

export const DEFAULT_PAGE_SIZE = 20
export const MAX_PREVIEW_COUNT = 50

export async function getJob(ctx: ServiceContext, id: string): Promise<JobResult> {
  assertJobId(id)
  const job = await findJob(ctx.pool, id)
  if (!job)
    throw notFoundProblem('Job', `There is no job with id "${id}". Use listJobs to find one.`)
  return jobResult(ctx, job, ctx.clock.now())
}

/**
 * The stored job, or null when there is none: for integrations that keep job ids of their own
 * (ClickUp's rule-task links) and need the record, not the agent's view of it.
 */
export function findJobRecord(ctx: ServiceContext, id: string): Promise<JobRecord | null> {
  return findJob(ctx.pool, id)
}

/** 'No attempts yet; the next run is due …' or 'Newest first. The newest: …'. */
function executionsSummary(
  job: JobRecord,
  executions: { summary: string }[],
  laterPage: boolean,
): string {
  const [newest] = executions
  if (newest) return laterPage ? 'Older attempts, newest first.' : `Newest first. ${newest.summary}`
  if (laterPage) return 'No older attempts.'
  return job.nextRunAt
    ? `No attempts yet; the next run is due ${whenLocal(job.nextRunAt, job.timezone)}.`
    : `No attempts yet, and none is planned (the job is ${job.status}).`
}

function executionsOfOutcome(
  outcome: string,
  executions: { summary: string }[],
  laterPage: boolean,
): string {
  const [newest] = executions
  if (!newest) return laterPage ? `No older ${outcome} attempts.` : `No ${outcome} attempts.`
  const replay =
    outcome === 'failed' ? ' retryExecution replays the newest failed attempt of a run.' : ''
  return `${laterPage ? 'Older' : 'The'} ${outcome} attempts, newest first.${replay} The newest: ${newest.summary}`
}

export async function listExecutions(
  ctx: ServiceContext,
  jobId: string,
  input: { limit?: number | null; cursor?: string | null; outcome?: string | null },
) {
  assertJobId(jobId)
  const outcome = parseOutcome(input.outcome, EXECUTION_OUTCOMES)
  const job = await findJob(ctx.pool, jobId)
  if (!job)
    throw notFoundProblem('Job', `There is no job with id "${jobId}". Use listJobs to find one.`)
  const limit = input.limit ?? DEFAULT_PAGE_SIZE
  const after = decodeCursor(input.cursor)
  const rows = await selectExecutions(ctx.pool, jobId, {
    limit: limit + 1,
    after: after ? { startedAt: after.at, id: after.id } : undefined,
    outcome,
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const executions = page.map((execution) => executionView(execution, job))
  return {
    executions,
    next_cursor:
      rows.length > limit && last ? encodeCursor({ at: last.startedAt, id: last.id }) : null,
    summary: outcome
      ? executionsOfOutcome(outcome, executions, after !== undefined)
      : executionsSummary(job, executions, after !== undefined),
    now: ctx.clock.now().toISOString(),
  }
}

export async function getExecution(ctx: ServiceContext, id: string) {
  assertJobId(id, 'Execution')
  const execution = await findExecution(ctx.pool, id)
  if (!execution) {
    throw notFoundProblem(
      'Execution',
      `There is no execution with id "${id}". Use listExecutions on the job to find one.`,
    )
  }
  // A job deleted by hand leaves its executions readable; they are then shown in UTC.
  const job = (await findJob(ctx.pool, execution.jobId)) ?? {
    timezone: 'UTC',
    maxAttempts: execution.attempt,
    actionKind: 'unknown',
  }
  return { execution: executionView(execution, job), now: ctx.clock.now().toISOString() }
}

export interface PreviewResult {
  next_runs: RunTime[]
  summary: string
  warnings: string[]
  timezone: string
  now: string
}

export function previewSchedule(
  ctx: ServiceContext,
  input: Record<string, unknown>,
  count: number,
): PreviewResult {
  const now = ctx.clock.now()
  const { schedule, warnings } = parseTimingForPreview(timingInput(input), {
    now,
    defaultTimezone: ctx.settings.defaultTimezone,
    minIntervalMs: ctx.settings.minIntervalMs,
    maxAheadMs: ctx.settings.maxAheadMs,
  })
  const from = schedule.kind === 'once' ? new Date(schedule.runAt) : now
  const runs = computeNextRuns(schedule, from, Math.min(count, MAX_PREVIEW_COUNT))
  return {
    next_runs: runs.map((d) => toRunTime(d, schedule.timezone)),
    summary: describeSchedule(schedule, now, runs[0] ?? null),
    warnings: [...warnings, ...scheduleWarnings(schedule, now, runs)],
    timezone: schedule.timezone,
    now: now.toISOString(),
  }
}
