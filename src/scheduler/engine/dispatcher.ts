/**
 * The dispatch loop: claims due occurrences from pg-boss and hands them to the attempts in flight
 * (in-flight.ts), which run them and pass each outcome to the record queue (record-queue.ts).
 *
 * States. The loop is idle until `start`, running until `stop`, then stopping: it claims nothing
 * more, waits for the attempts in flight and their records, and is stopped. While running, a pass
 * claims from every queue while the admission rule (admission.ts) lets it, then sets the wake-up
 * timer (wake-timer.ts); the timer, a finished attempt, a recorded retry or a newly planned job
 * starts the next pass.
 *
 * Invariants (the slot invariants F1–F4 are in in-flight.ts):
 *  D1. At most one pass runs at a time: a wake during a pass makes it go round again instead.
 *  D2. Every pass ends with a wake-up set no later than one poll interval away (the backstop),
 *      whether it succeeded or not, until stop.
 *  D3. A claim smaller than the admission rule's minimum is made only when no room is coming, so
 *      slow attempts holding most slots never delay a due occurrence for long.
 *  D4. No claim starts once stop() has begun; stop() returns after the pass in progress, then the
 *      attempts in flight (F4).
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
import { createInFlight } from './in-flight.ts'
import type { DeliverySettings } from './occurrences.ts'
import { createRecordQueue } from './record-queue.ts'
import type { RunAttemptDeps } from './run-attempt.ts'
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
  /** This process's lease: the claim stamps its id on every attempt it opens. */
  processId: string
}

export interface Dispatcher {
  start(): void
  /** Wake at `at` (or now) if that is sooner than the current timer; e.g. after a job is created. */
  wake(at?: Date): void
  /**
   * Stops claiming, waits for running attempts up to `graceMs`, then aborts and records the rest
   * (trying for up to `graceMs` more). Resolves with how many outcomes were left unrecorded.
   */
  stop(graceMs: number): Promise<number>
  inFlight(): number
  /** When the loop last completed a pass; readiness fails when it stalls. */
  lastPassAt(): Date | null
}

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
    inTransaction: (tx, finished) => hooks.onRecording?.(tx, finished) ?? Promise.resolve(),
    // A retry or deferred re-run was just planned: wake no later than its earliest possible start.
    onCommitted(batch) {
      const at = earliestPlannedRerun(batch, deps.delivery)
      if (at) timer.wake(at)
    },
  })
  const inFlight = createInFlight({
    runner: deps.runner,
    recorder,
    logger,
    hooks,
    onSlotFreed() {
      admission.noteProgress()
      // A slot opened: more may be waiting if the last batch was full.
      if (!stopping) timer.wake()
    },
  })

  /** One pass: claim from every queue while there is room, then set the next wake-up. Never throws. */
  function pass(): Promise<void> {
    if (passing) {
      passAgain = true // D1
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
        // D2: the backstop poll.
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
      if (stopping) return // D4
      const admitted = admission.decide(inFlight.busy())
      if (admitted.kind === 'full') return
      if (admitted.kind === 'wait') {
        // D3: finishing attempts wake the loop; the timer looks again should they stop coming.
        timer.wake(admitted.recheckAt)
        return
      }
      const room = admitted.size
      inFlight.reserve(room) // F1: before the claim starts
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
          inFlight.release(room)
          throw err
        }
      }
      // Unused slots go back now; each claimed attempt keeps its slot reserved until it is running.
      inFlight.release(room - claimed.length)
      if (claimed.length > 0) admission.noteProgress()
      // Not awaited: the next claim overlaps this batch's launch. Waiting for it (launching hundreds
      // takes a while under load, interleaved with the responses coming in) left the next claim to
      // start when nearly everything in flight had finished, so the actions ran dry for the claim's
      // whole round trip, every batch.
      inFlight.launch(claimed)
      // A short batch means the queue has nothing more due right now.
      if (fetchedCount < room) return
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
      const result = await claimOccurrences(
        deps.boss,
        tx,
        queue,
        fetched,
        now,
        deps.delivery,
        deps.processId,
      )
      for (const skipped of result.skipped) {
        logger.debug(
          { job_id: skipped.jobId, boss_job_id: skipped.bossJobId, reason: skipped.reason },
          'occurrence skipped',
        )
      }
      return { claimed: result.claimed, fetchedCount: fetched.length }
    })
  }

  return {
    start() {
      if (!stopping) timer.start()
    },
    wake: (at) => timer.wake(at),
    async stop(graceMs) {
      if (stopping) return 0
      stopping = true
      timer.stop()
      await passing
      return inFlight.stop(graceMs)
    },
    inFlight: () => inFlight.running(),
    lastPassAt: () => lastPass,
  }
}
