/**
 * SQL for callbacks: which jobs want one, and the execution rows of callback attempts (rows with
 * reports_execution_id set, which the engine never claims, sweeps or settles with).
 */
import type { Queryable } from '../db/pool.ts'
import type { ExecutionOutcome } from '../scheduler/repository/executions.ts'
import { toPostgresJson } from '../scheduler/repository/outcomes.ts'
import type { CallbackSpec, CallbackTarget } from './callback-input.ts'

/** The callback specs of those of these jobs that have one. */
export async function findCallbackSpecs(
  db: Queryable,
  jobIds: readonly string[],
): Promise<Map<string, CallbackSpec>> {
  if (jobIds.length === 0) return new Map()
  const result = await db.query<{ id: string; callback: CallbackSpec }>({
    name: 'outcomes-find-callback-specs',
    text: 'select id, callback from scheduled_jobs where id = any($1::uuid[]) and callback is not null',
    values: [jobIds],
  })
  return new Map(result.rows.map((r) => [r.id, r.callback]))
}

/** True when an attempt of this (run execution, target) callback already succeeded. */
export async function isCallbackDelivered(
  db: Queryable,
  executionId: string,
  target: CallbackTarget,
): Promise<boolean> {
  const result = await db.query(
    `select 1 from job_executions
     where reports_execution_id = $1 and request_summary->>'target' = $2 and status = 'succeeded' limit 1`,
    [executionId, target],
  )
  return (result.rowCount ?? 0) > 0
}

export interface CallbackAttempt {
  id: string
  jobId: string
  /** The pg-boss job carrying this try. */
  bossJobId: string
  occurrenceAt: Date
  attempt: number
  startedAt: Date
  latenessMs: number
  reportsExecutionId: string
  target: CallbackTarget
}

const ABANDONED = 'The process delivering this callback stopped before it finished.'

/**
 * Opens a `running` row for the attempt (a repeated open is skipped) and closes earlier tries of
 * the same callback still `running`: their process died (pg-boss redelivered after expiry).
 */
export async function openCallbackAttempt(db: Queryable, attempt: CallbackAttempt): Promise<void> {
  await db.query(
    `update job_executions set status = 'failed', finished_at = $3, error_class = 'abandoned',
       error_message = $4, duration_ms = greatest(0, (extract(epoch from ($3::timestamptz - started_at)) * 1000)::int)
     where reports_execution_id = $1 and request_summary->>'target' = $2 and status = 'running' and id <> $5`,
    [attempt.reportsExecutionId, attempt.target, attempt.startedAt, ABANDONED, attempt.id],
  )
  await db.query(
    `insert into job_executions (id, job_id, boss_job_id, occurrence_at, manual, attempt, status,
       started_at, lateness_ms, reports_execution_id, request_summary)
     values ($1, $2, $3, $4, false, $5, 'running', $6, $7, $8, $9)
     on conflict (id) do nothing`,
    [
      attempt.id,
      attempt.jobId,
      attempt.bossJobId,
      attempt.occurrenceAt,
      attempt.attempt,
      attempt.startedAt,
      attempt.latenessMs,
      attempt.reportsExecutionId,
      JSON.stringify({ target: attempt.target }),
    ],
  )
}

/** Records how a callback attempt ended (a row no longer `running` is left alone). */
export async function finishCallbackAttempt(
  db: Queryable,
  id: string,
  outcome: ExecutionOutcome,
): Promise<void> {
  await db.query(
    `update job_executions set status = $2, finished_at = $3, duration_ms = $4, request_summary = $5::json,
       response_status = $6, response_headers = $7::json, response_body = $8, response_truncated = $9,
       output = $10::json, error_class = $11, error_message = $12
     where id = $1 and status = 'running'`,
    [
      id,
      outcome.status,
      outcome.finishedAt,
      Math.round(outcome.durationMs),
      toPostgresJson(outcome.requestSummary),
      outcome.responseStatus ?? null,
      outcome.responseHeaders ? toPostgresJson(outcome.responseHeaders) : null,
      outcome.responseBody === undefined ? null : outcome.responseBody.replaceAll('\0', '\ufffd'),
      outcome.responseTruncated ?? null,
      outcome.output ? toPostgresJson(outcome.output) : null,
      outcome.errorClass ?? null,
      outcome.errorMessage ?? null,
    ],
  )
}

/**
 * Closes callback attempts left `running` longer than `olderThanMs` (their process died on the last
 * try, which pg-boss does not redeliver). Returns how many it closed.
 */
export async function closeStaleCallbackAttempts(
  db: Queryable,
  now: Date,
  olderThanMs: number,
): Promise<number> {
  const result = await db.query(
    `update job_executions set status = 'failed', finished_at = $1, error_class = 'abandoned', error_message = $3,
       duration_ms = greatest(0, (extract(epoch from ($1::timestamptz - started_at)) * 1000)::int)
     where reports_execution_id is not null and status = 'running'
       and started_at < $1::timestamptz - make_interval(secs => $2::double precision / 1000)`,
    [now, olderThanMs, ABANDONED],
  )
  return result.rowCount ?? 0
}
