/**
 * The attempts this process holds: the slots that bound them, their launch once claimed, the action
 * run, the hand-over of each outcome to the record queue, and the wait for all of it at shutdown.
 *
 * Each attempt goes reserved (a slot promised to a claim in progress, or held by a claimed attempt
 * not yet launched) → running (its action runs) → recording (its outcome waits in the record queue)
 * → done.
 *
 * Invariants:
 *  F1. running + reserved ≤ maxInFlight: a claim reserves its room before it starts and gives back
 *      what it did not get (the caller's part), and each launch turns a reserved slot into a running one.
 *  F2. A claimed batch is launched in full, even during shutdown: its claim is committed, so every
 *      attempt in it must run and be recorded. stop() waits for the launches before the attempts.
 *  F3. A slot frees when the attempt's action ends, not when its outcome is committed.
 *  F4. stop() returns only when every launched attempt has ended and its outcome is committed or,
 *      after the shutdown grace, given up on (record-queue.ts, Q1).
 */
import type { Logger } from '../../logger.ts'
import type { ClaimedAttempt } from './claim.ts'
import type { EngineHooks } from './hooks.ts'
import type { RecordQueue } from './record-queue.ts'
import { createShutdownNotice, type RunAttemptDeps, runAttempt } from './run-attempt.ts'

/** Attempts started per event-loop turn when a claimed batch is launched. */
const LAUNCH_SLICE = 25

export interface InFlightDeps {
  runner: Omit<RunAttemptDeps, 'shutdown'>
  recorder: RecordQueue
  logger: Logger
  /** Read when each point is reached, so hooks registered after construction apply. */
  hooks: Readonly<EngineHooks>
  /** An attempt's action ended: its slot is free. */
  onSlotFreed: () => void
}

export interface InFlight {
  /** Slots in use: running attempts plus reserved ones (F1). */
  busy(): number
  running(): number
  reserve(slots: number): void
  release(slots: number): void
  /** Launches a claimed batch, whose slots are reserved, in slices over the next event-loop turns. */
  launch(claimed: readonly ClaimedAttempt[]): void
  /**
   * Waits for launches and attempts (aborting them after `graceMs`), then up to `graceMs` for their
   * records (F4). Resolves with how many outcomes were left unrecorded.
   */
  stop(graceMs: number): Promise<number>
}

export function createInFlight(deps: InFlightDeps): InFlight {
  const { logger, hooks } = deps
  const shutdown = createShutdownNotice()
  const runner: RunAttemptDeps = { ...deps.runner, shutdown: shutdown.notice }
  /** Attempts whose action is running: what maxInFlight limits. */
  const running = new Set<Promise<void>>()
  /** Finished attempts whose outcome is not committed yet. */
  const recording = new Set<Promise<void>>()
  /** Claimed batches still being launched. */
  const launching = new Set<Promise<void>>()
  let reserved = 0

  /** Runs a hook (metrics); a throwing hook must not stop an attempt. */
  function runHook(name: string, hook: () => void) {
    try {
      hook()
    } catch (err) {
      logger.error({ err: { message: (err as Error).message }, hook: name }, 'engine hook failed')
    }
  }

  /** Starts one claimed attempt; never throws (F2). */
  function start(attempt: ClaimedAttempt) {
    runHook('onClaimed', () => hooks.onClaimed?.(attempt))
    const work = (async () => {
      const outcome = await runAttempt(runner, attempt)
      // F3: waiting for the record as well capped throughput at maxInFlight / (call + record
      // latency) under load.
      const recorded = deps.recorder
        .record({ attempt, outcome })
        .then(() => runHook('onFinished', () => hooks.onFinished?.(attempt, outcome)))
      recording.add(recorded)
      void recorded.finally(() => recording.delete(recorded))
    })()
    running.add(work)
    void work.finally(() => {
      running.delete(work)
      deps.onSlotFreed()
    })
  }

  /**
   * Starts a claimed batch in slices: starting hundreds of requests in one go held the event loop for
   * tens of ms, and every database round trip of the claimers and the recorder waited behind it.
   * Never rejects, and launches everything even during shutdown (F2).
   */
  async function launchAll(claimed: readonly ClaimedAttempt[]) {
    for (let i = 0; i < claimed.length; i += LAUNCH_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve))
      for (const attempt of claimed.slice(i, i + LAUNCH_SLICE)) {
        reserved -= 1
        start(attempt)
      }
    }
  }

  return {
    busy: () => running.size + reserved,
    running: () => running.size,
    reserve(slots) {
      reserved += slots
    },
    release(slots) {
      reserved -= slots
    },
    launch(claimed) {
      const launched = launchAll(claimed)
      launching.add(launched)
      void launched.finally(() => launching.delete(launched))
    },
    async stop(graceMs) {
      // F2: every claimed attempt is started before the wait for running ones begins.
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
      // F4: nothing is left half-recorded.
      const unrecorded = await deps.recorder.drain(graceMs)
      await Promise.allSettled([...recording])
      return unrecorded
    },
  }
}
