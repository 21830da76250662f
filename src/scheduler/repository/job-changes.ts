/** All SQL for job_changes: the audit trail of who changed a job, through which face, and what. */
import type { Queryable } from '../../db/pool.ts'

/** The faces a change can come through; the SQL CHECK constraint lists the same values. */
export const CHANGE_CHANNELS = ['api', 'mcp', 'ui', 'clickup'] as const
export type ChangeChannel = (typeof CHANGE_CHANNELS)[number]

export const JOB_CHANGES = [
  'create',
  'update',
  'pause',
  'resume',
  'cancel',
  'run_now',
  'replay',
] as const
export type JobChangeKind = (typeof JOB_CHANGES)[number]

export interface JobChangeRecord {
  id: string
  jobId: string
  changedAt: Date
  actor: string
  via: ChangeChannel
  change: JobChangeKind
  /** Field names, old and new status, the new timing in words: never a secret value. */
  detail: Record<string, unknown>
}

export type NewJobChange = Omit<JobChangeRecord, 'id'>

/** Appends one entry; call it in the transaction of the change so both commit or neither does. */
export async function insertJobChange(db: Queryable, change: NewJobChange): Promise<void> {
  await db.query({
    name: 'insert-job-change',
    text: `insert into job_changes (job_id, changed_at, actor, via, change, detail)
     values ($1, $2, $3, $4, $5, $6::jsonb)`,
    values: [
      change.jobId,
      change.changedAt,
      change.actor,
      change.via,
      change.change,
      JSON.stringify(change.detail),
    ],
  })
}

/** The job's newest `limit` changes, newest first; empty when it has none. */
export async function listJobChanges(
  db: Queryable,
  jobId: string,
  limit: number,
): Promise<JobChangeRecord[]> {
  const result = await db.query(
    `select id::text, job_id, changed_at, actor, via, change, detail from job_changes
     where job_id = $1 order by changed_at desc, id desc limit $2`,
    [jobId, limit],
  )
  return result.rows.map((row) => ({
    id: row.id,
    jobId: row.job_id,
    changedAt: row.changed_at,
    actor: row.actor,
    via: row.via,
    change: row.change,
    detail: row.detail,
  }))
}
