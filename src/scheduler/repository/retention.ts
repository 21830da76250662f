/**
 * The SQL of the retention pass (engine/retention.ts): walking the jobs, and deleting old executions
 * and finished jobs in bounded batches. Every statement reads through an index and touches at most
 * `limit` jobs or rows; none scans job_executions or scheduled_jobs (checked by
 * tests/scheduler/repository/query-plans.test.ts and docs/performance.md → "Retention pass").
 *
 * What is never deleted (the invariants the pass keeps):
 *  K1. A `running` execution: its attempt (or callback delivery) is still under way, and the engine,
 *      the sweeper and the callback sweeper close it later.
 *  K2. The execution a job's summary points to (scheduled_jobs.last_execution_id).
 *  K3. A run execution that a callback attempt's row reports (job_executions.reports_execution_id):
 *      it goes only once no callback row names it any more (the callback rows, newer, age out first
 *      or in the same pass).
 *  K4. Each job's newest `keep` executions (by started_at, id: the order listExecutions shows).
 *  K5. A job that is not finished (scheduled, paused), or finished at or after the cutoff, or with an
 *      execution started, or a change (job_changes: a replay, a run-now, an edit) made, at or after
 *      the cutoff, or that is the current job of a ClickUp (rule, task) link: re-arming that link
 *      reads it.
 *  K6. A job and its executions and changes go together in one transaction, under the job's row
 *      lock and a re-check made after taking it (a replay or run-now locks the job row too, so it
 *      either committed before, and is seen, or finds no job).
 */
import type { Queryable } from '../../db/pool.ts'
import { JOB_STATUS } from '../states.ts'

/** Position in the walk over scheduled_jobs_created_idx: the last (created_at, id) read. */
export interface JobCursor {
  createdAt: Date
  id: string
}

const FINISHED = [JOB_STATUS.completed, JOB_STATUS.cancelled, JOB_STATUS.failed]

/**
 * K5 for the job aliased `j`, with `$2` the cutoff (timestamptz) and `$3` the finished statuses.
 * Each test is one probe of an index on the job's id: job_executions_job_idx (started_at at or after
 * the cutoff), job_executions_running_idx (running rows started before it: almost none exist),
 * job_changes_job_idx and clickup_rule_tasks_job_idx.
 */
const PRUNABLE_JOB = `j.status = any($3::text[]) and j.updated_at < $2
  and not exists (select 1 from job_executions x where x.job_id = j.id and x.started_at >= $2)
  and not exists (select 1 from job_executions x where x.status = 'running' and x.started_at < $2
    and x.job_id = j.id)
  and not exists (select 1 from job_changes c where c.job_id = j.id and c.changed_at >= $2)
  and not exists (select 1 from clickup_rule_tasks l where l.job_id = j.id)`

/**
 * The next `limit` jobs created before `createdBefore`, oldest first, after `after`: a keyset walk
 * over scheduled_jobs_created_idx (no job created after a cutoff can have anything older than it).
 * `next` is null once the walk is done.
 */
export async function walkJobsCreatedBefore(
  db: Queryable,
  createdBefore: Date,
  after: JobCursor | null,
  limit: number,
): Promise<{ ids: string[]; next: JobCursor | null }> {
  // Two texts rather than an OR on the cursor, so the planner keeps the row comparison as an index
  // bound.
  const result = await db.query<{ id: string; created_at: Date }>(
    after
      ? `select id, created_at from scheduled_jobs
         where created_at < $1 and (created_at, id) > ($3::timestamptz, $4::uuid)
         order by created_at, id limit $2`
      : `select id, created_at from scheduled_jobs where created_at < $1
         order by created_at, id limit $2`,
    after ? [createdBefore, limit, after.createdAt, after.id] : [createdBefore, limit],
  )
  const last = result.rows.at(-1)
  return {
    ids: result.rows.map((r) => r.id),
    next: last && result.rows.length === limit ? { createdAt: last.created_at, id: last.id } : null,
  }
}

/** Those of `ids` that look prunable now (K5), read without locks; deleteJobsBatch checks again. */
export async function filterPrunableJobs(
  db: Queryable,
  ids: readonly string[],
  cutoff: Date,
): Promise<string[]> {
  if (ids.length === 0) return []
  const result = await db.query<{ id: string }>(
    `select j.id from scheduled_jobs j where j.id = any($1::uuid[]) and ${PRUNABLE_JOB}`,
    [ids, cutoff, FINISHED],
  )
  return result.rows.map((r) => r.id)
}

export interface JobsBatchResult {
  executionsDeleted: number
  changesDeleted: number
  jobsDeleted: number
  /** True when the jobs still locked and prunable had more than `limit` executions: call again. */
  more: boolean
}

