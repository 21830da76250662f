/**
 * Claiming a batch of due occurrences, in the same transaction as pg-boss's fetch: read the jobs,
 * drop stale or unwanted occurrences, open an execution row per attempt and advance the jobs (only
 * if their generation is still the one read) and, for the pending occurrence of a recurring job,
 * plan the next one.
 *
 * Invariants:
 *  C1. All or nothing: everything here joins the fetch's transaction, so a crash or a rollback before
 *      commit leaves every fetched occurrence unclaimed for pg-boss to hand out again.
 *  C2. One execution row per attempt: its id derives from (pg-boss id, attempt) and a repeated
 *      insert is skipped (executionIdFor, writeClaims).
 *  C3. A job is advanced only at the generation the claim read; if any changed in between, the
 *      whole claim rolls back (ClaimConflictError) and the dispatcher claims again.
 *  C4. Only a job's pending occurrence, on its first attempt, plans the next one: the chain of a
 *      recurring job never breaks or forks.
 *  C5. An occurrence whose attempt already succeeded is never run again.
 *  C6. Job rows are locked in id order (writeClaims), so two claims sharing jobs (a retry in one,
 *      the pending occurrence in the other) never lock them crosswise.
 */
import type { Job, PgBoss } from 'pg-boss'
import { bossDb } from '../../db/boss-db.ts'
import type { Queryable } from '../../db/pool.ts'
import {
  abandonRunningAttempts,
  type ClaimUpdate,
  type EngineJob,
  findJobsForClaim,
  findSucceededOccurrences,
  writeClaims,
} from '../repository/claims.ts'
import { JOB_STATUS } from '../states.ts'
import { nextOccurrence } from '../timing/index.ts'
import { executionIdFor, type OccurrenceData } from './boss.ts'
import {
  type DeliverySettings,
  enqueueOccurrences,
  type PlannedOccurrence,
  planScheduled,
} from './occurrences.ts'

export interface ClaimedAttempt {
  bossJob: Job<OccurrenceData>
  queue: string
  job: EngineJob
  executionId: string
  attempt: number
  dueAt: Date
  manual: boolean
  latenessMs: number
}

/**
 * A job changed (update, pause, resume, cancel) between the claim's read and its write. Nothing of the
 * claim may commit: the caller rolls back and claims again, and the new read sees the change.
 */
export class ClaimConflictError extends Error {
  readonly jobIds: readonly string[]
  constructor(jobIds: readonly string[]) {
    super(`${jobIds.length} job(s) changed while their occurrences were being claimed`)
    this.name = 'ClaimConflictError'
    this.jobIds = jobIds
  }
}

/** An occurrence the claim completed without running it, and why. */
export interface SkippedOccurrence {
  bossJobId: string
  jobId: string
  reason: string
}

export interface ClaimResult {
  claimed: ClaimedAttempt[]
  /** Occurrences completed without running (stale generation, cancelled or paused job, already done). */
  skipped: SkippedOccurrence[]
}

/** Why an occurrence does not run; null when it should. */
function skipReason(
  job: EngineJob | undefined,
  data: OccurrenceData,
  alreadySucceeded: boolean,
): string | null {
  if (!job) return 'job deleted'
  if (alreadySucceeded) return 'occurrence already succeeded'
  if (job.status === JOB_STATUS.cancelled) return 'job cancelled'
  if (data.manual || data.replay_of !== undefined) return null
  if (data.generation !== job.generation) return 'replaced by a newer schedule'
  if (job.status !== JOB_STATUS.scheduled) return `job ${job.status}`
  return null
}

export async function claimOccurrences(
  boss: PgBoss,
  tx: Queryable,
  queue: string,
  fetched: readonly Job<OccurrenceData>[],
  now: Date,
  settings: DeliverySettings,
  /** The claiming process: its lease vouches for the attempts it opens (lease.ts). */
  processId: string,
): Promise<ClaimResult> {
  if (fetched.length === 0) return { claimed: [], skipped: [] }
  const jobs = new Map(
    (await findJobsForClaim(tx, [...new Set(fetched.map((f) => f.data.job_id))])).map((j) => [
      j.id,
      j,
    ]),
  )
  // C5: only a redelivered occurrence (pg-boss retry or expiry) can have run before; first
  // deliveries, the usual case, skip the lookup.
  const redelivered = fetched.filter((f) => f.retryCount > 0).map((f) => f.id)
  const succeeded = await findSucceededOccurrences(tx, redelivered)

  const claimed: ClaimedAttempt[] = []
  const skipped: SkippedOccurrence[] = []
  const retriedIds: string[] = []
  const next: PlannedOccurrence[] = []
  const updates = new Map<string, ClaimUpdate>()

  for (const bossJob of fetched) {
    const data = bossJob.data
    const job = jobs.get(data.job_id)
    const reason = skipReason(job, data, succeeded.has(bossJob.id))
    if (reason !== null || !job) {
      skipped.push({ bossJobId: bossJob.id, jobId: data.job_id, reason: reason ?? 'job deleted' })
      continue
    }
    const dueAt = new Date(data.due_at)
    // A replay continues its run's numbering (retryExecution: one more than the last attempt).
    const attempt = bossJob.retryCount + 1 + (data.previous_attempts ?? 0)
    const executionId = executionIdFor(bossJob.id, attempt) // C2
    if (attempt > 1) retriedIds.push(bossJob.id)
    const update = updates.get(job.id) ?? {
      id: job.id,
      generation: job.generation,
      runIncrement: 0,
      nextRunAt: undefined,
      plannedIncrement: 0,
      lastExecutionId: executionId,
    }
    update.lastExecutionId = executionId
    if (attempt === 1 && !data.deferred) update.runIncrement += 1
    // C4: only the pending occurrence chains the next one, and only on its first attempt.
    const isPending =
      !data.manual &&
      !data.deferred &&
      attempt === 1 &&
      job.nextRunAt?.getTime() === dueAt.getTime()
    if (isPending) {
      // Runs missed while no worker was up (outage, restart) are coalesced into this late one: the
      // next occurrence is the first one after now, not a burst of every missed one.
      const after = now > dueAt ? now : dueAt
      const following = nextOccurrence(
        job.schedule,
        after,
        job.occurrencesPlanned + update.plannedIncrement,
      )
      update.nextRunAt = following
      job.nextRunAt = following
      if (following) {
        update.plannedIncrement += 1
        next.push(planScheduled(job, following))
      } else {
        // The last occurrence: only it settles the job, even if an earlier one finishes after it.
        update.finalOccurrenceAt = data.due_at
      }
    }
    updates.set(job.id, update)
    claimed.push({
      bossJob,
      queue,
      job,
      executionId,
      attempt,
      dueAt,
      manual: data.manual,
      latenessMs: Math.max(0, now.getTime() - dueAt.getTime()),
    })
  }

  await abandonRunningAttempts(tx, retriedIds, now)
  const changed = await writeClaims(
    tx,
    claimed.map((c) => ({
      id: c.executionId,
      jobId: c.job.id,
      bossJobId: c.bossJob.id,
      occurrenceAt: c.bossJob.data.due_at,
      manual: c.manual,
      attempt: c.attempt,
      latenessMs: c.latenessMs,
    })),
    [...updates.values()],
    now,
    processId,
  )
  if (changed.length > 0) throw new ClaimConflictError(changed) // C3
  if (next.length > 0) await enqueueOccurrences(boss, tx, next, settings)
  if (skipped.length > 0) {
    const ids = skipped.map((s) => s.bossJobId)
    await boss.complete(queue, ids, { skipped: true }, { db: bossDb(tx) })
  }
  return { claimed, skipped }
}
