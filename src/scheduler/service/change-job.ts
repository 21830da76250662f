/**
 * Changing a job's state: pause, resume, cancel, run now. Each runs in one transaction with the job
 * row locked, and replaces the pending occurrence by bumping the generation (a stale one that still
 * fires sees the mismatch and does nothing).
 */
import { withTransaction } from '../../db/pool.ts'
import { conflictProblem, notFoundProblem } from '../../problem-error.ts'
import { findJob, type JobPatch, type JobRecord, updateJob } from '../repository/jobs.ts'
import { JOB_STATUS, type JobStatus } from '../states.ts'
import { nextOccurrence } from '../timing/index.ts'
import { changed, recordChange } from './audit.ts'
import type { Actor, ServiceContext } from './context.ts'
import { assertJobId } from './fields.ts'
import { type JobResult, jobResult } from './results.ts'

type Tx = Parameters<typeof findJob>[0]

/** Locks the job or throws 404. */
export async function lockJob(tx: Tx, id: string): Promise<JobRecord> {
  const job = await findJob(tx, id, { forUpdate: true })
  if (!job)
    throw notFoundProblem('Job', `There is no job with id "${id}". Use listJobs to find one.`)
  return job
}

export function refuseTransition(
  job: JobRecord,
  verb: string,
  allowed: readonly JobStatus[],
): never {
  const advice: Record<JobStatus, string> = {
    scheduled: 'It is scheduled; pause or cancel it instead.',
    paused: 'It is paused; resume or cancel it.',
    completed: 'It has completed; create a new job (or updateJob with new timing) to run it again.',
    cancelled: 'Cancelled jobs stay cancelled; create a new job instead.',
    failed: 'It failed; use runJobNow to retry it once, or updateJob with new timing.',
  }
  throw conflictProblem(
    `Cannot ${verb} job ${job.id} ("${job.name}") because it is ${job.status}; only ${allowed.join(' or ')} jobs can be ${verb}d. ${advice[job.status]}`,
    { job_id: job.id, job_status: job.status },
  )
}

/** The withdrawn pending occurrence never ran, so it no longer counts toward max_runs. */
export function withdrawn(job: JobRecord): Pick<JobPatch, 'nextRunAt' | 'occurrencesPlanned'> {
  return {
    nextRunAt: null,
    occurrencesPlanned: job.nextRunAt ? job.occurrencesPlanned - 1 : job.occurrencesPlanned,
  }
}

/**
 * Applies `patch` with a new generation: from now on the old pending occurrence is stale and does
 * nothing if it fires. (It is withdrawn from pg-boss after commit, see withdrawStale.)
 */
async function replacePending(tx: Tx, job: JobRecord, patch: JobPatch, now: Date) {
  const updated = await updateJob(tx, job.id, { ...patch, generation: job.generation + 1 }, now)
  if (!updated) throw new Error(`job ${job.id} vanished inside its own transaction`)
  return updated
}

/** Enqueues the pending occurrence of `job` (already carrying its new generation and nextRunAt). */
async function enqueuePending(ctx: ServiceContext, tx: Tx, job: JobRecord) {
  if (job.nextRunAt) await ctx.engine.enqueueScheduled(tx, job, job.nextRunAt)
}

/**
 * After commit: cancel the replaced occurrence in pg-boss so it does not linger until its due time.
 * Done outside the job's transaction on purpose: a claim holds the pg-boss row and then waits for
 * the job row, so cancelling inside would lock in the opposite order and could deadlock. Best
 * effort: a stale occurrence that still fires sees the new generation and does nothing.
 */
export async function withdrawStale(
  ctx: ServiceContext,
  before: JobRecord,
  after: JobRecord,
): Promise<void> {
  if (before.generation === after.generation || !before.nextRunAt) return
  try {
    await ctx.engine.withdrawPending(ctx.pool, before)
  } catch {
    // Harmless: the generation check makes the old occurrence a no-op.
  }
}

