/**
 * What ends attempts on the scheduler tables: the outcomes a recording transaction writes (with the
 * jobs they settle), and the sweep that closes attempts whose process is gone. Every write is one
 * set-based statement for a whole batch; the recording one is prepared once per connection (`name`).
 */
import type { Queryable } from '../../db/pool.ts'
import { ABANDONED_MESSAGE, type JobStatus } from '../states.ts'
import type { ExecutionOutcome } from './executions.ts'

/**
 * JSON text for a parameter Postgres reads as json/text. Two things are valid JSON but refused by
 * Postgres and would make a whole batch unrecordable: a NUL character (a binary response body) and a
 * lone UTF-16 surrogate (an emoji cut in half). JSON.stringify writes both as \\u escapes (paired
 * surrogates come out as raw characters), so those escapes become U+FFFD. An escape that is itself
 * escaped text (an odd number of backslashes before it) is left alone.
 */
export function toPostgresJson(value: unknown): string {
  const json = JSON.stringify(value)
  // Nearly every batch has no escape at all; finding that out is much cheaper than the regex.
  if (!json.includes('\\u')) return json
  return json.replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g, '$1\\ufffd')
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
  /** The occurrence's due time as planned (ISO text): only the job's last occurrence settles it. */
  occurrenceAt: string
  status: JobStatus
}

/**
 * Finishes attempts (rows no longer `running` are left alone) and settles the jobs whose last
 * scheduled occurrence ended: only jobs still `scheduled`, with nothing pending and the same
 * generation change (R3, R4 in engine/record-transaction.ts). One statement for a whole batch; rows
 * travel as one JSON parameter (their text and JSON fields need escaping, which JSON.stringify does
 * in one pass) keyed by the column each fills.
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
       update job_executions x set status = u.status,
         finished_at = to_timestamp(u.finished_ms::float8 / 1000), duration_ms = u.duration_ms,
         request_summary = u.request_summary, response_status = u.response_status,
         response_headers = u.response_headers, response_body = u.response_body,
         response_truncated = u.response_truncated, output = u.output, error_class = u.error_class,
         error_message = u.error_message
       from json_to_recordset($1::json) as u(id uuid, status text, finished_ms bigint, duration_ms int,
         request_summary json, response_status int, response_headers json, response_body text,
         response_truncated boolean, output json, error_class text, error_message text)
       where x.id = u.id and x.status = 'running'
     )
     update scheduled_jobs j set status = s.status, updated_at = $3
     from json_to_recordset($2::json) as s(id uuid, generation int, occurrence_at timestamptz, status text)
     where j.id = s.id and j.generation = s.generation and j.status = 'scheduled' and j.next_run_at is null
       and s.occurrence_at >= coalesce(j.final_occurrence_at, s.occurrence_at)`,
    values: [
      toPostgresJson(
        // Absent fields are left out (JSON.stringify drops undefined) and read back as null: a
        // successful call has no error fields, a failed one often no response, and every byte here
        // is written, sent and parsed once per attempt.
        finished.map(({ id, outcome }) => ({
          id,
          status: outcome.status,
          // Epoch ms: cheaper to write than an ISO string, and exact.
          finished_ms: outcome.finishedAt.getTime(),
          duration_ms: Math.round(outcome.durationMs),
          request_summary: outcome.requestSummary,
          response_status: outcome.responseStatus,
          response_headers: outcome.responseHeaders,
          response_body: outcome.responseBody,
          response_truncated: outcome.responseTruncated,
          output: outcome.output,
          error_class: outcome.errorClass,
          error_message: outcome.errorMessage,
        })),
      ),
      JSON.stringify(
        settling.map((j) => ({
          id: j.id,
          generation: j.generation,
          occurrence_at: j.occurrenceAt,
          status: j.status,
        })),
      ),
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
       and j.status = 'scheduled' and j.next_run_at is null
       and x.occurrence_at >= coalesce(j.final_occurrence_at, x.occurrence_at)`,
    [executionIds, now],
  )
}

/** An attempt the sweeper closed because the process running it is gone. */
export interface AbandonedAttempt {
  id: string
  jobId: string
  /** The occurrence's pg-boss job, and the attempt's number of it (pg-boss's retryCount + 1). */
  bossJobId: string
  attempt: number
  actionKind: string
  /** It was the occurrence's last attempt (attempt ≥ the job's max_attempts). */
  final: boolean
  /** The job's source (`api`, `clickup`, …). */
  source: string
}

/**
 * Closes as abandoned the running attempts whose process is gone, and returns them: with
 * `judgeLeases`, those of a process whose lease lapsed (L1 in engine/lease.ts) other than
 * `selfProcessId` (L3); always, those with no process (claimed before leases existed, or released
 * because their record was refused) that outlived their timeout by `legacyGraceMs`. A lapsed lease is
 * locked while its attempts are closed, so a renewal racing the sweep either lands first (and its
 * attempts stay running) or waits for the sweep to commit.
 */
export async function sweepAbandonedAttempts(
  db: Queryable,
  now: Date,
  legacyGraceMs: number,
  selfProcessId: string,
  judgeLeases: boolean,
): Promise<AbandonedAttempt[]> {
  const result = await db.query<{
    id: string
    job_id: string
    boss_job_id: string
    attempt: number
    action_kind: string
    final: boolean
    source: string
  }>(
    `with lapsed as (
       select id from engine_processes where $5::boolean and expires_at < now() and id <> $4 for update
     )
     update job_executions x set status = 'failed', finished_at = $1, error_class = 'abandoned',
       error_message = $3,
       duration_ms = greatest(0, (extract(epoch from ($1::timestamptz - x.started_at)) * 1000)::int)
     from scheduled_jobs j
     where j.id = x.job_id and x.status = 'running' and x.process_id is distinct from $4
       and x.reports_execution_id is null
       and (x.process_id in (select id from lapsed)
         or ($5::boolean and x.process_id is not null
           and not exists (select 1 from engine_processes p where p.id = x.process_id))
         or (x.process_id is null and x.started_at <
           $1::timestamptz - make_interval(secs => j.timeout_seconds + $2::double precision / 1000)))
     returning x.id, x.job_id, x.boss_job_id, x.attempt, j.action_kind,
       x.attempt >= j.max_attempts as final, j.source`,
    [now, legacyGraceMs, ABANDONED_MESSAGE, selfProcessId, judgeLeases],
  )
  return result.rows.map((r) => ({
    id: r.id,
    jobId: r.job_id,
    bossJobId: r.boss_job_id,
    attempt: r.attempt,
    actionKind: r.action_kind,
    final: r.final,
    source: r.source,
  }))
}
