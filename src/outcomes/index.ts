/**
 * Outcomes flowing back (issue 20): the callback fields of a create, the engine hooks that queue a
 * callback when a run settles, and the worker that delivers them (one execution row per try).
 */
import type { JobResult, PgBoss } from 'pg-boss'
import type { Pool, Queryable } from '../db/pool.ts'
import type { Logger } from '../logger.ts'
import type { ActionRegistry } from '../scheduler/action-registry.ts'
import type { AbandonedAttempt, FinishedAttempt } from '../scheduler/engine/index.ts'
import type { Clock } from '../time/clock.ts'
import { deliverCallback } from './deliver.ts'
import {
  CALLBACK_QUEUE,
  type CallbackJobData,
  type CallbackQueueSettings,
  queueAbandonedCallbacks,
  queueCallbacks,
} from './queue.ts'
import { closeStaleCallbackAttempts } from './repository.ts'

export {
  type CallbackInput,
  type CallbackSpec,
  createCallbackInput,
  NOTIFY_CHANNELS,
} from './callback-input.ts'
export { CALLBACK_QUEUE } from './queue.ts'

export interface OutcomeCallbacksDeps {
  pool: Pool
  boss: PgBoss
  registry: ActionRegistry
  clock: Clock
  logger: Logger
  settings: CallbackQueueSettings
  /** false: this replica queues callbacks but another one delivers them. */
  runWorkers: boolean
  /** How often callback attempts whose process died are closed (ms). */
  sweepIntervalMs: number
}

/** Up to 10 callbacks at once per replica, each waiting on its receiver at most its timeout. */
const WORK_OPTIONS = {
  batchSize: 10,
  pollingIntervalSeconds: 0.5,
  includeMetadata: true,
  perJobResults: true,
} as const

export function createOutcomeCallbacks(deps: OutcomeCallbacksDeps) {
  const stop = new AbortController()
  let sweepTimer: NodeJS.Timeout | undefined
  const delivery = { ...deps, stopSignal: stop.signal, logger: deps.logger }
  // Past every target's pg-boss expiry and a few supervise passes: a redelivery closes it first.
  const staleAfterMs =
    (Math.max(...Object.values(deps.settings.timeoutSeconds)) +
      deps.settings.expiryGraceSeconds +
      180) *
    1000

  async function sweep() {
    try {
      const closed = await closeStaleCallbackAttempts(deps.pool, deps.clock.now(), staleAfterMs)
      if (closed > 0) deps.logger.warn({ closed }, 'closed abandoned callback attempts')
    } catch (err) {
      deps.logger.warn({ err: { message: (err as Error).message } }, 'callback sweep failed')
    }
  }

  return {
    /** Engine hook: inside the transaction recording a batch of outcomes. */
    onRecording: (tx: Queryable, finished: readonly FinishedAttempt[]) =>
      queueCallbacks(deps.boss, deps.settings, tx, finished),
    /** Engine hook: inside the sweep closing attempts whose process died. */
    onAbandoned: (tx: Queryable, closed: readonly AbandonedAttempt[]) =>
      queueAbandonedCallbacks(deps.boss, deps.settings, tx, closed),
    /** Creates the queue; with workers, starts delivering. Call after engine.start(). */
    async start() {
      await deps.boss.createQueue(CALLBACK_QUEUE)
      if (!deps.runWorkers) return
      await deps.boss.work<CallbackJobData, unknown, typeof WORK_OPTIONS>(
        CALLBACK_QUEUE,
        WORK_OPTIONS,
        (jobs): Promise<JobResult[]> =>
          Promise.all(
            jobs.map(async (job): Promise<JobResult> => {
              try {
                return { id: job.id, status: await deliverCallback(delivery, job) }
              } catch (err) {
                // A database error, say: this callback is tried again; the others in the batch stand.
                deps.logger.warn(
                  { err: { message: (err as Error).message }, callback_job_id: job.id },
                  'callback delivery failed before it could be recorded; will retry',
                )
                return { id: job.id, status: 'failed' }
              }
            }),
          ),
      )
      sweepTimer = setInterval(() => void sweep(), deps.sweepIntervalMs)
      sweepTimer.unref()
    },
    /** Gives up on sends in flight (their pg-boss jobs are retried later) and stops the sweep. */
    async stop() {
      clearInterval(sweepTimer)
      stop.abort()
    },
  }
}

export type OutcomeCallbacks = ReturnType<typeof createOutcomeCallbacks>