/** Applies a state change under the job's lock and records it (who, through what) with it. */
async function change(
  ctx: ServiceContext,
  id: string,
  actor: Actor,
  kind: 'pause' | 'resume' | 'cancel',
  apply: (tx: Tx, job: JobRecord, now: Date) => Promise<JobRecord>,
): Promise<JobResult> {
  assertJobId(id)
  const now = ctx.clock.now()
  const { before, after } = await withTransaction(ctx.pool, async (tx) => {
    const locked = await lockJob(tx, id)
    const applied = await apply(tx, locked, now)
    if (changed(locked, applied)) {
      await recordChange(tx, applied, actor, kind, { from: locked.status, to: applied.status }, now)
    }
    return { before: locked, after: applied }
  })
  await withdrawStale(ctx, before, after)
  if (after.nextRunAt) ctx.engine.notifyPlanned(after.nextRunAt)
  return jobResult(ctx, after, now)
}

/** Pausing a paused job is a no-op (safe to retry); other states than scheduled are a 409. */
export function pauseJob(ctx: ServiceContext, id: string, actor: Actor): Promise<JobResult> {
  return change(ctx, id, actor, 'pause', async (tx, job, now) => {
    if (job.status === JOB_STATUS.paused) return job
    if (job.status !== JOB_STATUS.scheduled) refuseTransition(job, 'pause', [JOB_STATUS.scheduled])
    return replacePending(tx, job, { status: JOB_STATUS.paused, ...withdrawn(job) }, now)
  })
}

/** The next due time after a pause: a one-time job whose moment passed runs at once. */
export function nextRunOnResume(job: JobRecord, now: Date): Date | null {
  if (job.schedule.kind === 'once') {
    const runAt = new Date(job.schedule.runAt)
    return job.occurrencesPlanned > 0 ? null : runAt > now ? runAt : now
  }
  return nextOccurrence(job.schedule, now, job.occurrencesPlanned)
}

export function resumeJob(ctx: ServiceContext, id: string, actor: Actor): Promise<JobResult> {
  return change(ctx, id, actor, 'resume', async (tx, job, now) => {
    if (job.status === JOB_STATUS.scheduled) return job
    if (job.status !== JOB_STATUS.paused) refuseTransition(job, 'resume', [JOB_STATUS.paused])
    const next = nextRunOnResume(job, now)
    const updated = await replacePending(
      tx,
      job,
      next
        ? {
            status: JOB_STATUS.scheduled,
            nextRunAt: next,
            occurrencesPlanned: job.occurrencesPlanned + 1,
          }
        : { status: JOB_STATUS.completed, nextRunAt: null },
      now,
    )
    await enqueuePending(ctx, tx, updated)
    return updated
  })
}

export function cancelJob(ctx: ServiceContext, id: string, actor: Actor): Promise<JobResult> {
  return change(ctx, id, actor, 'cancel', async (tx, job, now) => {
    if (job.status === JOB_STATUS.cancelled) return job
    if (job.status !== JOB_STATUS.scheduled && job.status !== JOB_STATUS.paused) {
      refuseTransition(job, 'cancel', [JOB_STATUS.scheduled, JOB_STATUS.paused])
    }
    return replacePending(tx, job, { status: JOB_STATUS.cancelled, ...withdrawn(job) }, now)
  })
}

/** Adds one occurrence due now; the schedule (and a pause) is left as it is. */
export async function runJobNow(ctx: ServiceContext, id: string, actor: Actor): Promise<JobResult> {
  assertJobId(id)
  const now = ctx.clock.now()
  const job = await withTransaction(ctx.pool, async (tx) => {
    const locked = await lockJob(tx, id)
    if (locked.status === JOB_STATUS.cancelled) {
      refuseTransition(locked, 'run', [
        JOB_STATUS.scheduled,
        JOB_STATUS.paused,
        JOB_STATUS.completed,
        JOB_STATUS.failed,
      ])
    }
    await ctx.engine.enqueueManual(tx, locked, now)
    await recordChange(tx, locked, actor, 'run_now', { due_at: now.toISOString() }, now)
    return locked
  })
  ctx.engine.notifyPlanned(now)
  const result = jobResult(ctx, job, now)
  return { ...result, summary: `${result.summary} One extra run was added now.` }
}

export { enqueuePending, replacePending }
