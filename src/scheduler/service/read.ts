/** Read-only operations: get and list jobs and executions, and previewing a schedule (saves nothing). */
import { fieldProblem, notFoundProblem } from '../../http/problem-error.ts'
import { findExecution, listExecutions as selectExecutions } from '../repository/executions.ts'
import { findJob, type JobRecord } from '../repository/jobs.ts'
import { listJobs as selectJobs } from '../repository/list-jobs.ts'
import { JOB_STATUSES, type JobStatus } from '../states.ts'
import {
  computeNextRuns,
  describeSchedule,
  parseTimingForPreview,
  type RunTime,
  scheduleWarnings,
  toRunTime,
} from '../timing/index.ts'
import { executionView, type JobView, jobView } from '../views.ts'
import type { ServiceContext } from './context.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'
import { assertJobId, isGiven, timingInput } from './fields.ts'
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

export interface ListJobsInput {
  status?: string | null
  action?: string | null
  tag?: string | null
  search?: string | null
  source?: string | null
  source_ref?: string | null
  limit?: number | null
  cursor?: string | null
}

export async function listJobs(
  ctx: ServiceContext,
  input: ListJobsInput,
): Promise<{ jobs: JobView[]; next_cursor: string | null; now: string }> {
  const status = isGiven(input.status) ? String(input.status).trim().toLowerCase() : undefined
  if (status && !(JOB_STATUSES as readonly string[]).includes(status)) {
    throw fieldProblem(
      'status',
      `"${status}" is not a job status.`,
      `Use one of: ${JOB_STATUSES.join(', ')}; or leave it empty for all.`,
    )
  }
  const action = isGiven(input.action) ? String(input.action).trim().toLowerCase() : undefined
  if (action && !ctx.registry.get(action)) {
    throw fieldProblem(
      'action',
      `"${action}" is not an action type.`,
      `Use one of: ${ctx.registry.kinds().join(', ')}.`,
    )
  }
  const limit = input.limit ?? DEFAULT_PAGE_SIZE
  const after = decodeCursor(input.cursor)
  const rows = await selectJobs(ctx.pool, {
    status: status as JobStatus | undefined,
    actionKind: action,
    tag: isGiven(input.tag) ? String(input.tag).trim().toLowerCase() : undefined,
    search: isGiven(input.search) ? String(input.search).trim() : undefined,
    source: isGiven(input.source) ? String(input.source).trim() : undefined,
    sourceRef: isGiven(input.source_ref) ? String(input.source_ref).trim() : undefined,
    after: after ? { createdAt: after.at, id: after.id } : undefined,
    limit: limit + 1,
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    jobs: page.map((job) => jobView(job, ctx.registry)),
    next_cursor:
      rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    now: ctx.clock.now().toISOString(),
  }
}

export async function listExecutions(
  ctx: ServiceContext,
  jobId: string,
  input: { limit?: number | null; cursor?: string | null },
) {
  assertJobId(jobId)
  const job = await findJob(ctx.pool, jobId)
  if (!job)
    throw notFoundProblem('Job', `There is no job with id "${jobId}". Use listJobs to find one.`)
  const limit = input.limit ?? DEFAULT_PAGE_SIZE
  const after = decodeCursor(input.cursor)
  const rows = await selectExecutions(ctx.pool, jobId, {
    limit: limit + 1,
    after: after ? { startedAt: after.at, id: after.id } : undefined,
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    executions: page.map(executionView),
    next_cursor:
      rows.length > limit && last ? encodeCursor({ at: last.startedAt, id: last.id }) : null,
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
  return { execution: executionView(execution), now: ctx.clock.now().toISOString() }
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
