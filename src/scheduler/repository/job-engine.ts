/**
 * The scheduled_jobs statements the engine runs (claim, wake-up, settle, metrics), apart from the
 * definition CRUD in jobs.ts. All set-based, so a whole batch costs one statement.
 */
import type { Queryable } from '../../db/pool.ts'
import type { JobStatus } from '../states.ts'

export interface ClaimUpdate {
  id: string
  /** Added to run_count (1 for a first attempt, 0 for a retry). */
  runIncrement: number
  /** New next_run_at, or undefined to leave it. */
  nextRunAt: Date | null | undefined
  occurrencesPlanned: number
  lastExecutionId: string
}

/** One statement for a whole claimed batch (see engine/claim.ts). */
export async function applyClaimUpdates(
  db: Queryable,
  updates: readonly ClaimUpdate[],
  now: Date,
): Promise<void> {
  if (updates.length === 0) return
  await db.query(
    `update scheduled_jobs j set
       run_count = j.run_count + u.run_increment,
       next_run_at = case when u.set_next then u.next_run_at else j.next_run_at end,
       occurrences_planned = u.occurrences_planned,
       last_execution_id = u.last_execution_id,
       updated_at = $5
     from unnest($1::uuid[], $2::int[], $3::bool[], $4::timestamptz[], $6::int[], $7::uuid[])
       as u(id, run_increment, set_next, next_run_at, occurrences_planned, last_execution_id)
     where j.id = u.id`,
    [
      updates.map((u) => u.id),
      updates.map((u) => u.runIncrement),
      updates.map((u) => u.nextRunAt !== undefined),
      updates.map((u) => u.nextRunAt ?? null),
      now,
      updates.map((u) => u.occurrencesPlanned),
      updates.map((u) => u.lastExecutionId),
    ],
  )
}

/** Earliest pending due time after `after`, for the precise wake-up timer; null when none. */
export async function findEarliestNextRun(
  db: Queryable,
  after: Date,
  before: Date,
): Promise<Date | null> {
  const result = await db.query<{ at: Date | null }>(
    `select min(next_run_at) as at from scheduled_jobs
     where status = 'scheduled' and next_run_at > $1 and next_run_at <= $2`,
    [after, before],
  )
  return result.rows[0]?.at ?? null
}

/** Scheduled occurrences already due but not started (a metrics gauge). */
export async function countOverdue(db: Queryable, before: Date): Promise<number> {
  const result = await db.query<{ n: number }>(
    `select count(*)::int as n from scheduled_jobs where status = 'scheduled' and next_run_at < $1`,
    [before],
  )
  return result.rows[0]?.n ?? 0
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

/**
 * Settles jobs whose last scheduled occurrence just finished its final attempt, in one statement.
 * Only jobs still `scheduled`, with nothing pending and the occurrence's generation change.
 */
export async function settleFinishedJobs(
  db: Queryable,
  rows: readonly { id: string; generation: number; status: JobStatus }[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return
  await db.query(
    `update scheduled_jobs j set status = u.status, updated_at = $4
     from unnest($1::uuid[], $2::int[], $3::text[]) as u(id, generation, status)
     where j.id = u.id and j.generation = u.generation and j.status = 'scheduled' and j.next_run_at is null`,
    [rows.map((r) => r.id), rows.map((r) => r.generation), rows.map((r) => r.status), now],
  )
}
