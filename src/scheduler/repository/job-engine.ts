/**
 * The statements the engine runs on the scheduler tables: what a claim writes, what recording a batch
 * of outcomes writes, and settling jobs whose process died. Definition CRUD lives in
 * jobs.ts and execution reads in executions.ts. Every write is one set-based statement for a whole
 * batch, prepared once per connection (`name`): claims and recordings run hundreds of times a second.
 */

import { boolArray, intArray, timestampList, uuidList } from '../../db/batch-columns.ts'
import type { Queryable } from '../../db/pool.ts'
import type { JobStatus } from '../states.ts'
import type { ExecutionOutcome, NewExecution } from './executions.ts'

/** An attempt a claim opens; it starts at the claim's `now`. */
export type ClaimedExecution = Omit<NewExecution, 'startedAt' | 'occurrenceAt'> & {
  /** The occurrence's due time as planned (ISO text). */
  occurrenceAt: string
}

export interface ClaimUpdate {
  id: string
  /** The generation the claim read: the job is advanced only if it still has it. */
  generation: number
  /** Added to run_count (1 for a first attempt, 0 for a retry). */
  runIncrement: number
  /** New next_run_at, or undefined to leave it. */
  nextRunAt: Date | null | undefined
  /** Added to occurrences_planned (1 when the claim planned the next occurrence). */
  plannedIncrement: number
  lastExecutionId: string
  /**
   * Set when the claimed pending occurrence has no successor: the job's last one, which settles it.
   * Its due time as planned (ISO text).
   */
  finalOccurrenceAt?: string
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * Advances the claimed jobs and opens their attempts (`running` execution rows; a repeated attempt,
 * whose id is derived from it, is skipped), in one statement. The claim read the jobs without locking
 * them, so a job whose generation changed since (updated, paused, resumed or cancelled in between) is left
 * alone and gets no execution rows; its id is returned and the caller must roll the claim back. Every
 * other engine write to a job is relative (run_count, occurrences_planned) or belongs to the one
 * claimer holding the job's pending occurrence (next_run_at), so claims of other occurrences of the
 * same job cannot undo each other. Settling a job (record, sweeper) changes only its status, and only
 * once nothing is pending, so it needs no generation bump: a claim racing it is a retry, re-run or
 * manual run, which may run on a settled job anyway. Job rows are locked in id order, so two claims
 * sharing jobs (a retry in one, the pending occurrence in the other) never lock them crosswise.
 * Columns travel as hand-built lists and array literals (db/batch-columns.ts), every execution starting
 * at `now`.
 */
export async function writeClaims(
  db: Queryable,
  executions: readonly ClaimedExecution[],
  updates: readonly ClaimUpdate[],
  now: Date,
): Promise<string[]> {
  if (executions.length === 0 && updates.length === 0) return []
  // The statement visits (and locks) the jobs in this order.
  const jobs = [...updates].sort(byId)
  const result = await db.query<{ id: string }>({
    name: 'engine-write-claims',
    text: `with u as (
       select * from unnest(string_to_array($8, ',')::uuid[], $9::int[], $10::int[], $11::boolean[],
         string_to_array($12, ',', 'NULL')::timestamptz[], $13::int[], string_to_array($14, ',')::uuid[],
         string_to_array($15, ',', 'NULL')::timestamptz[])
         as u(id, generation, run_increment, set_next, next_run_at, planned_increment, last_execution_id,
           final_occurrence_at)
     ), advanced as (
       update scheduled_jobs j set
         run_count = j.run_count + u.run_increment,
         next_run_at = case when u.set_next then u.next_run_at else j.next_run_at end,
         occurrences_planned = j.occurrences_planned + u.planned_increment,
         last_execution_id = u.last_execution_id,
         final_occurrence_at = coalesce(u.final_occurrence_at, j.final_occurrence_at),
         updated_at = $16
       from u
       where j.id = u.id and j.generation = u.generation
       returning j.id
     ), opened as (
       insert into job_executions (id, job_id, boss_job_id, occurrence_at, manual, attempt, status, started_at, lateness_ms)
       select id, job_id, boss_job_id, occurrence_at, manual, attempt, 'running', $16, lateness_ms
       from unnest(string_to_array($1, ',')::uuid[], string_to_array($2, ',')::uuid[],
         string_to_array($3, ',')::uuid[], string_to_array($4, ',')::timestamptz[], $5::boolean[],
         $6::int[], $7::int[])
         as r(id, job_id, boss_job_id, occurrence_at, manual, attempt, lateness_ms)
       where r.job_id in (select id from advanced)
       on conflict (id) do nothing
     )
     select u.id from u where u.id not in (select id from advanced)`,
    values: [
      uuidList(executions.map((r) => r.id)),
      uuidList(executions.map((r) => r.jobId)),
      uuidList(executions.map((r) => r.bossJobId)),
      timestampList(executions.map((r) => r.occurrenceAt)),
      boolArray(executions.map((r) => r.manual)),
      intArray(executions.map((r) => r.attempt)),
      intArray(executions.map((r) => r.latenessMs)),
      uuidList(jobs.map((u) => u.id)),
      intArray(jobs.map((u) => u.generation)),
      intArray(jobs.map((u) => u.runIncrement)),
      boolArray(jobs.map((u) => u.nextRunAt !== undefined)),
      timestampList(jobs.map((u) => u.nextRunAt)),
      intArray(jobs.map((u) => u.plannedIncrement)),
      uuidList(jobs.map((u) => u.lastExecutionId)),
      timestampList(jobs.map((u) => u.finalOccurrenceAt)),
      now,
    ],
  })
  return result.rows.map((r) => r.id)
}

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
 * generation change. One statement for a whole batch (see engine/record-batch.ts); rows travel as
 * JSON (their text fields need escaping; JSON.stringify does it fastest) under one-letter keys:
 * Postgres's JSON parsing costs by the byte, and the column names were ~110 of the ~300 bytes of a
 * typical row (i id, s status, f finished_ms, d duration_ms, q request_summary, r response_status,
 * h response_headers, b response_body, t response_truncated, o output, c error_class,
 * m error_message).
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
       update job_executions x set status = u.s, finished_at = to_timestamp(u.f::float8 / 1000),
         duration_ms = u.d, request_summary = u.q, response_status = u.r, response_headers = u.h,
         response_body = u.b, response_truncated = u.t, output = u.o, error_class = u.c,
         error_message = u.m
       from json_to_recordset($1::json) as u(i uuid, s text, f bigint, d int, q json, r int, h json,
         b text, t boolean, o json, c text, m text)
       where x.id = u.i and x.status = 'running'
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
          i: id,
          s: outcome.status,
          // Epoch ms: a Date would be written through toISOString, ~1 µs per row.
          f: outcome.finishedAt.getTime(),
          d: Math.round(outcome.durationMs),
          q: outcome.requestSummary,
          r: outcome.responseStatus,
          h: outcome.responseHeaders,
          b: outcome.responseBody,
          t: outcome.responseTruncated,
          o: outcome.output,
          c: outcome.errorClass,
          m: outcome.errorMessage,
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
