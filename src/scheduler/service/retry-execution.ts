/**
 * retryExecution: run the occurrence of a failed execution again now, as one more attempt (numbered
 * after its last), whatever the job's state but cancelled. Idempotent per execution: the replay's
 * pg-boss id is derived from the execution's, so a repeated request (Dify re-sends POSTs) finds the
 * replay it already queued and answers it again with `duplicate: true`.
 */
import { withTransaction } from '../../db/pool.ts'
import { conflictProblem, notFoundProblem } from '../../problem-error.ts'
import { executionIdFor, replayOccurrenceId } from '../engine/boss.ts'
import { whenLocal } from '../outcome-words.ts'
import { type ExecutionRecord, findExecution } from '../repository/executions.ts'
import { findJob, type JobRecord } from '../repository/jobs.ts'
import { findLaterAttempt } from '../repository/replays.ts'
import { JOB_STATUS } from '../states.ts'
import { localIso } from '../timing/index.ts'
import { executionView, jobView } from '../views.ts'
import { recordChange } from './audit.ts'
import type { Actor, ServiceContext } from './context.ts'
import { assertJobId } from './fields.ts'

/** Failures the engine runs again by itself: replaying them would run the occurrence twice. */
const RERUN_BY_ITSELF = new Set(['deferred', 'shutdown'])
/** pg-boss states in which the occurrence will still be tried. */
const STILL_PENDING = new Set(['created', 'retry', 'active'])

type Tx = Parameters<typeof findJob>[0]

function refuse(execution: ExecutionRecord, why: string, extra: Record<string, unknown> = {}) {
  return conflictProblem(`Cannot replay execution ${execution.id}: ${why}`, {
    execution_id: execution.id,
    ...extra,
  })
}

/** Throws the 409 that says why this execution cannot be replayed now, if it cannot. */
async function assertReplayable(
  ctx: ServiceContext,
  tx: Tx,
  execution: ExecutionRecord,
  job: JobRecord,
) {
  if (execution.reportsExecutionId) {
    throw refuse(
      execution,
      `it is a callback reporting execution ${execution.reportsExecutionId}; callbacks are retried by themselves and are not replayed. Replay that execution instead if it failed.`,
    )
  }
  if (job.status === JOB_STATUS.cancelled) {
    throw refuse(execution, `job ${job.id} ("${job.name}") is cancelled. Create a new job instead.`)
  }
  if (execution.status !== 'failed') {
    throw refuse(
      execution,
      execution.status === 'succeeded'
        ? 'it succeeded; there is nothing to replay. Use runJobNow to run the job again anyway.'
        : 'it is still running; wait for it to finish.',
      { execution_status: execution.status },
    )
  }
  if (execution.errorClass !== null && RERUN_BY_ITSELF.has(execution.errorClass)) {
    throw refuse(
      execution,
      `it was not a failure (${execution.errorClass}); the run goes on by itself.`,
    )
  }
  const later = await findLaterAttempt(tx, execution)
  if (later) {
    throw refuse(
      execution,
      `attempt ${later.attempt} of the same run came after it (execution ${later.id}, ${later.status}). ${later.status === 'failed' ? 'Replay that one instead.' : 'Nothing to replay.'}`,
      { later_execution_id: later.id },
    )
  }
  const state = await ctx.engine.occurrenceState(tx, job.actionKind, execution.bossJobId)
  if (state && STILL_PENDING.has(state)) {
    throw refuse(
      execution,
      `attempt ${execution.attempt + 1} of ${job.maxAttempts} is already planned; it runs by itself.`,
    )
  }
  if (!ctx.registry.get(job.actionKind)) {
    throw refuse(execution, `this server no longer runs ${job.actionKind} jobs.`)
  }
}

export async function retryExecution(ctx: ServiceContext, id: string, actor: Actor) {
  assertJobId(id, 'Execution')
  const now = ctx.clock.now()
  const replayId = replayOccurrenceId(id)
  const outcome = await withTransaction(ctx.pool, async (tx) => {
    const execution = await findExecution(tx, id)
    if (!execution) {
      throw notFoundProblem(
        'Execution',
        `There is no execution with id "${id}". Use listExecutions with outcome "failed" to find one.`,
      )
    }
    // Locked: serialises replays of the same job, so two identical requests see each other's.
    const job = await findJob(tx, execution.jobId, { forUpdate: true })
    if (!job) throw refuse(execution, 'its job no longer exists.')
    const attempt = execution.attempt + 1
    const replayExecutionId = executionIdFor(replayId, attempt)
    const queued =
      (await findExecution(tx, replayExecutionId)) ??
      ((await ctx.engine.occurrenceState(tx, job.actionKind, replayId))
        ? ('queued' as const)
        : null)
    if (queued) return { execution, job, attempt, replayExecutionId, queued, duplicate: true }
    await assertReplayable(ctx, tx, execution, job)
    await ctx.engine.enqueueReplay(tx, job, {
      executionId: execution.id,
      dueAt: execution.occurrenceAt,
      manual: execution.manual,
      previousAttempts: execution.attempt,
    })
    await recordChange(tx, job, actor, 'replay', { execution_id: execution.id, attempt }, now)
    return {
      execution,
      job,
      attempt,
      replayExecutionId,
      queued: 'queued' as const,
      duplicate: false,
    }
  })
  if (!outcome.duplicate) ctx.engine.notifyPlanned(now)
  const { execution, job, attempt, replayExecutionId, queued } = outcome
  const replay =
    queued === 'queued'
      ? {
          execution_id: replayExecutionId,
          attempt,
          status: 'queued',
          occurrence_at: execution.occurrenceAt.toISOString(),
          occurrence_local: localIso(execution.occurrenceAt, job.timezone),
        }
      : { ...executionView(queued, job), execution_id: replayExecutionId }
  const run = execution.manual
    ? 'the manual run'
    : `the run due ${whenLocal(execution.occurrenceAt, job.timezone)}`
  const summary = outcome.duplicate
    ? `This execution was already replayed: attempt ${attempt} of ${run} is ${replay.status}.${replay.status === 'failed' ? ` To try once more, replay execution ${replayExecutionId}.` : ` Read it with getExecution ${replayExecutionId}.`}`
    : `Attempt ${attempt} of ${run} of "${job.name}" runs now. Read its outcome with getExecution ${replayExecutionId} in a few seconds.`
  return {
    replay,
    replay_of: executionView(execution, job),
    job: jobView(job, ctx.registry),
    summary,
    duplicate: outcome.duplicate,
    now: now.toISOString(),
  }
}
