/**
 * The dispatch loop: claims due occurrences from pg-boss, runs their actions and hands the outcomes
 * to the record queue.
 *
 * States. The loop is idle until `start`, running until `stop`, then stopping: it claims nothing
 * more, waits for the running attempts (aborting them when the grace runs out) and for their
 * outcomes to be committed, and is stopped. Each attempt goes reserved (a slot promised to a claim
 * in progress or to a claimed batch being launched) → running (its action runs) → recording (its
 * outcome waits in the record queue) → done. A pass claims from every queue while there is room,
 * then sets the wake-up timer; a wake during a pass makes it go round again instead of starting a
 * second one.
 *
 * Invariants:
 *  D1. running + reserved ≤ maxInFlight, at all times and across the parallel claim loops.
 *  D2. A claimed batch is launched in full, even during shutdown: its claim is committed, so every
 *      attempt in it must run and be recorded. stop() waits for the launches before the attempts.
 *  D3. At most one pass runs at a time, and every pass ends with a wake-up set no later than one
 *      poll interval away (the backstop), whether it succeeded or not.
 *  D4. A slot frees when the attempt's action ends, not when its outcome is committed.
 *  D5. A claim smaller than the admission rule's minimum is made only when no room is coming
 *      (admission.ts), so slow attempts holding most slots never delay a due occurrence for long.
 *  D6. stop() returns only when every claimed attempt has ended and its outcome is committed or
 *      given up on.
 */
import type { Job, PgBoss } from 'pg-boss'
import { bossDb } from '../../db/boss-db.ts'
import { PG_ERROR, pgErrorCode } from '../../db/pg-errors.ts'
import type { Pool } from '../../db/pool.ts'
import { withTransaction } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { Clock } from '../../time/clock.ts'
import { createAdmissionRule } from './admission.ts'
import type { OccurrenceData } from './boss.ts'
import { ClaimConflictError, type ClaimedAttempt, claimOccurrences } from './claim.ts'
import type { EngineHooks } from './hooks.ts'
import type { DeliverySettings } from './occurrences.ts'
import { createRecordQueue } from './record-queue.ts'
import { createShutdownNotice, type RunAttemptDeps, runAttempt } from './run-attempt.ts'
import { createWakeTimer, earliestPlannedRerun } from './wake-timer.ts'

export interface DispatchSettings {
  /**
   * Backstop poll and wake-up horizon: every pass sets the timer for the earliest waiting occurrence
   * due within this much; anything the timers miss is found by the next poll.
   */
  pollIntervalMs: number
  /** Occurrences claimed per transaction. */
  batchSize: number
  /** Claim transactions at once (each holds a claim-pool connection). */
  claimConcurrency: number
  /** Attempts running at once in this process. */
  maxInFlight: number
  /** How long to keep retrying to record an outcome while the database is unreachable. */
  recordRetryMs: number
  /** Finished attempts recorded per transaction, and such transactions at once. */
  recordBatchSize: number
  recordConcurrency: number
}

export interface DispatcherDeps {
  /** Records outcomes. */
  pool: Pool
  /**
   * Claims and wake-up planning, on their own connections so they never queue behind outcome
   * recording: under a burst that wait, not the database work, was what delayed starts.
   */
  claimPool: Pool
  boss: PgBoss
  queues: readonly string[]
  clock: Clock
  logger: Logger
  settings: DispatchSettings
  delivery: DeliverySettings
  runner: Omit<RunAttemptDeps, 'shutdown'>
  /** Read when each point is reached, so hooks registered after construction apply. */
  hooks: Readonly<EngineHooks>
}

export interface Dispatcher {
  start(): void
  /** Wake at `at` (or now) if that is sooner than the current timer; e.g. after a job is created. */
  wake(at?: Date): void
  /** Stops claiming, waits for running attempts up to `graceMs`, then aborts and records the rest. */
  stop(graceMs: number): Promise<void>
  inFlight(): number
  /** When the loop last completed a pass; readiness fails when it stalls. */
  lastPassAt(): Date | null
}

/** Attempts started per event-loop turn when a claimed batch is launched. */
const LAUNCH_SLICE = 25
/**
 * Claims rolled back because a job changed mid-claim (or two claims deadlocked) are retried at once
 * this many times before the pass gives up until the next poll. Each retry reads the jobs afresh,
 * so it only conflicts again if another change lands in those few milliseconds.
 */
