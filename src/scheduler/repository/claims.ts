/**
 * What a claim reads and writes on the scheduler tables, inside the transaction of pg-boss's fetch:
 * the jobs of the fetched occurrences, the occurrences that already succeeded, the attempts a
 * redelivery closes, and in one statement the advanced jobs and the opened attempts. The hot
 * statements are prepared once per connection (`name`): claims run many times a second.
 */
import type { Queryable } from '../../db/pool.ts'
import { ABANDONED_MESSAGE } from '../states.ts'
import type { NewExecution } from './executions.ts'
import type { JobRecord } from './jobs.ts'

// biome-ignore lint/suspicious/noExplicitAny: a raw pg row, mapped field by field below
type Row = Record<string, any>

/**
 * What the engine needs to claim and run an occurrence. The descriptive fields (name, tags, dates …)
 * are left out: this is read for every claimed occurrence, and parsing them cost more than the rest.
 */
export type EngineJob = Pick<
  JobRecord,
  | 'id'
  | 'status'
  | 'actionKind'
  | 'actionParams'
  | 'actionSecrets'
  | 'schedule'
  | 'generation'
  | 'nextRunAt'
  | 'occurrencesPlanned'
  | 'maxAttempts'
  | 'timeoutSeconds'
  | 'source'
  | 'sourceRef'
>

/**
 * Returns the given jobs as they are now (missing ids are simply absent), without locking them: the
 * claim's write (writeClaims) applies only to jobs still at the generation read here.
 */
export async function findJobsForClaim(
  db: Queryable,
  ids: readonly string[],
): Promise<EngineJob[]> {
  const result = await db.query({
    name: 'engine-read-jobs',
    text: `select id, status, action_kind, action_params, action_secrets, schedule, generation, next_run_at,
       occurrences_planned, max_attempts, timeout_seconds, source, source_ref
     from scheduled_jobs where id = any($1::uuid[])`,
    values: [ids],
  })
  return result.rows.map(
    (row: Row): EngineJob => ({
      id: row.id,
      status: row.status,
      actionKind: row.action_kind,
      actionParams: row.action_params,
      actionSecrets: row.action_secrets,
      schedule: row.schedule,
      generation: row.generation,
      nextRunAt: row.next_run_at,
      occurrencesPlanned: row.occurrences_planned,
      maxAttempts: row.max_attempts,
      timeoutSeconds: row.timeout_seconds,
      source: row.source,
      sourceRef: row.source_ref,
    }),
  )
}

/**
 * Every attempt of the occurrences whose pg-boss ids are $1: the first by primary key (its id is the
 * pg-boss id), the others, and rows from before migration 009, by the partial boss_job_id index.
 */
const ATTEMPTS_OF_OCCURRENCES = `(id = any($1::uuid[]) or (boss_job_id = any($1::uuid[]) and id <> boss_job_id))`

/**
 * Marks attempts of these occurrences still `running` as abandoned: their process stopped (crash,
 * kill) and pg-boss expired the claim. Returns how many rows it closed.
 */
export async function abandonRunningAttempts(
  db: Queryable,
  bossJobIds: readonly string[],
  now: Date,
): Promise<number> {
  if (bossJobIds.length === 0) return 0
  const result = await db.query(
    `update job_executions set status = 'failed', finished_at = $2, error_class = 'abandoned', error_message = $3,
       duration_ms = greatest(0, (extract(epoch from ($2::timestamptz - started_at)) * 1000)::int)
     where ${ATTEMPTS_OF_OCCURRENCES} and status = 'running'`,
    [bossJobIds, now, ABANDONED_MESSAGE],
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
 * Every execution starts at `now`, run by the process `processId`, whose lease vouches for it
 * (engine/lease.ts).
 */
export async function writeClaims(
  db: Queryable,
  executions: readonly ClaimedExecution[],
  updates: readonly ClaimUpdate[],
  now: Date,
  processId: string,
): Promise<string[]> {
  if (executions.length === 0 && updates.length === 0) return []
  // C6 (engine/claim.ts): the statement visits, and locks, the jobs in this order.
  const jobs = [...updates].sort(byId)
  const result = await db.query<{ id: string }>({
    name: 'engine-write-claims',
    text: `with u as (
       select * from unnest($8::uuid[], $9::int[], $10::int[], $11::boolean[], $12::timestamptz[],
         $13::int[], $14::uuid[], $15::timestamptz[])
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
       insert into job_executions (id, job_id, boss_job_id, occurrence_at, manual, attempt, status, started_at,
         lateness_ms, process_id)
       select id, job_id, boss_job_id, occurrence_at, manual, attempt, 'running', $16, lateness_ms, $17
       from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::boolean[], $6::int[],
         $7::int[])
         as r(id, job_id, boss_job_id, occurrence_at, manual, attempt, lateness_ms)
       where r.job_id in (select id from advanced)
       on conflict (id) do nothing
     )
     select u.id from u where u.id not in (select id from advanced)`,
    values: [
      executions.map((r) => r.id),
      executions.map((r) => r.jobId),
      executions.map((r) => r.bossJobId),
      executions.map((r) => r.occurrenceAt),
      executions.map((r) => r.manual),
      executions.map((r) => r.attempt),
      executions.map((r) => r.latenessMs),
      jobs.map((u) => u.id),
      jobs.map((u) => u.generation),
      jobs.map((u) => u.runIncrement),
      jobs.map((u) => u.nextRunAt !== undefined),
      jobs.map((u) => u.nextRunAt ?? null),
      jobs.map((u) => u.plannedIncrement),
      jobs.map((u) => u.lastExecutionId),
      jobs.map((u) => u.finalOccurrenceAt ?? null),
      now,
      processId,
    ],
  })
  return result.rows.map((r) => r.id)
}
