/**
 * SQL for job_executions: one row per attempt, opened at claim time and finished when the attempt ends
 * (both written by the engine's combined statements in job-engine.ts), read here.
 */
import type { ActionResult } from '../../actions/types.ts'
import type { Queryable } from '../../db/pool.ts'
import type { ExecutionStatus } from '../states.ts'

export interface ExecutionRecord {
  id: string
  jobId: string
  bossJobId: string
  occurrenceAt: Date
  manual: boolean
  attempt: number
  status: ExecutionStatus
  startedAt: Date
  finishedAt: Date | null
  latenessMs: number
  durationMs: number | null
  requestSummary: Record<string, unknown> | null
  responseStatus: number | null
  responseHeaders: Record<string, string> | null
  responseBody: string | null
  responseTruncated: boolean | null
  output: Record<string, unknown> | null
  errorClass: string | null
  errorMessage: string | null
  /** Set on a callback attempt's row: the run execution it reports (issue 20). */
  reportsExecutionId: string | null
}

export type NewExecution = Pick<
  ExecutionRecord,
  'id' | 'jobId' | 'bossJobId' | 'occurrenceAt' | 'manual' | 'attempt' | 'startedAt' | 'latenessMs'
>

/**
 * What an action reported (ActionResult, whose `retryable` and `deferUntil` steer the recorder and are
 * not stored) plus how the attempt ended.
 */
export interface ExecutionOutcome extends Omit<ActionResult, 'ok'> {
  status: 'succeeded' | 'failed'
  finishedAt: Date
  durationMs: number
}

// biome-ignore lint/suspicious/noExplicitAny: a raw pg row, mapped field by field below
function mapExecutionRow(row: Record<string, any>): ExecutionRecord {
  return {
    id: row.id,
    jobId: row.job_id,
    bossJobId: row.boss_job_id,
    occurrenceAt: row.occurrence_at,
    manual: row.manual,
    attempt: row.attempt,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    latenessMs: row.lateness_ms,
    durationMs: row.duration_ms,
    requestSummary: row.request_summary,
    responseStatus: row.response_status,
    responseHeaders: row.response_headers,
    responseBody: row.response_body,
    responseTruncated: row.response_truncated,
    output: row.output,
    errorClass: row.error_class,
    errorMessage: row.error_message,
    reportsExecutionId: row.reports_execution_id ?? null,
  }
}

/**
 * Every attempt of the occurrences whose pg-boss ids are $1: the first by primary key (its id is the
 * pg-boss id), the others, and rows from before migration 009, by the partial boss_job_id index.
 */
const ATTEMPTS_OF_OCCURRENCES = `(id = any($1::uuid[]) or (boss_job_id = any($1::uuid[]) and id <> boss_job_id))`

/**
 * Marks attempts of these occurrences still `running` as failed: their process stopped (crash, kill)
 * and pg-boss expired the claim. Returns how many rows it closed.
 */
export async function abandonRunningAttempts(
  db: Queryable,
  bossJobIds: readonly string[],
  now: Date,
  message: string,
): Promise<number> {
  if (bossJobIds.length === 0) return 0
  const result = await db.query(
    `update job_executions set status = 'failed', finished_at = $2, error_class = 'abandoned', error_message = $3,
       duration_ms = greatest(0, (extract(epoch from ($2::timestamptz - started_at)) * 1000)::int)
     where ${ATTEMPTS_OF_OCCURRENCES} and status = 'running'`,
    [bossJobIds, now, message],
  )
  return result.rowCount ?? 0
}

/** Boss job ids of occurrences that already succeeded (a redelivery of those must not run again). */
export async function findSucceededOccurrences(
  db: Queryable,
  bossJobIds: readonly string[],
): Promise<Set<string>> {
  if (bossJobIds.length === 0) return new Set()
  const result = await db.query<{ boss_job_id: string }>(
    `select distinct boss_job_id from job_executions where ${ATTEMPTS_OF_OCCURRENCES} and status = 'succeeded'`,
    [bossJobIds],
  )
  return new Set(result.rows.map((r) => r.boss_job_id))
}

