/**
 * Puts occurrences into pg-boss (inside the caller's transaction) and withdraws a pending one.
 *
 * Invariants:
 *  O1. An occurrence is enqueued in the transaction that makes it due (a create, an update, the
 *      claim of its predecessor): a rollback leaves neither.
 *  O2. A scheduled occurrence's id derives from (job, generation, due time), so two replicas planning
 *      the same one insert one row; manual runs get random ids and never chain.
 */
import type { PgBoss } from 'pg-boss'
import { bossDb, preparedBossDb } from '../../db/boss-db.ts'
import type { Queryable } from '../../db/pool.ts'
import type { JobRecord } from '../repository/jobs.ts'
import {
  FINISHED_JOB_RETENTION_SECONDS,
  type OccurrenceData,
  occurrenceId,
  queueName,
} from './boss.ts'

/**
 * pg-boss's expiry of an active occurrence: its maximum (24 h). An attempt's process going away is
 * detected by its lease (lease.ts, sweeper.ts); pg-boss cannot tell a dead process from one waiting
 * out a database outage to record its outcome, so its expiry is only a backstop.
 */
export const EXPIRY_BACKSTOP_SECONDS = 24 * 3600

export interface DeliverySettings {
  /** First retry delay in seconds; pg-boss doubles it per retry (with jitter). */
  retryDelaySeconds: number
  retryDelayMaxSeconds: number
  /** How long a due occurrence may wait unstarted (server down) before pg-boss drops it. */
  retentionSeconds: number
}

/**
 * The shortest delay pg-boss can give the retry after attempt `attempt` (1-based) fails: with
 * backoff it waits retryDelay × 2^(attempt−1) times a random factor in [1, 2), capped at
 * retryDelayMax (pg-boss 12's fail plan).
 */
export function earliestRetryDelayMs(attempt: number, settings: DeliverySettings): number {
  const base = Math.max(settings.retryDelaySeconds, 1) * 2 ** Math.min(16, attempt - 1)
  return Math.min(settings.retryDelayMaxSeconds, base) * 1000
}

export type OccurrenceJob = Pick<
  JobRecord,
  'id' | 'actionKind' | 'generation' | 'maxAttempts' | 'timeoutSeconds'
>

export interface PlannedOccurrence {
  job: OccurrenceJob
  dueAt: Date
  manual: boolean
  /** Manual runs get a random id; scheduled ones a deterministic one. */
  id: string
  /** A deferred re-run starts at this time instead of its due time. */
  startAfter?: Date
  deferred?: boolean
  /** A replay of this failed execution after `previousAttempts` attempts: one attempt, no retry. */
  replay?: { of: string; previousAttempts: number }
}

export function planScheduled(job: OccurrenceJob, dueAt: Date): PlannedOccurrence {
  return { job, dueAt, manual: false, id: occurrenceId(job.id, job.generation, dueAt) }
}

/**
 * Inserts the occurrences through `db` (join the caller's transaction: a rollback leaves no job).
 * A scheduled occurrence that already exists is skipped, so two replicas planning it insert one.
 */
export async function enqueueOccurrences(
  boss: PgBoss,
  db: Queryable,
  occurrences: readonly PlannedOccurrence[],
  settings: DeliverySettings,
): Promise<void> {
  const byQueue = new Map<string, PlannedOccurrence[]>()
  for (const occurrence of occurrences) {
    const name = queueName(occurrence.job.actionKind)
    byQueue.set(name, [...(byQueue.get(name) ?? []), occurrence])
  }
  for (const [name, items] of byQueue) {
    await boss.insert(
      name,
      items.map((o) => {
        const data: OccurrenceData = {
          job_id: o.job.id,
          due_at: o.dueAt.toISOString(),
          generation: o.job.generation,
          manual: o.manual,
          ...(o.deferred ? { deferred: true } : {}),
          ...(o.replay
            ? { replay_of: o.replay.of, previous_attempts: o.replay.previousAttempts }
            : {}),
        }
        return {
          id: o.id,
          data,
          startAfter: o.startAfter ?? o.dueAt,
          retryLimit: o.replay ? 0 : o.job.maxAttempts - 1,
          retryDelay: settings.retryDelaySeconds,
          retryBackoff: true,
          retryDelayMax: settings.retryDelayMaxSeconds,
          expireInSeconds: EXPIRY_BACKSTOP_SECONDS,
          retentionSeconds: settings.retentionSeconds,
          deleteAfterSeconds: FINISHED_JOB_RETENTION_SECONDS,
        }
      }),
      // The insert's text depends only on the queue: prepared once per connection.
      { db: preparedBossDb(db) },
    )
  }
}

/** Cancels the job's pending scheduled occurrence, if any. Call before changing generation. */
export async function withdrawPendingOccurrence(
  boss: PgBoss,
  db: Queryable,
  job: Pick<JobRecord, 'id' | 'actionKind' | 'generation' | 'nextRunAt'>,
): Promise<void> {
  if (!job.nextRunAt) return
  await boss.cancel(
    queueName(job.actionKind),
    occurrenceId(job.id, job.generation, job.nextRunAt),
    {
      db: bossDb(db),
    },
  )
}
