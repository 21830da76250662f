/**
 * Executions as the service reads them: one job_executions row per attempt, opened by a claim
 * (claims.ts) and finished when the attempt's outcome is recorded or it is abandoned (outcomes.ts).
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
  }
}

export async function findExecution(db: Queryable, id: string): Promise<ExecutionRecord | null> {
  const result = await db.query('select * from job_executions where id = $1', [id])
  return result.rows[0] ? mapExecutionRow(result.rows[0]) : null
}

/** Newest first, keyset-paginated on (started_at, id). */
export async function listExecutions(
  db: Queryable,
  jobId: string,
  { limit, after }: { limit: number; after?: { startedAt: Date; id: string } },
): Promise<ExecutionRecord[]> {
  const values: unknown[] = [jobId, limit]
  let keyset = ''
  if (after) {
    values.push(after.startedAt, after.id)
    keyset = 'and (started_at, id) < ($3, $4::uuid)'
  }
  const result = await db.query(
    `select * from job_executions where job_id = $1 ${keyset} order by started_at desc, id desc limit $2`,
    values,
  )
  return result.rows.map(mapExecutionRow)
}
