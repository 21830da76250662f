/**
 * What one recording transaction writes for a batch of finished attempts: the execution rows, the
 * jobs they settle and pg-boss's complete/fail for every attempt commit together. One transaction
 * per attempt would cost ~7 round trips each; a batch of hundreds costs little more than one. An
 * action can ask for no retry (`retryable: false`: pg-boss completes the occurrence, our record says
 * failed) or to run the occurrence again later (`deferUntil`: completed and re-enqueued, no retry
 * used up).
 *
 * Invariants:
 *  R1. An attempt's outcome, the job status it settles, pg-boss's complete/fail of its occurrence
 *      and the recording hook's writes commit together or not at all.
 *  R2. pg-boss's complete/fail name the attempt ({id, retryCount}): an attempt whose occurrence
 *      pg-boss already handed out again leaves that redelivery alone.
 *  R3. Only an outcome of a `running` row is written, so recording an attempt twice changes nothing.
 *  R4. Only a job's last scheduled occurrence settles it, and only while the job is still scheduled
 *      at the occurrence's generation with nothing pending (writeOutcomes).
 */
import type { PgBoss } from 'pg-boss'
import { bossDb } from '../../db/boss-db.ts'
import type { Queryable } from '../../db/pool.ts'
import type { ExecutionOutcome } from '../repository/executions.ts'
import { writeOutcomes } from '../repository/outcomes.ts'
import { JOB_STATUS } from '../states.ts'
import { deferredOccurrenceId } from './boss.ts'
import type { ClaimedAttempt } from './claim.ts'
import type { FinishedAttempt, RecordingHook } from './hooks.ts'
import { type DeliverySettings, enqueueOccurrences, type PlannedOccurrence } from './occurrences.ts'

/** True when this was the last attempt pg-boss will make for the occurrence. */
export function isFinalAttempt(attempt: ClaimedAttempt, outcome: ExecutionOutcome): boolean {
  if (outcome.deferUntil) return false
  return (
    outcome.status === 'succeeded' ||
    outcome.retryable === false ||
    attempt.attempt >= attempt.job.maxAttempts ||
    // A replay is one attempt (retryExecution), whatever its number.
    attempt.bossJob.data.replay_of !== undefined
  )
}

type Target = { id: string; retryCount: number }

/** R2: the attempt, not just the occurrence. */
function target(attempt: ClaimedAttempt): Target {
  return { id: attempt.bossJob.id, retryCount: attempt.bossJob.retryCount }
}

function push(map: Map<string, Target[]>, queue: string, value: Target) {
  const list = map.get(queue)
  if (list) list.push(value)
  else map.set(queue, [value])
}

/** Records every finished attempt in `tx`. Throws (and the caller rolls back) if any part fails. */
export async function recordOutcomes(
  boss: PgBoss,
  tx: Queryable,
  finished: readonly FinishedAttempt[],
  delivery: DeliverySettings,
  alsoInTransaction?: RecordingHook,
): Promise<void> {
  if (finished.length === 0) return
  // R4: the last scheduled occurrence of a job decides its final status once it is settled.
  const settling = finished.filter(
    ({ attempt, outcome }) => !attempt.manual && isFinalAttempt(attempt, outcome),
  )
  await writeOutcomes(
    tx,
    finished.map(({ attempt, outcome }) => ({ id: attempt.executionId, outcome })),
    settling.map(({ attempt, outcome }) => ({
      id: attempt.job.id,
      generation: attempt.bossJob.data.generation,
      occurrenceAt: attempt.bossJob.data.due_at,
      status: outcome.status === 'succeeded' ? JOB_STATUS.completed : JOB_STATUS.failed,
    })),
    finished[0]?.outcome.finishedAt ?? new Date(),
  )

  const complete = new Map<string, Target[]>()
  const fail = new Map<string, Target[]>()
  const reruns: PlannedOccurrence[] = []
  for (const { attempt, outcome } of finished) {
    if (outcome.deferUntil) {
      push(complete, attempt.queue, target(attempt))
      // The same occurrence (generation as planned, so a changed job skips it), starting later.
      reruns.push({
        job: { ...attempt.job, generation: attempt.bossJob.data.generation },
        dueAt: attempt.dueAt,
        manual: attempt.manual,
        id: deferredOccurrenceId(attempt.bossJob.id, attempt.bossJob.retryCount),
        deferred: true,
        startAfter: outcome.deferUntil,
      })
    } else if (outcome.status === 'succeeded' || outcome.retryable === false) {
      push(complete, attempt.queue, target(attempt))
    } else {
      // pg-boss schedules the retry (or marks the occurrence failed after the last attempt).
      push(fail, attempt.queue, target(attempt))
    }
  }
  const db = bossDb(tx)
  for (const [queue, targets] of complete) await boss.complete(queue, targets, null, { db })
  for (const [queue, targets] of fail) await boss.fail(queue, targets, null, { db })
  if (reruns.length > 0) await enqueueOccurrences(boss, tx, reruns, delivery)
  await alsoInTransaction?.(tx, finished)
}