export async function findExecution(db: Queryable, id: string): Promise<ExecutionRecord | null> {
  const result = await db.query('select * from job_executions where id = $1', [id])
  return result.rows[0] ? mapExecutionRow(result.rows[0]) : null
}

export const EXECUTION_OUTCOMES = ['failed', 'succeeded', 'running'] as const
export type ExecutionOutcomeFilter = (typeof EXECUTION_OUTCOMES)[number]

/**
 * SQL condition on the execution row aliased `alias` (a constant) for an outcome filter. `failed`
 * leaves out deferred and shut-down attempts: recorded as failed, they are re-run by themselves.
 */
export function outcomeCondition(alias: 'x' | 'e', outcome: ExecutionOutcomeFilter): string {
  if (outcome !== 'failed') return `${alias}.status = '${outcome}'`
  return `${alias}.status = 'failed' and ${alias}.error_class is distinct from 'deferred' and ${alias}.error_class is distinct from 'shutdown'`
}

/** Newest first, keyset-paginated on (started_at, id); `outcome` filters by how they ended. */
export async function listExecutions(
  db: Queryable,
  jobId: string,
  {
    limit,
    after,
    outcome,
  }: { limit: number; after?: { startedAt: Date; id: string }; outcome?: ExecutionOutcomeFilter },
): Promise<ExecutionRecord[]> {
  const values: unknown[] = [jobId, limit]
  let keyset = ''
  if (after) {
    values.push(after.startedAt, after.id)
    keyset = 'and (x.started_at, x.id) < ($3, $4::uuid)'
  }
  const filter = outcome ? `and ${outcomeCondition('x', outcome)}` : ''
  const result = await db.query(
    `select * from job_executions x where x.job_id = $1 ${keyset} ${filter}
     order by x.started_at desc, x.id desc limit $2`,
    values,
  )
  return result.rows.map(mapExecutionRow)
}

/** The error message of an attempt closed by the sweeper. */
export const ABANDONED_MESSAGE = 'The process running this attempt stopped before it finished.'

/** An attempt the sweeper closed because the process running it is gone. */
export interface AbandonedAttempt {
  id: string
  jobId: string
  attempt: number
  /** It was the occurrence's last attempt (attempt ≥ the job's max_attempts). */
  final: boolean
  /** The job's source (`api`, `clickup`, …). */
  source: string
}

/**
 * Running attempts that outlived their timeout by `graceMs`: the process that ran them is gone and
 * pg-boss will not redeliver (final attempt). Closes them as abandoned and returns them. Callback
 * attempts are not runs (their job's timeout and attempts do not apply): their worker closes them.
 */
export async function sweepStaleAttempts(
  db: Queryable,
  now: Date,
  graceMs: number,
): Promise<AbandonedAttempt[]> {
  const result = await db.query<{
    id: string
    job_id: string
    attempt: number
    final: boolean
    source: string
  }>(
    `update job_executions x set status = 'failed', finished_at = $1, error_class = 'abandoned',
       error_message = $3,
       duration_ms = greatest(0, (extract(epoch from ($1::timestamptz - x.started_at)) * 1000)::int)
     from scheduled_jobs j
     where j.id = x.job_id and x.status = 'running' and x.reports_execution_id is null
       and x.started_at < $1::timestamptz - make_interval(secs => j.timeout_seconds + $2::double precision / 1000)
     returning x.id, x.job_id, x.attempt, x.attempt >= j.max_attempts as final, j.source`,
    [now, graceMs, ABANDONED_MESSAGE],
  )
  return result.rows.map((r) => ({
    id: r.id,
    jobId: r.job_id,
    attempt: r.attempt,
    final: r.final,
    source: r.source,
  }))
}
