/**
 * The points where the rest of the server joins an attempt's life (metrics, ClickUp write-back).
 * Registered on the engine once its parts are built (engine.registerHooks), so a hook may use
 * services that are themselves built on the engine.
 */
import type { Queryable } from '../../db/pool.ts'
import type { ExecutionOutcome } from '../repository/executions.ts'
import type { AbandonedAttempt } from '../repository/outcomes.ts'
import type { ClaimedAttempt } from './claim.ts'

/** A finished attempt and what it did, as a recording transaction writes it. */
export interface FinishedAttempt {
  attempt: ClaimedAttempt
  outcome: ExecutionOutcome
}

/**
 * Runs inside the transaction that records a batch, after its writes: what it writes (e.g. a
 * follow-up job in another queue) commits with the outcomes or not at all, so a crash between the two
 * cannot lose it. Throwing rolls the batch back, like any failed write.
 */
export type RecordingHook = (tx: Queryable, finished: readonly FinishedAttempt[]) => Promise<void>

/**
 * Runs inside the sweep's transaction with the attempts it closed: what it writes (e.g. a write-back)
 * commits with the closing or not at all.
 */
export type AbandonHook = (tx: Queryable, closed: readonly AbandonedAttempt[]) => Promise<void>

export interface EngineHooks {
  /** After a claim commits, for each attempt it opened, before the attempt runs. */
  onClaimed?: (attempt: ClaimedAttempt) => void
  /** Inside every transaction that records outcomes (see RecordingHook). */
  onRecording?: RecordingHook
  /** After the attempt's outcome is committed; for what may be lost in a crash (metrics). */
  onFinished?: (attempt: ClaimedAttempt, outcome: ExecutionOutcome) => void
  /** Inside the sweep transaction that closes attempts whose process died (see AbandonHook). */
  onAbandoned?: AbandonHook
}