const CLAIM_ATTEMPTS = 3

/** A claim that lost a race and can simply run again. */
function isClaimRace(err: unknown): boolean {
  return err instanceof ClaimConflictError || pgErrorCode(err) === PG_ERROR.deadlockDetected
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { settings, logger, hooks } = deps
  const shutdown = createShutdownNotice()
  const runner: RunAttemptDeps = { ...deps.runner, shutdown: shutdown.notice }
  /** Attempts whose action is running: what maxInFlight limits. */
  const running = new Set<Promise<void>>()
  /** Finished attempts whose outcome is not committed yet. */
  const recording = new Set<Promise<void>>()
  /** Claimed batches still being launched (their attempts hold reserved slots until they run). */
  const launching = new Set<Promise<void>>()
  /** Slots promised to claims in progress and to claimed attempts not yet running (D1). */
  let reserved = 0
  let passing: Promise<void> | undefined
  let passAgain = false
  let stopping = false
  let lastPass: Date | null = null
  const admission = createAdmissionRule(settings, deps.clock)
  const timer = createWakeTimer({
    clock: deps.clock,
    db: deps.claimPool,
    queues: deps.queues,
    pollIntervalMs: settings.pollIntervalMs,
    onWake: () => void pass(),
  })
  const recorder = createRecordQueue({
    pool: deps.pool,
    boss: deps.boss,
    delivery: deps.delivery,
    logger,
    batchSize: settings.recordBatchSize,
    concurrency: settings.recordConcurrency,
    retryForMs: settings.recordRetryMs,
    inTransaction: (tx, finished) => hooks.onRecording?.(tx, finished) ?? Promise.resolve(),
    // A retry or deferred re-run was just planned: wake no later than its earliest possible start.
    onCommitted(batch) {
      const at = earliestPlannedRerun(batch, deps.delivery)
      if (at) timer.wake(at)
    },
  })

  /** One pass: claim from every queue while there is room, then set the next wake-up. Never throws. */
  function pass(): Promise<void> {
    if (passing) {
      passAgain = true
      return passing
    }
    passing = (async () => {
      try {
        let fetchedFrom: Date
        do {
          passAgain = false
          fetchedFrom = deps.clock.now()
          for (const queue of deps.queues) {
            if (stopping) return
            await drainQueue(queue)
          }
        } while (passAgain && !stopping)
        lastPass = deps.clock.now()
        await timer.planNextWake(fetchedFrom)
      } catch (err) {
        logger.warn(
          { err: { message: (err as Error).message } },
          'dispatch pass failed; retrying on the next poll',
        )
      } finally {
        passing = undefined
        // D3: the backstop poll.
        timer.wake(new Date(deps.clock.now().getTime() + settings.pollIntervalMs))
      }
    })()
    return passing
  }

  /**
   * Claims from `queue` with up to claimConcurrency transactions at once: each claim spends most of its
   * time waiting on round trips, and running them side by side (pg-boss's SKIP LOCKED keeps their
   * batches apart) keeps the actions fed while another batch is being claimed.
   */
  async function drainQueue(queue: string) {
    // Every claimer settles before the pass ends (stop() waits for the pass and then for the
    // launches it started, so no attempt starts after that); then the first failure is reported.
    const loops = await Promise.allSettled(
      Array.from({ length: settings.claimConcurrency }, () => claimLoop(queue)),
    )
    const failed = loops.find((loop) => loop.status === 'rejected')
    if (failed) throw failed.reason
  }

  async function claimLoop(queue: string) {
    for (;;) {
      if (stopping) return
      const admitted = admission.decide(running.size + reserved)
      if (admitted.kind === 'full') return
      if (admitted.kind === 'wait') {
        // D5: finishing attempts wake the loop; the timer looks again should they stop coming.
        timer.wake(admitted.recheckAt)
        return
      }
      const room = admitted.size
      reserved += room // D1: promised before the claim starts
      let claimed: ClaimedAttempt[] = []
      let fetchedCount = 0
      for (let attempt = 1; ; attempt++) {
        try {
          ;({ claimed, fetchedCount } = await claimBatch(queue, room))
          break
        } catch (err) {
          if (attempt < CLAIM_ATTEMPTS && isClaimRace(err) && !stopping) {
            logger.debug(
              { err: { message: (err as Error).message } },
              'claim raced; claiming again',
            )
            continue
          }
          reserved -= room
          throw err
        }
      }
      // Unused slots go back now; each claimed attempt keeps its slot reserved until it is running.
      reserved -= room - claimed.length
      if (claimed.length > 0) admission.noteProgress()
      // Not awaited: the next claim overlaps this batch's launch. Waiting for it (launching hundreds
      // takes a while under load, interleaved with the responses coming in) left the next claim to
      // start when nearly everything in flight had finished, so the actions ran dry for the claim's
      // whole round trip, every batch.
      const launched = launchAll(claimed)
      launching.add(launched)
      void launched.finally(() => launching.delete(launched))
      // A short batch means the queue has nothing more due right now.
      if (fetchedCount < room) return
    }
  }

  /**
   * Starts a claimed batch in slices: starting hundreds of requests in one go held the event loop for
   * tens of ms, and every database round trip of the claimers and the recorder waited behind it.
   * Never rejects, and launches everything even during shutdown (D2).
   */
  async function launchAll(claimed: readonly ClaimedAttempt[]) {
    for (let i = 0; i < claimed.length; i += LAUNCH_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve))
      for (const attempt of claimed.slice(i, i + LAUNCH_SLICE)) {
        reserved -= 1
        launch(attempt)
      }
    }
  }

  /** One claim transaction: pg-boss's fetch and our claim of what it returned, up to `room`. */
  function claimBatch(queue: string, room: number) {
    return withTransaction(deps.claimPool, async (tx) => {
      const fetched = (await deps.boss.fetch<OccurrenceData>(queue, {
        batchSize: room,
        db: bossDb(tx),
      })) as Job<OccurrenceData>[]
      // Read after the fetch: pg-boss released these at the database's now, so a clock read before
      // it could record started_at (and lateness) a few ms before the due time.
      const now = deps.clock.now()
      const result = await claimOccurrences(deps.boss, tx, queue, fetched, now, deps.delivery)
      for (const skipped of result.skipped) {
        logger.debug(
          { job_id: skipped.jobId, boss_job_id: skipped.bossJobId, reason: skipped.reason },
          'occurrence skipped',
        )
      }
      return { claimed: result.claimed, fetchedCount: fetched.length }
    })
  }

  /** Runs a hook (metrics); a throwing hook must not stop an attempt. */
  function runHook(name: string, hook: () => void) {
    try {
      hook()
    } catch (err) {
      logger.error({ err: { message: (err as Error).message }, hook: name }, 'engine hook failed')
    }
  }

  /** Starts a claimed attempt; never throws (D2). */
  function launch(attempt: ClaimedAttempt) {
    runHook('onClaimed', () => hooks.onClaimed?.(attempt))
    const work = (async () => {
      const outcome = await runAttempt(runner, attempt)
      // D4: waiting for the record as well capped throughput at maxInFlight / (call + record
      // latency) under load.
      const recorded = recorder
        .record({ attempt, outcome })
        .then(() => runHook('onFinished', () => hooks.onFinished?.(attempt, outcome)))
      recording.add(recorded)
      void recorded.finally(() => recording.delete(recorded))
    })()
    running.add(work)
    void work.finally(() => {
      running.delete(work)
      admission.noteProgress()
      // A slot opened: more may be waiting if the last batch was full.
      if (!stopping) timer.wake()
    })
  }

  return {
    start() {
      if (!stopping) timer.start()
    },
    wake: (at) => timer.wake(at),
    async stop(graceMs) {
      if (stopping) return
      stopping = true
      timer.stop()
      await passing
      // D2: every claimed attempt is started before the wait for running ones begins.
      await Promise.all([...launching])
      const all = Promise.allSettled([...running])
      const graceOver = new Promise<'grace'>((resolve) =>
        setTimeout(resolve, graceMs, 'grace').unref(),
      )
      if ((await Promise.race([all, graceOver])) === 'grace') {
        logger.warn(
          { in_flight: running.size },
          'attempts still running at shutdown; aborting them',
        )
        shutdown.abort()
        await all
      }
      // D6: nothing is left half-recorded.
      await Promise.allSettled([...recording])
    },
    inFlight: () => running.size,
    lastPassAt: () => lastPass,
  }
}
