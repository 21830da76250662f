/** pg-boss wiring: one instance per process, one queue per action kind, and deterministic occurrence ids. */
import { createHash } from 'node:crypto'
import { PgBoss } from 'pg-boss'
import type { Logger } from '../../logger.ts'

export const BOSS_SCHEMA = 'pgboss'

/**
 * How long pg-boss keeps one of our jobs (an occurrence, a callback) once it is completed, cancelled
 * or failed: its deleteAfterSeconds, set at every insert (pg-boss's default is 7 days). These rows are
 * not history: job_executions is, kept EXECUTION_RETENTION_DAYS (at least 7) by the retention pass.
 * A pg-boss row is read back only while its job is pending or running (the claim, the sweeper's
 * retry count, retryExecution's "still planned" check) or, finished, where a missing row means the
 * same: retryExecution's replay check looks for the replay's execution row first, and a deterministic
 * id is never inserted again once its job has run (the next occurrence is planned once, by the claim
 * of its predecessor; callbacks once, by the recording of the run). A day keeps them at hand for
 * anyone debugging and pgboss.job a seventh of the size.
 */
export const FINISHED_JOB_RETENTION_SECONDS = 24 * 3600
const QUEUE_PREFIX = 'occurrence'

/** Data carried by every occurrence job. */
export interface OccurrenceData {
  job_id: string
  /** Due time, UTC ISO. */
  due_at: string
  /** The job's generation when this occurrence was planned; a mismatch means it was replaced. */
  generation: number
  /** Added by runJobNow: outside the schedule, never chains a next occurrence. */
  manual: boolean
  /** Re-enqueued by an attempt that deferred itself (ActionResult.deferUntil): not a new run. */
  deferred?: boolean
  /**
   * A replay (retryExecution) of this failed execution: one more attempt of the same occurrence,
   * numbered after the `previous_attempts` it had, run whatever the job's state but cancelled.
   */
  replay_of?: string
  previous_attempts?: number
}

export function queueName(actionKind: string): string {
  return `${QUEUE_PREFIX}-${actionKind}`
}

export interface BossOptions {
  connectionString: string
  logger: Logger
  /** How often pg-boss looks for expired attempts (seconds, >= 1). */
  superviseIntervalSeconds: number
}

export function createBoss({
  connectionString,
  logger,
  superviseIntervalSeconds,
}: BossOptions): PgBoss {
  const boss = new PgBoss({
    connectionString,
    schema: BOSS_SCHEMA,
    max: 4,
    application_name: 'agent-tool-server:pgboss',
    // We plan every occurrence ourselves (seconds, time zones, max runs); pg-boss's minute cron is unused.
    schedule: false,
    supervise: true,
    superviseIntervalSeconds,
    monitorIntervalSeconds: superviseIntervalSeconds,
    migrate: true,
  })
  // Without a listener Node would crash on the first error event (e.g. during a Postgres restart).
  boss.on('error', (err) => logger.warn({ err: { message: err.message } }, 'pg-boss error'))
  boss.on('warning', (warning) => logger.warn({ warning }, 'pg-boss warning'))
  return boss
}

/**
 * The pg-boss id of a scheduled occurrence: a UUID derived from (job, generation, due time), so two
 * replicas planning the same next occurrence insert one row (the second insert is skipped).
 */
export function occurrenceId(jobId: string, generation: number, dueAt: Date): string {
  return uuidFrom(`${jobId}|${generation}|${dueAt.toISOString()}`)
}

/**
 * The execution id of an attempt: the occurrence's pg-boss id for its first attempt (nearly every
 * execution, at no cost), a UUID derived from (pg-boss id, attempt) for a retry. Either way the
 * primary key keeps an attempt from being opened twice (migration 009).
 */
export function executionIdFor(bossJobId: string, attempt: number): string {
  return attempt === 1 ? bossJobId : uuidFrom(`${bossJobId}|attempt|${attempt}`)
}

/** The pg-boss id of the replay of a failed execution: replaying it twice inserts one. */
export function replayOccurrenceId(executionId: string): string {
  return uuidFrom(`${executionId}|replay`)
}

/** The pg-boss id of a deferred re-run of an attempt: recording the deferral twice inserts one. */
export function deferredOccurrenceId(bossJobId: string, retryCount: number): string {
  return uuidFrom(`${bossJobId}|${retryCount}|deferred`)
}

function uuidFrom(text: string): string {
  const hash = createHash('sha256').update(text).digest()
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
