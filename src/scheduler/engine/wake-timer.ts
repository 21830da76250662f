/**
 * The dispatcher's wake-up timer. pg-boss polling alone is 0.25–0.5 s late
 * (../shared/reference/pg-boss.md §7), so the loop keeps one timer set for the exact start time of
 * the next waiting occurrence, read from pg-boss's job table, with a backstop poll behind it.
 *
 * Invariants:
 *  W1. There is at most one timer, and `wake` only ever moves it earlier: whoever asks for the
 *      soonest time wins, so no caller can postpone a wake-up another one needs.
 *  W2. Nothing fires before `start` or after `stop`.
 */
import type { Queryable } from '../../db/pool.ts'
import type { Clock } from '../../time/clock.ts'
import type { ExecutionOutcome } from '../repository/executions.ts'
import { findNextStart } from './boss-backlog.ts'
import type { ClaimedAttempt } from './claim.ts'
import { type DeliverySettings, earliestRetryDelayMs } from './occurrences.ts'
import { isFinalAttempt } from './record-transaction.ts'

/** Timers fire a little early or late; aiming slightly after the due time avoids an empty fetch. */
const TIMER_SLACK_MS = 2

export interface WakeTimerDeps {
  clock: Clock
  /** Where the next start time is read (the claim pool: never queued behind outcome recording). */
  db: Queryable
  queues: readonly string[]
  /** How far ahead planNextWake looks; beyond it the backstop poll takes over. */
  pollIntervalMs: number
  onWake: () => void
}

export interface WakeTimer {
  /** Fires at `at` (or now) if that is sooner than the timer already set (W1). */
  wake(at?: Date): void
  /**
   * Sets the timer for the earliest waiting occurrence due after `fetchedFrom` and within a poll
   * interval. One that fell due while the pass was running was not fetched, so it wakes the loop at
   * once; older ones were fetched (or wait for a free slot, which wakes the loop too), so an old
   * unclaimable occurrence cannot spin the loop.
   */
  planNextWake(fetchedFrom: Date): Promise<void>
  /** Arms the timer and fires it now. */
  start(): void
  /** Clears the timer; later wakes do nothing (W2). */
  stop(): void
}

export function createWakeTimer(deps: WakeTimerDeps): WakeTimer {
  let timer: NodeJS.Timeout | undefined
  let timerAt = Number.POSITIVE_INFINITY
  let armed = false

  function onTimer() {
    timer = undefined
    timerAt = Number.POSITIVE_INFINITY
    deps.onWake()
  }

  function wake(at?: Date) {
    if (!armed) return
    const now = deps.clock.now().getTime()
    const target = Math.max(now, at ? at.getTime() + TIMER_SLACK_MS : 0)
    if (target >= timerAt) return
    clearTimeout(timer)
    timerAt = target
    timer = setTimeout(onTimer, Math.max(0, target - deps.clock.now().getTime()))
  }

  return {
    wake,
    async planNextWake(fetchedFrom) {
      const horizon = new Date(deps.clock.now().getTime() + deps.pollIntervalMs)
      const earliest = await findNextStart(deps.db, deps.queues, fetchedFrom, horizon)
      if (earliest) wake(earliest)
    },
    start() {
      if (armed) return
      armed = true
      wake()
    },
    stop() {
      armed = false
      clearTimeout(timer)
      timer = undefined
      timerAt = Number.POSITIVE_INFINITY
    },
  }
}

/**
 * When the loop should look again after a batch was recorded: no later than the earliest start of a
 * retry or deferred re-run the batch planned (pg-boss adds jitter to a retry; that pass then sets the
 * timer for the exact time pg-boss chose, instead of leaving it to a poll). Null when it planned none.
 */
export function earliestPlannedRerun(
  batch: readonly { attempt: ClaimedAttempt; outcome: ExecutionOutcome }[],
  delivery: DeliverySettings,
): Date | null {
  let earliest = Number.POSITIVE_INFINITY
  for (const { attempt, outcome } of batch) {
    if (isFinalAttempt(attempt, outcome)) continue
    const at =
      outcome.deferUntil?.getTime() ??
      outcome.finishedAt.getTime() + earliestRetryDelayMs(attempt.attempt, delivery)
    earliest = Math.min(earliest, at)
  }
  return earliest === Number.POSITIVE_INFINITY ? null : new Date(earliest)
}
