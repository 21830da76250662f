/** The scheduling engine: pg-boss set up for our queues, the dispatch loop and the stale-attempt sweeper. */

import { randomUUID } from 'node:crypto'
import type { PgBoss } from 'pg-boss'
import type { ActionRegistry } from '../../actions/registry.ts'
import type { Pool, Queryable } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { Clock } from '../../time/clock.ts'
import type { ExecutionOutcome } from '../repository/executions.ts'
import type { JobRecord } from '../repository/jobs.ts'
import { bossDb, queueName, replayOccurrenceId } from './boss.ts'
import type { ClaimedAttempt } from './claim.ts'
import { createDispatcher, type DispatchSettings } from './dispatcher.ts'
import {
  type DeliverySettings,
  enqueueOccurrences,
  type PlannedOccurrence,
  planScheduled,
  withdrawPendingOccurrence,
} from './occurrences.ts'
import type { RecordingHook } from './record-batch.ts'
import { type AbandonHook, createSweeper } from './sweeper.ts'

export type { DeliverySettings, DispatchSettings }

export interface ReplayRequest {
  /** The replayed execution: its occurrence (due time, manual or not) and attempt count. */
  executionId: string
  dueAt: Date
  manual: boolean
  previousAttempts: number
}

export interface EngineSettings {
  dispatch: DispatchSettings
  delivery: DeliverySettings
  /** How often running attempts whose process died are closed (ms). */
  sweepIntervalMs: number
  /** false: this instance only plans occurrences (API-only replica); another one runs them. */
  runWorkers: boolean
}

export interface EngineDeps {
  pool: Pool
  /** A small pool of its own for claims (see dispatcher.ts). */
  claimPool: Pool
  boss: PgBoss
  registry: ActionRegistry
  clock: Clock
  logger: Logger
  settings: EngineSettings
  onClaimed?: (attempt: ClaimedAttempt) => void
  /** Inside every transaction that records outcomes (see RecordingHook). */
  onRecording?: RecordingHook
  onFinished?: (attempt: ClaimedAttempt, outcome: ExecutionOutcome) => void
  /** Inside the sweep transaction that closes attempts whose process died (see AbandonHook). */
  onAbandoned?: AbandonHook
}

export interface Engine {
  start(): Promise<void>
  stop(graceMs: number): Promise<void>
  /** Enqueue the first (or replacement) scheduled occurrence inside the caller's transaction. */
  enqueueScheduled(tx: Queryable, job: JobRecord, dueAt: Date): Promise<void>
  /** Enqueue a manual run due now; it never chains and ignores pause. */
  enqueueManual(tx: Queryable, job: JobRecord, dueAt: Date): Promise<void>
  withdrawPending(tx: Queryable, job: JobRecord): Promise<void>
  /** Enqueue one more attempt of a failed execution's occurrence, due now (retryExecution). */
  enqueueReplay(tx: Queryable, job: JobRecord, replay: ReplayRequest): Promise<void>
  /** pg-boss's state of an occurrence (`created`, `retry`, `active`, …), or null when it is gone. */
  occurrenceState(db: Queryable, actionKind: string, bossJobId: string): Promise<string | null>
  /** Call after commit so this instance wakes exactly at the due time. */
  notifyPlanned(dueAt: Date): void
  /** Throws when the workers are not running or the loop has stalled. */
  checkHealth(): void
  inFlight(): number
}

export function createEngine(deps: EngineDeps): Engine {
  const queues = deps.registry.kinds().map(queueName)
  const dispatcher = createDispatcher({
    pool: deps.pool,
    claimPool: deps.claimPool,
    boss: deps.boss,
    queues,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'dispatcher' }),
    settings: deps.settings.dispatch,
    delivery: deps.settings.delivery,
    runner: { registry: deps.registry, clock: deps.clock, logger: deps.logger },
    onClaimed: deps.onClaimed,
    onRecording: deps.onRecording,
    onFinished: deps.onFinished,
  })
  const sweeper = createSweeper({
    pool: deps.pool,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'sweeper' }),
    intervalMs: deps.settings.sweepIntervalMs,
    // Past pg-boss expiry plus a few supervise passes, so a pending redelivery is never pre-empted.
    graceMs: (deps.settings.delivery.expiryGraceSeconds + 180) * 1000,
    onAbandoned: deps.onAbandoned,
  })
  let state: 'idle' | 'started' | 'stopped' = 'idle'

  const enqueue = (tx: Queryable, occurrences: PlannedOccurrence[]) =>
    enqueueOccurrences(deps.boss, tx, occurrences, deps.settings.delivery)

  return {
    async start() {
      if (state !== 'idle') return
      await deps.boss.start()
      for (const queue of queues) {
        // createQueue is idempotent; per-job options (retries, expiry) are set at insert.
        await deps.boss.createQueue(queue)
      }
      state = 'started'
      if (deps.settings.runWorkers) {
        dispatcher.start()
        sweeper.start()
      }
    },
    async stop(graceMs) {
      if (state !== 'started') return
      state = 'stopped'
      await sweeper.stop()
      await dispatcher.stop(graceMs)
      await deps.boss.stop({ graceful: false, close: true })
    },
    enqueueScheduled: (tx, job, dueAt) => enqueue(tx, [planScheduled(job, dueAt)]),
    enqueueManual: (tx, job, dueAt) =>
      enqueue(tx, [{ job, dueAt, manual: true, id: randomUUID() }]),
    withdrawPending: (tx, job) => withdrawPendingOccurrence(deps.boss, tx, job),
    enqueueReplay: (tx, job, replay) =>
      enqueue(tx, [
        {
          job,
          dueAt: replay.dueAt,
          manual: replay.manual,
          id: replayOccurrenceId(replay.executionId),
          startAfter: deps.clock.now(),
          replay: { of: replay.executionId, previousAttempts: replay.previousAttempts },
        },
      ]),
    async occurrenceState(db, actionKind, bossJobId) {
      const [found] = await deps.boss.findJobs(queueName(actionKind), {
        id: bossJobId,
        db: bossDb(db),
      })
      return found?.state ?? null
    },
    notifyPlanned: (dueAt) => dispatcher.wake(dueAt),
    checkHealth() {
      if (state !== 'started') throw new Error(`engine ${state}`)
      if (!deps.settings.runWorkers) return
      const last = dispatcher.lastPassAt()
      const staleAfterMs = Math.max(30_000, deps.settings.dispatch.pollIntervalMs * 10)
      if (!last || deps.clock.now().getTime() - last.getTime() > staleAfterMs) {
        throw new Error(`dispatch loop has not completed a pass for over ${staleAfterMs} ms`)
      }
    },
    inFlight: () => dispatcher.inFlight(),
  }
}
