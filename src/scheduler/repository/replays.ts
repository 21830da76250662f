/** SQL for replays of failed executions (retryExecution): what came after an attempt, and settling. */
import type { Queryable } from '../../db/pool.ts'
import type { ExecutionRecord } from './executions.ts'

export interface LaterAttempt {
  id: string
  attempt: number
  status: string
}

/**
 * The newest attempt of the same occurrence (job, due time, manual or not) that started after this
 * one (a retry, a deferred re-run, an earlier replay), or null. Callback rows are not attempts.
 */
export async function findLaterAttempt(
  db: Queryable,
  execution: Pick<
    ExecutionRecord,
    'id' | 'jobId' | 'occurrenceAt' | 'manual' | 'startedAt' | 'attempt'
  >,
): Promise<LaterAttempt | null> {
  const result = await db.query<LaterAttempt>(
    `select id, attempt, status from job_executions
     where job_id = $1 and occurrence_at = $2 and manual = $3 and reports_execution_id is null and id <> $4
       and (started_at > $5 or (started_at = $5 and attempt > $6))
     order by started_at desc, attempt desc limit 1`,
    [
      execution.jobId,
      execution.occurrenceAt,
      execution.manual,
      execution.id,
      execution.startedAt,
      execution.attempt,
    ],
  )
  return result.rows[0] ?? null
}

/**
 * A replay that succeeded undoes the failure its occurrence gave the job: a job `failed` by that
 * occurrence (its last one, nothing pending) becomes `completed`. Runs in the recording transaction.
 */
export async function completeReplayedJobs(
  db: Queryable,
  replays: readonly { jobId: string; occurrenceAt: string }[],
  now: Date,
): Promise<void> {
  if (replays.length === 0) return
  await db.query(
    `update scheduled_jobs j set status = 'completed', updated_at = $2
     from json_to_recordset($1::json) as r(job_id uuid, occurrence_at timestamptz)
     where j.id = r.job_id and j.status = 'failed' and j.next_run_at is null
       and r.occurrence_at >= coalesce(j.final_occurrence_at, r.occurrence_at)`,
    [JSON.stringify(replays.map((r) => ({ job_id: r.jobId, occurrence_at: r.occurrenceAt }))), now],
  )
}
