/**
 * Queuing callbacks: the engine's recording hooks put one pg-boss job per (settled run, target) into
 * CALLBACK_QUEUE inside the transaction that records the run's final attempt (or the sweep that
 * closes a dead one), so the callback commits with the outcome it reports: a crash can neither lose
 * it nor (deterministic ids) queue it twice.
 */
import { createHash } from 'node:crypto'
import type { PgBoss } from 'pg-boss'
import { bossDb } from '../db/boss-db.ts'
import type { Queryable } from '../db/pool.ts'
import type { AbandonedAttempt } from '../scheduler/engine/index.ts'
import {
  FINISHED_JOB_RETENTION_SECONDS,
  type FinishedAttempt,
  isFinalAttempt,
} from '../scheduler/engine/index.ts'
import { CALLBACK_MAX_ATTEMPTS } from './attempts.ts'
import { type CallbackTarget, callbackTargets, wantsCallback } from './callback-input.ts'
import { findCallbackSpecs } from './repository.ts'

export const CALLBACK_QUEUE = 'outcome-callbacks'
export { CALLBACK_MAX_ATTEMPTS }

export interface CallbackJobData {
  job_id: string
  /** The run execution (the settled attempt) this callback reports. */
  execution_id: string
  target: CallbackTarget
  /** Attempts this message had before this pg-boss job (a deferred WhatsApp notice goes on counting). */
  previous_attempts?: number
}

export interface CallbackQueueSettings {
  retryDelaySeconds: number
  retryDelayMaxSeconds: number
  /** Attempt timeout per target, plus the grace that forms pg-boss's expiry. */
  timeoutSeconds: Record<CallbackTarget, number>
  expiryGraceSeconds: number
}

/** A UUID from text, so the same (execution, target) always names the same pg-boss job. */
export function derivedUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex')
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`
}

/** Tries per callback message: CALLBACK_MAX_ATTEMPTS, backing off as jobs do (RETRY_DELAY_SECONDS, doubling, capped). */
export function callbackJobOptions(settings: CallbackQueueSettings, target: CallbackTarget) {
  return {
    retryLimit: CALLBACK_MAX_ATTEMPTS - 1,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: settings.retryDelayMaxSeconds,
    expireInSeconds: settings.timeoutSeconds[target] + settings.expiryGraceSeconds,
    deleteAfterSeconds: FINISHED_JOB_RETENTION_SECONDS,
  }
}

interface Settled {
  jobId: string
  executionId: string
  status: string
}

async function insertCallbacks(
  boss: PgBoss,
  settings: CallbackQueueSettings,
  tx: Queryable,
  settled: readonly Settled[],
): Promise<void> {
  if (settled.length === 0) return
  // One indexed read per recorded batch, and only of jobs that had a run settle in it.
  const specs = await findCallbackSpecs(tx, [...new Set(settled.map((s) => s.jobId))])
  if (specs.size === 0) return
  const jobs = settled.flatMap(({ jobId, executionId, status }) => {
    const spec = specs.get(jobId)
    if (!spec || !wantsCallback(spec.on, status)) return []
    return callbackTargets(spec).map((target) => ({
      id: derivedUuid(`${executionId}|callback|${target}`),
      data: { job_id: jobId, execution_id: executionId, target } satisfies CallbackJobData,
      ...callbackJobOptions(settings, target),
    }))
  })
  if (jobs.length > 0) await boss.insert(CALLBACK_QUEUE, jobs, { db: bossDb(tx) })
}

/** Engine hook (onRecording): callbacks for every run whose final attempt is in this batch. */
export function queueCallbacks(
  boss: PgBoss,
  settings: CallbackQueueSettings,
  tx: Queryable,
  finished: readonly FinishedAttempt[],
): Promise<void> {
  return insertCallbacks(
    boss,
    settings,
    tx,
    finished
      .filter(({ attempt, outcome }) => isFinalAttempt(attempt, outcome))
      .map(({ attempt, outcome }) => ({
        jobId: attempt.job.id,
        executionId: attempt.executionId,
        status: outcome.status,
      })),
  )
}

/** Engine hook (onAbandoned): a final attempt closed by the sweeper reports a failure. */
export function queueAbandonedCallbacks(
  boss: PgBoss,
  settings: CallbackQueueSettings,
  tx: Queryable,
  closed: readonly AbandonedAttempt[],
): Promise<void> {
  return insertCallbacks(
    boss,
    settings,
    tx,
    closed
      .filter((attempt) => attempt.final)
      .map((attempt) => ({ jobId: attempt.jobId, executionId: attempt.id, status: 'failed' })),
  )
}