/**
 * One batch of deleting finished jobs (K6), inside the caller's transaction: locks those of `ids`
 * nobody else holds (a job being replayed or claimed is skipped), re-checks K5 in a new statement
 * (READ COMMITTED: a fresh snapshot, taken after the locks, so a replay that committed before is
 * seen), deletes up to `limit` of their executions and, once none are left, their changes and the
 * jobs themselves. A job with more executions than `limit` takes several calls; each deletes only
 * what is prunable at that moment.
 */
export async function deleteJobsBatch(
  tx: Queryable,
  ids: readonly string[],
  cutoff: Date,
  limit: number,
): Promise<JobsBatchResult> {
  const none = { executionsDeleted: 0, changesDeleted: 0, jobsDeleted: 0, more: false }
  if (ids.length === 0) return none
  const locked = await tx.query<{ id: string }>(
    'select id from scheduled_jobs where id = any($1::uuid[]) order by id for update skip locked',
    [ids],
  )
  const confirmed = await filterPrunableJobs(
    tx,
    locked.rows.map((r) => r.id),
    cutoff,
  )
  if (confirmed.length === 0) return none
  const executions = await tx.query(
    `delete from job_executions where id in (
       select id from job_executions where job_id = any($1::uuid[]) limit $2)`,
    [confirmed, limit],
  )
  const executionsDeleted = executions.rowCount ?? 0
  if (executionsDeleted >= limit) return { ...none, executionsDeleted, more: true }
  const changes = await tx.query('delete from job_changes where job_id = any($1::uuid[])', [
    confirmed,
  ])
  const jobs = await tx.query('delete from scheduled_jobs where id = any($1::uuid[])', [confirmed])
  return {
    executionsDeleted,
    changesDeleted: changes.rowCount ?? 0,
    jobsDeleted: jobs.rowCount ?? 0,
    more: false,
  }
}

export interface ExecutionsBatchResult {
  deleted: number
  /** How many of the deleted rows were callback rows: the runs they reported may now go too (K3). */
  callbacksDeleted: number
}

/**
 * Deletes up to `limit` executions of the jobs `jobIds` that started before `cutoff` and are not
 * among their job's newest `keep` (K4), nor running (K1), nor the job's last execution (K2), nor
 * reported by a callback row (K3). Per job: one probe of job_executions_job_idx for the (keep+1)-th
 * newest row, then a range of the same index below it. One statement, its own transaction.
 */
export async function deleteOldExecutions(
  db: Queryable,
  jobIds: readonly string[],
  cutoff: Date,
  keep: number,
  limit: number,
): Promise<ExecutionsBatchResult> {
  if (jobIds.length === 0) return { deleted: 0, callbacksDeleted: 0 }
  const result = await db.query<{ deleted: number; callbacks: number }>(
    `with doomed as (
       select x.id from scheduled_jobs j
       cross join lateral (
         select e.started_at, e.id from job_executions e where e.job_id = j.id
         order by e.started_at desc, e.id desc offset $3 limit 1
       ) edge
       cross join lateral (
         select x.id from job_executions x
         where x.job_id = j.id and x.started_at < $2
           and (x.started_at, x.id) <= (edge.started_at, edge.id)
           and x.status <> 'running' and x.id is distinct from j.last_execution_id
           and not exists (select 1 from job_executions r where r.reports_execution_id = x.id)
         limit $4
       ) x
       where j.id = any($1::uuid[])
       limit $4
     ), deleted as (
       delete from job_executions d using doomed where d.id = doomed.id
       returning d.reports_execution_id
     )
     select count(*)::int as deleted, count(reports_execution_id)::int as callbacks from deleted`,
    [jobIds, cutoff, keep, limit],
  )
  const row = result.rows[0]
  return { deleted: row?.deleted ?? 0, callbacksDeleted: row?.callbacks ?? 0 }
}

/**
 * True when a pass finished less than `withinMs` ago (by the database's clock, which every replica
 * shares; retention_state, migration 014).
 */
export async function hasRecentPass(db: Queryable, withinMs: number): Promise<boolean> {
  const result = await db.query<{ recent: boolean }>(
    `select last_pass_at > now() - make_interval(secs => $1::double precision / 1000) as recent
     from retention_state`,
    [withinMs],
  )
  return result.rows[0]?.recent === true
}

/** Records a finished pass and what it removed (one row, replaced each time). */
export async function recordPass(db: Queryable, report: Record<string, number>): Promise<void> {
  await db.query(
    `insert into retention_state (id, last_pass_at, last_report) values (true, now(), $1)
     on conflict (id) do update set last_pass_at = excluded.last_pass_at, last_report = excluded.last_report`,
    [JSON.stringify(report)],
  )
}
