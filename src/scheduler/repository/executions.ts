/**
 * Executions as the service reads them: one job_executions row per attempt, opened by a claim
 * (claims.ts) and finished when the attempt's outcome is recorded or it is abandoned (outcomes.ts).
 */

import type { Queryable } from '../../db/pool.ts'
import type { ActionResult } from '../action-contract.ts'
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
