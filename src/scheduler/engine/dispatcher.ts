/**
 * The dispatch loop: claims due occurrences from pg-boss and runs them. pg-boss polling alone is
 * 0.25–0.5 s late (../shared/reference/pg-boss.md §7), so besides a backstop poll the loop sets a
 * timer for the exact due time of the next pending occurrence; that is what keeps lateness in ms.
 */
import type { Job, PgBoss } from 'pg-boss'
import type { Pool } from '../../db/pool.ts'
import { withTransaction } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { Clock } from '../../time/clock.ts'
import type { ExecutionOutcome } from '../repository/executions.ts'
import { bossDb, type OccurrenceData } from './boss.ts'
import { findNextStart } from './boss-backlog.ts'
import { ClaimConflictError, type ClaimedAttempt, claimOccurrences } from './claim.ts'
import { type DeliverySettings, earliestRetryDelayMs } from './occurrences.ts'
import { createOutcomeRecorder } from './outcome-recorder.ts'
import { isFinalAttempt, type RecordingHook } from './record-batch.ts'
import { createShutdownNotice, type RunAttemptDeps, runAttempt } from './run-attempt.ts'

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
  onClaimed?: (attempt: ClaimedAttempt) => void
  /** Inside every recording transaction, e.g. to queue follow-up work atomically with the record. */
  onRecording?: RecordingHook
  /** After the attempt's outcome is committed; for what may be lost in a crash (metrics). */
  onFinished?: (attempt: ClaimedAttempt, outcome: ExecutionOutcome) => void
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

/** Timers fire a little early or late; aiming slightly after the due time avoids an empty fetch. */
const TIMER_SLACK_MS = 2
/** Attempts started per event-loop turn when a claimed batch is launched. */
const LAUNCH_SLICE = 25
/**
 * While attempts are running, a claim waits until it can take at least this share of a batch (or of
 * maxInFlight, if smaller). Every claim costs a transaction whatever its size, and a slot frees with
 * every finished attempt: claiming at the first free slot would claim one at a time.
 */
const MIN_CLAIM_SHARE = 0.6
/**
 * ...but only while room is coming: an attempt finished or a batch was claimed since the loop last
 * looked, or within this time. When the running attempts are slow (long webhook calls holding most
 * slots), a due occurrence must not wait for them. A fresh claim counts because its attempts are
 * about to run and finish, and "since the loop last looked" because on a starved machine the loop
 * can run well after the finish that woke it: counting finishes in the last 100 ms alone claimed
 * 5 slots beside every fresh batch of 40, or one slot at a time, there. (A fixed 50 ms cap after
 * each claim instead cost ×0.89 in paired drains: under load the room often took longer to grow.)
 */
const ROOM_QUIET_MS = 100

function minimumClaim(settings: DispatchSettings): number {
  return Math.max(
    1,
    Math.floor(MIN_CLAIM_SHARE * Math.min(settings.batchSize, settings.maxInFlight)),
  )
}
/**
 * Claims rolled back because a job changed mid-claim (or two claims deadlocked) are retried at once
 * this many times before the pass gives up until the next poll. Each retry reads the jobs afresh,
 * so it only conflicts again if another change lands in those few milliseconds.
 */
const CLAIM_ATTEMPTS = 3

