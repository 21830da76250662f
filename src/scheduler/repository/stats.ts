/** Aggregate reads over scheduled_jobs and job_executions for the dashboard's overview. */
import type { Queryable } from '../../db/pool.ts'
import { JOB_STATUSES, type JobStatus } from '../states.ts'

/** How many jobs are in each status; every status is present (0 when none). */
export async function countJobsByStatus(db: Queryable): Promise<Record<JobStatus, number>> {
  const result = await db.query<{ status: JobStatus; n: number }>(
    'select status, count(*)::int as n from scheduled_jobs group by status',
  )
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>
  for (const row of result.rows) counts[row.status] = row.n
  return counts
}

export interface HourCount {
  /** Start of the hour (UTC). */
  hour: Date
  attempts: number
  failures: number
}

/**
 * Attempts of runs (callbacks are not counted) started and attempts failed in each of the `hours` whole hours up to and including the
 * hour of `now`, oldest first; hours without attempts are present with zeros.
 */
export async function countAttemptsPerHour(
  db: Queryable,
  now: Date,
  hours: number,
): Promise<HourCount[]> {
  const result = await db.query<{ hour: Date; attempts: number; failures: number }>(
    `with bounds as (
       select date_trunc('hour', $1::timestamptz) - make_interval(hours => $2::int - 1) as first_hour
     ), per_hour as (
       select date_trunc('hour', started_at) as hour, count(*)::int as attempts,
              count(*) filter (where status = 'failed')::int as failures
       from job_executions
       -- The bound written out, not read from the bounds CTE: its column is unknown when planning, so
       -- the BRIN index on started_at went unused and 10 M rows were scanned (2.5 s).
       where started_at >= date_trunc('hour', $1::timestamptz) - make_interval(hours => $2::int - 1)
         and started_at <= $1::timestamptz
         and reports_execution_id is null
       group by 1
     )
     select h.hour, coalesce(p.attempts, 0) as attempts, coalesce(p.failures, 0) as failures
     from bounds, generate_series(bounds.first_hour, date_trunc('hour', $1::timestamptz), interval '1 hour') as h(hour)
     left join per_hour p on p.hour = h.hour
     order by h.hour`,
    [now, hours],
  )
  return result.rows
}

/** Upper bounds (ms, exclusive) of the lateness buckets; the last bucket is open-ended. */
export const LATENESS_BUCKETS_MS = [10, 50, 100, 500, 1_000, 5_000, 60_000] as const

/**
 * How late first attempts of scheduled occurrences started since `since`, counted per bucket of
 * LATENESS_BUCKETS_MS plus one open-ended bucket (retries and manual runs are not lateness).
 */
export async function countLateness(db: Queryable, since: Date): Promise<number[]> {
  const result = await db.query<{ bucket: number; n: number }>(
    `select width_bucket(lateness_ms, $2::int[]) as bucket, count(*)::int as n
     from job_executions
     where started_at >= $1 and attempt = 1 and not manual and reports_execution_id is null
     group by 1`,
    [since, [...LATENESS_BUCKETS_MS]],
  )
  const counts = new Array<number>(LATENESS_BUCKETS_MS.length + 1).fill(0)
  for (const row of result.rows) counts[row.bucket] = (counts[row.bucket] ?? 0) + row.n
  return counts
}
