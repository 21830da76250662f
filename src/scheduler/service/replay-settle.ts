/** Engine hook for replays (retryExecution): a replay that succeeded completes the job it had failed. */
import type { Queryable } from '../../db/pool.ts'
import type { FinishedAttempt } from '../engine/index.ts'
import { completeReplayedJobs } from '../repository/replays.ts'

/** Inside the recording transaction: successful replays of scheduled occurrences. */
export function settleReplays(
  tx: Queryable,
  finished: readonly FinishedAttempt[],
  now: Date,
): Promise<void> {
  return completeReplayedJobs(
    tx,
    finished
      .filter(
        ({ attempt, outcome }) =>
          attempt.bossJob.data.replay_of !== undefined &&
          !attempt.manual &&
          outcome.status === 'succeeded',
      )
      .map(({ attempt }) => ({ jobId: attempt.job.id, occurrenceAt: attempt.bossJob.data.due_at })),
    now,
  )
}