/** A claim that lost a race and can simply run again. */
function isClaimRace(err: unknown): boolean {
  return err instanceof ClaimConflictError || (err as { code?: string }).code === '40P01'
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { settings, logger } = deps
  const shutdown = createShutdownNotice()
  const runner: RunAttemptDeps = { ...deps.runner, shutdown: shutdown.notice }
  /** Attempts whose action is running: what maxInFlight limits. */
  const running = new Set<Promise<void>>()
  /** Finished attempts whose outcome is not committed yet. */
  const recording = new Set<Promise<void>>()
  /** Claimed batches still being launched (their attempts hold reserved slots until they run). */
  const launching = new Set<Promise<void>>()
  const minClaim = minimumClaim(settings)
  /** When an attempt last finished or a batch was claimed (clock ms): room is coming after either. */
  let lastProgressAt = Number.NEGATIVE_INFINITY
  /** Whether one did since a saturated claim loop last looked. */
  let progressSinceLook = false
  let timer: NodeJS.Timeout | undefined
  let timerAt = Number.POSITIVE_INFINITY
  let passing: Promise<void> | undefined
  let passAgain = false
  let stopping = false
  let started = false
  let lastPass: Date | null = null
  const recorder = createOutcomeRecorder({
    pool: deps.pool,
    boss: deps.boss,
    delivery: deps.delivery,
    logger,
    batchSize: settings.recordBatchSize,
    concurrency: settings.recordConcurrency,
    retryForMs: settings.recordRetryMs,
    inTransaction: deps.onRecording,
    // A retry or deferred re-run was just planned. Wake no later than its earliest possible start
    // (pg-boss adds jitter to a retry): that pass sets the timer for the exact time pg-boss chose,
    // instead of leaving it to a poll. One due after the next poll anyway changes nothing.
    onCommitted(batch) {
      let earliest = Number.POSITIVE_INFINITY
      for (const { attempt, outcome } of batch) {
        if (isFinalAttempt(attempt, outcome)) continue
        const at =
          outcome.deferUntil?.getTime() ??
          outcome.finishedAt.getTime() + earliestRetryDelayMs(attempt.attempt, deps.delivery)
        earliest = Math.min(earliest, at)
      }
      if (earliest !== Number.POSITIVE_INFINITY) wake(new Date(earliest))
    },
  })

  function wake(at?: Date) {
    if (stopping || !started) return
    const target = Math.max(deps.clock.now().getTime(), at ? at.getTime() + TIMER_SLACK_MS : 0)
    if (target >= timerAt) return
    clearTimeout(timer)
    timerAt = target
    timer = setTimeout(onTimer, Math.max(0, target - deps.clock.now().getTime()))
  }

  function onTimer() {
    timer = undefined
    timerAt = Number.POSITIVE_INFINITY
    void pass()
  }

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
        await planNextWake(fetchedFrom)
      } catch (err) {
        logger.warn(
          { err: { message: (err as Error).message } },
          'dispatch pass failed; retrying on the next poll',
        )
      } finally {
        passing = undefined
        if (!stopping) wake(new Date(deps.clock.now().getTime() + settings.pollIntervalMs))
      }
    })()
    return passing
  }

  function noteProgress() {
    lastProgressAt = deps.clock.now().getTime()
    progressSinceLook = true
  }

  /** Slots promised to claims in progress, so parallel claimers never overshoot maxInFlight. */
  let reserved = 0

  /**
   * Claims from `queue` with up to claimConcurrency transactions at once: each claim spends most of its
   * time waiting on round trips, and running them side by side (pg-boss's SKIP LOCKED keeps their
   * batches apart) keeps the actions fed while another batch is being claimed.
   */
  async function drainQueue(queue: string) {
    // Every claimer settles before the pass ends (stop() waits for the pass and then for the
    // launches it started, so no attempt starts after that); then the first failure, if any, is
    // reported.
    const loops = await Promise.allSettled(
      Array.from({ length: settings.claimConcurrency }, () => claimLoop(queue)),
    )
    const failed = loops.find((loop) => loop.status === 'rejected')
    if (failed) throw failed.reason
  }

  async function claimLoop(queue: string) {
    for (;;) {
      const room = Math.min(settings.batchSize, settings.maxInFlight - running.size - reserved)
      if (room <= 0 || stopping) return
      // Saturated: the next finished attempts wake the loop until a worthwhile batch fits, unless
      // they come too slowly; the timer looks again should they stop coming.
      if (room < minClaim && running.size + reserved > 0) {
        const now = deps.clock.now().getTime()
        const roomComing = progressSinceLook || now - lastProgressAt <= ROOM_QUIET_MS
        progressSinceLook = false
        if (roomComing) {
          wake(new Date(now + ROOM_QUIET_MS))
          return
        }
      }
      reserved += room
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
      if (claimed.length > 0) noteProgress()
      // Not awaited: the next claim overlaps this batch's launch. Waiting for it (launching 500
      // takes ~100 ms under load, interleaved with the responses coming in) left the next claim to
      // start when nearly everything in flight had finished, so the actions ran dry for the claim's
      // whole round trip, every batch (bench/investigate.ts, PROJECT_INFO.md → Performance).
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
   * Never rejects, and launches everything even during shutdown: the claim is committed.
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
      return { claimed: result.claimed, fetchedCount: fetched.length }
    })
  }

  /**
   * Sets the timer for the earliest pending occurrence due after this pass began fetching: one that
   * fell due while the pass was running was not fetched, so it wakes the loop at once. Occurrences
   * due before that were fetched (or wait for a free slot, which wakes the loop too), so an old
   * unclaimable one cannot spin the loop.
   */
  async function planNextWake(fetchedFrom: Date) {
    const horizon = new Date(deps.clock.now().getTime() + settings.pollIntervalMs)
    const earliest = await findNextStart(deps.claimPool, deps.queues, fetchedFrom, horizon)
    if (earliest) wake(earliest)
  }

  /** Runs a hook (metrics, ClickUp write-back); a throwing hook must not stop an attempt. */
  function runHook(name: string, hook: () => void) {
    try {
      hook()
    } catch (err) {
      logger.error({ err: { message: (err as Error).message }, hook: name }, 'engine hook failed')
    }
  }

  /** Starts a claimed attempt; never throws (the claim is committed, so the attempt must run). */
  function launch(attempt: ClaimedAttempt) {
    runHook('onClaimed', () => deps.onClaimed?.(attempt))
    const work = (async () => {
      const outcome = await runAttempt(runner, attempt)
      // The slot frees as soon as the action is done; waiting for the batch to commit as well
      // capped throughput at maxInFlight / (call + record latency) under load.
      const recorded = recorder
        .record({ attempt, outcome })
        .then(() => runHook('onFinished', () => deps.onFinished?.(attempt, outcome)))
      recording.add(recorded)
      void recorded.finally(() => recording.delete(recorded))
    })()
    running.add(work)
    void work.finally(() => {
      running.delete(work)
      noteProgress()
      // A slot opened: more may be waiting if the last batch was full.
      if (!stopping) wake()
    })
  }

  return {
    start() {
      if (started) return
      started = true
      wake()
    },
    wake,
    async stop(graceMs) {
      if (stopping) return
      stopping = true
      clearTimeout(timer)
      await passing
      // Every claimed attempt is started before the wait for running ones begins.
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
      // Nothing is left half-recorded: every finished attempt's outcome is committed (or given up on).
      await Promise.allSettled([...recording])
    },
    inFlight: () => running.size,
    lastPassAt: () => lastPass,
  }
}
