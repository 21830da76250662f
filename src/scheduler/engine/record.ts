/**
 * Recording an attempt's outcome: the execution row, the job's status, and pg-boss's completion or
 * failure (which schedules the retry) commit together, so a result is never half-written.
 */
import type { PgBoss } from 'pg-boss'
import type { Queryable } from '../../db/pool.ts'
import { type ExecutionOutcome, finishExecution } from '../repository/executions.ts'
import { findJob, updateJob } from '../repository/jobs.ts'
import { JOB_STATUS } from '../states.ts'
import { bossDb } from './boss.ts'
import type { ClaimedAttempt } from './claim.ts'

/** True when this was the last attempt pg-boss will make for the occurrence. */
export function isFinalAttempt(attempt: ClaimedAttempt, outcome: ExecutionOutcome): boolean {
  return outcome.status === 'succeeded' || attempt.attempt >= attempt.job.maxAttempts
}

export async function recordOutcome(
  boss: PgBoss,
  tx: Queryable,
  attempt: ClaimedAttempt,
  outcome: ExecutionOutcome,
): Promise<void> {
  await finishExecution(tx, attempt.executionId, outcome)
  const job = await findJob(tx, attempt.job.id, { forUpdate: true })
  // The last scheduled occurrence of a job decides its final status once it is settled.
  const settlesJob =
    job !== null &&
    !attempt.manual &&
    isFinalAttempt(attempt, outcome) &&
    job.status === JOB_STATUS.scheduled &&
    job.nextRunAt === null &&
    job.generation === attempt.bossJob.data.generation
  if (settlesJob) {
    const status = outcome.status === 'succeeded' ? JOB_STATUS.completed : JOB_STATUS.failed
    await updateJob(tx, attempt.job.id, { status }, outcome.finishedAt)
  }
  const target = { id: attempt.bossJob.id, retryCount: attempt.bossJob.retryCount }
  if (outcome.status === 'succeeded') {
    await boss.complete(
      attempt.queue,
      target,
      { execution_id: attempt.executionId },
      { db: bossDb(tx) },
    )
  } else {
    await boss.fail(
      attempt.queue,
      target,
      { execution_id: attempt.executionId, error_class: outcome.errorClass ?? null },
      { db: bossDb(tx) },
    )
  }
}
