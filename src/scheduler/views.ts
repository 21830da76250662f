/** What agents see: jobs and executions as JSON, secrets left out, times in UTC and in the job's zone. */
import type { ActionRegistry } from './action-registry.ts'
import { type AttemptJob, describeAttempt, describeLastRun } from './outcome-words.ts'
import type { ExecutionRecord } from './repository/executions.ts'
import type { JobRecord } from './repository/jobs.ts'
import { describeCronExpression, localIso, type Schedule } from './timing/index.ts'

const iso = (date: Date | null) => (date ? date.toISOString() : null)
/** The instant as ISO 8601 with the offset of the job's zone, or null. */
const local = (date: Date | null, timezone: string) => (date ? localIso(date, timezone) : null)

function scheduleView(schedule: Schedule) {
  switch (schedule.kind) {
    case 'once':
      return {
        type: 'once',
        run_at: schedule.runAt,
        given_as: schedule.source,
        original: schedule.original,
      }
    case 'interval':
      return {
        type: 'interval',
        every: schedule.everyText,
        every_seconds: schedule.everyMs / 1000,
        starts_at: schedule.startsAt,
        ends_at: schedule.endsAt,
        max_runs: schedule.maxRuns,
      }
    case 'cron':
      return {
        type: 'cron',
        cron: schedule.expression,
        cron_description: describeCronExpression(schedule.expression),
        starts_at: schedule.startsAt,
        ends_at: schedule.endsAt,
        max_runs: schedule.maxRuns,
      }
    default: {
      const unknown: never = schedule
      throw new Error(`unknown schedule ${JSON.stringify(unknown)}`)
    }
  }
}

export function jobView(job: JobRecord, registry: ActionRegistry) {
  const action = registry.get(job.actionKind)
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    status: job.status,
    action: {
      type: job.actionKind,
      summary: action ? action.describe(job.actionParams) : job.actionKind,
      ...job.actionParams,
    },
    // The callback as stored: header names only, never their values.
    callback: job.callback,
    schedule: { ...scheduleView(job.schedule), timezone: job.timezone },
    timezone: job.timezone,
    next_run_at: iso(job.nextRunAt),
    next_run_local: job.nextRunAt ? localIso(job.nextRunAt, job.timezone) : null,
    run_count: job.runCount,
    max_attempts: job.maxAttempts,
    timeout_seconds: job.timeoutSeconds,
    last_execution: job.lastExecution
      ? {
          id: job.lastExecution.id,
          status: job.lastExecution.status,
          attempt: job.lastExecution.attempt,
          occurrence_at: iso(job.lastExecution.occurrenceAt),
          occurrence_local: local(job.lastExecution.occurrenceAt, job.timezone),
          finished_at: iso(job.lastExecution.finishedAt),
          finished_local: local(job.lastExecution.finishedAt, job.timezone),
          response_status: job.lastExecution.responseStatus,
          error: job.lastExecution.errorMessage
            ? { class: job.lastExecution.errorClass, message: job.lastExecution.errorMessage }
            : null,
          summary: capitalise(describeLastRun(job.lastExecution, job)),
        }
      : null,
    dedupe_key: job.dedupeKey,
    tags: job.tags,
    created_by: job.createdBy,
    source: job.source,
    source_ref: job.sourceRef,
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
  }
}

export type JobView = ReturnType<typeof jobView>

/**
 * An attempt as agents see it: UTC instants with their renderings in the job's zone, and a sentence
 * (`summary`) saying when it ran, how late, what the target answered or why it failed.
 */
export function executionView(execution: ExecutionRecord, job: AttemptJob) {
  return {
    id: execution.id,
    job_id: execution.jobId,
    /** `run`: an attempt of the job's action; `callback`: an attempt to report a run's outcome. */
    kind: execution.reportsExecutionId ? 'callback' : 'run',
    reports_execution_id: execution.reportsExecutionId,
    summary: describeAttempt(execution, job),
    timezone: job.timezone,
    occurrence_at: iso(execution.occurrenceAt),
    occurrence_local: local(execution.occurrenceAt, job.timezone),
    manual: execution.manual,
    attempt: execution.attempt,
    max_attempts: job.maxAttempts,
    status: execution.status,
    started_at: iso(execution.startedAt),
    started_local: local(execution.startedAt, job.timezone),
    finished_at: iso(execution.finishedAt),
    finished_local: local(execution.finishedAt, job.timezone),
    lateness_ms: execution.latenessMs,
    duration_ms: execution.durationMs,
    request: execution.requestSummary,
    response_status: execution.responseStatus,
    response_headers: execution.responseHeaders,
    response_body: execution.responseBody,
    response_truncated: execution.responseTruncated,
    output: execution.output,
    error: execution.errorMessage
      ? { class: execution.errorClass, message: execution.errorMessage }
      : null,
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
