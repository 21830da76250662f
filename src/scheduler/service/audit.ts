/** Writes a job's audit entry inside the transaction of the change it describes. */
import type { Queryable } from '../../db/pool.ts'
import {
  insertJobChange,
  type JobChangeKind,
  type NewJobChange,
} from '../repository/job-changes.ts'
import type { JobRecord } from '../repository/jobs.ts'
import type { Actor } from './context.ts'

/** The audit entry's own fields: who, through which face, what (the job and time come with the change). */
export function changeEntry(
  actor: Actor,
  change: JobChangeKind,
  detail: Record<string, unknown>,
): Omit<NewJobChange, 'jobId' | 'changedAt'> {
  return { actor: actor.name, via: actor.via ?? 'api', change, detail }
}

export async function recordChange(
  tx: Queryable,
  job: Pick<JobRecord, 'id'>,
  actor: Actor,
  change: JobChangeKind,
  detail: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await insertJobChange(tx, {
    jobId: job.id,
    changedAt: now,
    ...changeEntry(actor, change, detail),
  })
}

/** A state change happened (not a no-op such as pausing a paused job). */
export function changed(before: JobRecord, after: JobRecord): boolean {
  return before.generation !== after.generation || before.status !== after.status
}
