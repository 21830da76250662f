/** The scheduler service: every agent-facing scheduling operation, bound to its dependencies once. */

import { cancelJob, pauseJob, resumeJob, runJobNow } from './change-job.ts'
import type { Actor, ServiceContext } from './context.ts'
import { createJob } from './create-job.ts'
import { getJobDetail } from './job-detail.ts'
import { listJobs } from './list-jobs.ts'
import { getOverview } from './overview.ts'
import { findJobRecord, getExecution, getJob, listExecutions, previewSchedule } from './read.ts'
import { retryExecution } from './retry-execution.ts'
import { updateJob } from './update-job.ts'

export type { JobRecord } from '../repository/jobs.ts'
export type { Actor, SchedulerSettings, ServiceContext } from './context.ts'

export function createSchedulerService(ctx: ServiceContext) {
  return {
    /** The limits descriptions and hints state (read-only). */
    settings: ctx.settings as Readonly<ServiceContext['settings']>,
    createJob: (
      kind: string,
      input: Record<string, unknown>,
      actor: Parameters<typeof createJob>[3],
    ) => createJob(ctx, kind, input, actor),
    updateJob: (id: string, input: Record<string, unknown>, actor: Actor) =>
      updateJob(ctx, id, input, actor),
    pauseJob: (id: string, actor: Actor) => pauseJob(ctx, id, actor),
    resumeJob: (id: string, actor: Actor) => resumeJob(ctx, id, actor),
    cancelJob: (id: string, actor: Actor) => cancelJob(ctx, id, actor),
    runJobNow: (id: string, actor: Actor) => runJobNow(ctx, id, actor),
    getJob: (id: string) => getJob(ctx, id),
    findJobRecord: (id: string) => findJobRecord(ctx, id),
    listJobs: (input: Parameters<typeof listJobs>[1]) => listJobs(ctx, input),
    listExecutions: (jobId: string, input: Parameters<typeof listExecutions>[2]) =>
      listExecutions(ctx, jobId, input),
    getExecution: (id: string) => getExecution(ctx, id),
    retryExecution: (id: string, actor: Actor) => retryExecution(ctx, id, actor),
    previewSchedule: (input: Record<string, unknown>, count: number) =>
      previewSchedule(ctx, input, count),
    getJobDetail: (id: string) => getJobDetail(ctx, id),
    getOverview: () => getOverview(ctx),
  }
}

export type SchedulerService = ReturnType<typeof createSchedulerService>
