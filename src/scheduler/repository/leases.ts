/**
 * engine_processes: one lease per process that runs attempts (migration 010). A process is alive
 * while its lease has not expired; every time here is the database's, so replicas with skewed clocks
 * agree.
 */
import type { Queryable } from '../../db/pool.ts'

/** Takes or extends the lease of `processId` until `seconds` from now; creates it if it is missing. */
export async function renewLease(db: Queryable, processId: string, seconds: number): Promise<void> {
  await db.query(
    `insert into engine_processes (id, expires_at) values ($1, now() + make_interval(secs => $2))
     on conflict (id) do update set expires_at = excluded.expires_at`,
    [processId, seconds],
  )
}

/** Ends the lease at once: the process stopped with nothing left unrecorded. */
export async function releaseLease(db: Queryable, processId: string): Promise<void> {
  await db.query('delete from engine_processes where id = $1', [processId])
}

/** Forgets leases that lapsed more than a day ago (their attempts were closed long since). */
export async function pruneLapsedLeases(db: Queryable): Promise<void> {
  await db.query(`delete from engine_processes where expires_at < now() - interval '1 day'`)
}

/**
 * Stops vouching for an attempt its process cannot record (the database refuses the record): with no
 * process, the sweeper closes it as abandoned once it outlives its timeout, and pg-boss retries it.
 */
export async function releaseAttempt(db: Queryable, executionId: string): Promise<void> {
  await db.query(
    `update job_executions set process_id = null where id = $1 and status = 'running'`,
    [executionId],
  )
}
