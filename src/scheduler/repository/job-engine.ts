/**
 * The statements the engine runs on the scheduler tables: what a claim writes, what recording a batch
 * of outcomes writes, and settling jobs whose process died. Definition CRUD lives in
 * jobs.ts and execution reads in executions.ts. Every write is one set-based statement for a whole
 * batch, prepared once per connection (`name`): claims and recordings run hundreds of times a second.
 */
import type { Queryable } from '../../db/pool.ts'
import type { JobStatus } from '../states.ts'
import type { ExecutionOutcome, NewExecution } from './executions.ts'

export interface ClaimUpdate {
  id: string
  /** Added to run_count (1 for a first attempt, 0 for a retry). */
  runIncrement: number
  /** New next_run_at, or undefined to leave it. */
  nextRunAt: Date | null | undefined
  occurrencesPlanned: number
  lastExecutionId: string
}

/**
 * Opens the claimed attempts (`running` execution rows; a repeated (boss_job_id, attempt) is skipped)
 * and advances their jobs, in one statement.
 */
export async function writeClaims(
  db: Queryable,
  executions: readonly NewExecution[],
  updates: readonly ClaimUpdate[],
  now: Date,
): Promise<void> {
  if (executions.length === 0 && updates.length === 0) return
  await db.query({
    name: 'engine-write-claims',
    text: `with opened as (
       insert into job_executions (id, job_id, boss_job_id, occurrence_at, manual, attempt, status, started_at, lateness_ms)
       select id, job_id, boss_job_id, occurrence_at, manual, attempt, 'running', started_at, lateness_ms
       from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::bool[], $6::int[], $7::timestamptz[], $8::int[])
         as r(id, job_id, boss_job_id, occurrence_at, manual, attempt, started_at, lateness_ms)
       on conflict (boss_job_id, attempt) do nothing
     )
     update scheduled_jobs j set
       run_count = j.run_count + u.run_increment,
       next_run_at = case when u.set_next then u.next_run_at else j.next_run_at end,
       occurrences_planned = u.occurrences_planned,
       last_execution_id = u.last_execution_id,
       updated_at = $9
     from unnest($10::uuid[], $11::int[], $12::bool[], $13::timestamptz[], $14::int[], $15::uuid[])
       as u(id, run_increment, set_next, next_run_at, occurrences_planned, last_execution_id)
     where j.id = u.id`,
    values: [
      executions.map((r) => r.id),
      executions.map((r) => r.jobId),
      executions.map((r) => r.bossJobId),
      executions.map((r) => r.occurrenceAt),
      executions.map((r) => r.manual),
      executions.map((r) => r.attempt),
      executions.map((r) => r.startedAt),
      executions.map((r) => r.latenessMs),
      now,
      updates.map((u) => u.id),
      updates.map((u) => u.runIncrement),
      updates.map((u) => u.nextRunAt !== undefined),
      updates.map((u) => u.nextRunAt ?? null),
      updates.map((u) => u.occurrencesPlanned),
      updates.map((u) => u.lastExecutionId),
    ],
  })
}

export interface FinishedExecution {
  id: string
  outcome: ExecutionOutcome
}

/** A job whose last scheduled occurrence just ended its final attempt, and how. */
export interface SettlingJob {
  id: string
  /** The occurrence's generation: a job changed since then is not settled by it. */
  generation: number
  status: JobStatus
}

const json = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value)

/**
 * Finishes attempts (rows no longer `running` are left alone) and settles the jobs whose last
 * scheduled occurrence ended: only jobs still `scheduled`, with nothing pending and the same
 * generation change. One statement for a whole batch (see engine/record-batch.ts).
 */
export async function writeOutcomes(
  db: Queryable,
  finished: readonly FinishedExecution[],
  settling: readonly SettlingJob[],
  now: Date,
): Promise<void> {
  if (finished.length === 0 && settling.length === 0) return
  await db.query({
    name: 'engine-write-outcomes',
    text: `with finished as (
       update job_executions x set status = u.status, finished_at = u.finished_at, duration_ms = u.duration_ms,
         request_summary = u.request_summary::jsonb, response_status = u.response_status,
         response_headers = u.response_headers::jsonb, response_body = u.response_body,
         response_truncated = u.response_truncated, output = u.output::jsonb,
         error_class = u.error_class, error_message = u.error_message
       from unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::text[], $6::int[], $7::text[],
                   $8::text[], $9::bool[], $10::text[], $11::text[], $12::text[])
         as u(id, status, finished_at, duration_ms, request_summary, response_status, response_headers,
              response_body, response_truncated, output, error_class, error_message)
       where x.id = u.id and x.status = 'running'
     )
     update scheduled_jobs j set status = s.status, updated_at = $16
     from unnest($13::uuid[], $14::int[], $15::text[]) as s(id, generation, status)
     where j.id = s.id and j.generation = s.generation and j.status = 'scheduled' and j.next_run_at is null`,
    values: [
      finished.map((r) => r.id),
      finished.map((r) => r.outcome.status),
      finished.map((r) => r.outcome.finishedAt),
      finished.map((r) => Math.round(r.outcome.durationMs)),
      finished.map((r) => json(r.outcome.requestSummary)),
      finished.map((r) => r.outcome.responseStatus ?? null),
      finished.map((r) => json(r.outcome.responseHeaders)),
      finished.map((r) => r.outcome.responseBody ?? null),
      finished.map((r) => r.outcome.responseTruncated ?? null),
      finished.map((r) => json(r.outcome.output)),
      finished.map((r) => r.outcome.errorClass ?? null),
      finished.map((r) => r.outcome.errorMessage ?? null),
      settling.map((r) => r.id),
      settling.map((r) => r.generation),
      settling.map((r) => r.status),
      now,
    ],
  })
}

/**
 * Marks jobs failed whose last scheduled occurrence ended with one of these abandoned final attempts
 * (see engine/sweeper.ts). Jobs with a pending occurrence or a newer schedule are left alone.
 */
export async function settleAbandonedJobs(
  db: Queryable,
  executionIds: readonly string[],
  now: Date,
): Promise<void> {
  await db.query(
    `update scheduled_jobs j set status = 'failed', updated_at = $2
     from job_executions x
     where x.id = any($1::uuid[]) and x.job_id = j.id and not x.manual and x.attempt >= j.max_attempts
       and j.status = 'scheduled' and j.next_run_at is null`,
    [executionIds, now],
  )
}
