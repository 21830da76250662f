/** One job with everything a person looks at: its view, the next runs and its audit trail. */
import { notFoundProblem } from '../../problem-error.ts'
import { listJobChanges } from '../repository/job-changes.ts'
import { findJob } from '../repository/jobs.ts'
import { type RunTime, toRunTime } from '../timing/index.ts'
import type { ServiceContext } from './context.ts'
import { assertJobId } from './fields.ts'
import { type JobResult, jobResult, upcomingRuns } from './results.ts'

const CHANGES_SHOWN = 100

export interface JobChangeView {
  at: string
  actor: string
  via: string
  change: string
  detail: Record<string, unknown>
}

export interface JobDetail extends JobResult {
  /** The next due times (up to 5) from the pending occurrence on, as the tools report them. */
  next_runs: RunTime[]
  /** Newest first: who changed the job, through which face, and what. */
  changes: JobChangeView[]
}

export async function getJobDetail(ctx: ServiceContext, id: string): Promise<JobDetail> {
  assertJobId(id)
  const job = await findJob(ctx.pool, id)
  if (!job)
    throw notFoundProblem('Job', `There is no job with id "${id}". Use listJobs to find one.`)
  const changes = await listJobChanges(ctx.pool, id, CHANGES_SHOWN)
  return {
    ...jobResult(ctx, job, ctx.clock.now()),
    next_runs: upcomingRuns(job).map((d) => toRunTime(d, job.timezone)),
    changes: changes.map((c) => ({
      at: c.changedAt.toISOString(),
      actor: c.actor,
      via: c.via,
      change: c.change,
      detail: c.detail,
    })),
  }
}
