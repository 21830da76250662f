/**
 * The scheduling engine: pg-boss set up for our queues, the dispatch loop and the stale-attempt
 * sweeper. This file is the engine's public surface: the rest of the server imports from here.
 */
import { randomUUID } from 'node:crypto'
import type { PgBoss } from 'pg-boss'
import { bossDb } from '../../db/boss-db.ts'
import type { Pool, Queryable } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { Clock } from '../../time/clock.ts'
import type { ActionRegistry } from '../action-registry.ts'
import type { JobRecord } from '../repository/jobs.ts'
import { queueName, replayOccurrenceId } from './boss.ts'
import { createDispatcher, type DispatchSettings } from './dispatcher.ts'
import type { EngineHooks } from './hooks.ts'
import { createProcessLease } from './lease.ts'
import {
  type DeliverySettings,
  enqueueOccurrences,
  type PlannedOccurrence,
  planScheduled,
  withdrawPendingOccurrence,
} from './occurrences.ts'
import { createSweeper } from './sweeper.ts'

export type { AbandonedAttempt } from '../repository/outcomes.ts'
export { createBoss, FINISHED_JOB_RETENTION_SECONDS, queueName } from './boss.ts'
export { countDueNotStarted } from './boss-backlog.ts'
export type { ClaimedAttempt } from './claim.ts'
export type { AbandonHook, EngineHooks, FinishedAttempt, RecordingHook } from './hooks.ts'
export { isFinalAttempt } from './record-transaction.ts'
export {
  createRetentionLoop,
  type RetentionLoop,
  type RetentionReport,
  type RetentionSettings,
  runRetentionPass,
} from './retention.ts'
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
  /**
   * How long this process's lease lasts without renewal (ATTEMPT_EXPIRY_GRACE_SECONDS): once another
   * process's lease has lapsed that long, its running attempts are closed and retried (lease.ts).
   */
  leasePeriodSeconds: number
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
}

export interface Engine {
  /**
   * Adds hooks (metrics, integrations). Before start() only, and each point takes one hook: the
   * parts are built first, then wired together, so no part closes over one built after it.
   */
  registerHooks(hooks: EngineHooks): void
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
  const hooks: EngineHooks = {}
  const leasePeriodMs = deps.settings.leasePeriodSeconds * 1000
  const lease = createProcessLease({
    pool: deps.pool,
    logger: deps.logger.child({ component: 'lease' }),
    periodSeconds: deps.settings.leasePeriodSeconds,
  })
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
    hooks,
    processId: lease.processId,
  })
  const sweeper = createSweeper({
    pool: deps.pool,
    boss: deps.boss,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'sweeper' }),
    intervalMs: deps.settings.sweepIntervalMs,
    lease,
    leasePeriodMs,
    // As before leases: past the old pg-boss expiry (timeout plus this grace) and a few passes more.
    legacyGraceMs: leasePeriodMs + 180_000,
    hooks,
  })
  let state: 'idle' | 'started' | 'stopped' = 'idle'

  const enqueue = (tx: Queryable, occurrences: PlannedOccurrence[]) =>
    enqueueOccurrences(deps.boss, tx, occurrences, deps.settings.delivery)

  return {
    registerHooks(added) {
      if (state !== 'idle') throw new Error('engine hooks must be registered before start()')
      for (const [point, hook] of Object.entries(added) as [keyof EngineHooks, unknown][]) {
        if (hook === undefined) continue
        if (hooks[point]) throw new Error(`engine hook ${point} is already registered`)
        Object.assign(hooks, { [point]: hook })
      }
    },
    async start() {
      if (state !== 'idle') return
      await deps.boss.start()
      for (const queue of queues) {
        // createQueue is idempotent; per-job options (retries, expiry) are set at insert.
        await deps.boss.createQueue(queue)
      }
      if (deps.settings.runWorkers) {
        await lease.start()
        dispatcher.start()
        sweeper.start()
      }
      state = 'started'
    },
    async stop(graceMs) {
      if (state !== 'started') return
      state = 'stopped'
      await sweeper.stop()
      const unrecorded = await dispatcher.stop(graceMs)
      // With everything recorded nobody needs to wait for the lease to lapse; otherwise it must, so
      // the attempts left are taken over only once this process is gone.
      if (deps.settings.runWorkers) await lease.stop(unrecorded === 0)
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
