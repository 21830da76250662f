/** The scheduler service: every agent-facing scheduling operation, bound to its dependencies once. */

import { cancelJob, pauseJob, resumeJob, runJobNow } from './change-job.ts'
import type { ServiceContext } from './context.ts'
import { createJob } from './create-job.ts'
import {
  findJobRecord,
  getExecution,
  getJob,
  listExecutions,
  listJobs,
  previewSchedule,
} from './read.ts'
import { updateJob } from './update-job.ts'

export type { JobRecord } from '../repository/jobs.ts'
export type { Actor, SchedulerSettings, ServiceContext } from './context.ts'

export function createSchedulerService(ctx: ServiceContext) {
  return {
    createJob: (
      kind: string,
      input: Record<string, unknown>,
      actor: Parameters<typeof createJob>[3],
    ) => createJob(ctx, kind, input, actor),
    updateJob: (id: string, input: Record<string, unknown>) => updateJob(ctx, id, input),
    pauseJob: (id: string) => pauseJob(ctx, id),
    resumeJob: (id: string) => resumeJob(ctx, id),
    cancelJob: (id: string) => cancelJob(ctx, id),
    runJobNow: (id: string) => runJobNow(ctx, id),
    getJob: (id: string) => getJob(ctx, id),
    findJobRecord: (id: string) => findJobRecord(ctx, id),
    listJobs: (input: Parameters<typeof listJobs>[1]) => listJobs(ctx, input),
    listExecutions: (jobId: string, input: Parameters<typeof listExecutions>[2]) =>
      listExecutions(ctx, jobId, input),
    getExecution: (id: string) => getExecution(ctx, id),
    previewSchedule: (input: Record<string, unknown>, count: number) =>
      previewSchedule(ctx, input, count),
  }
}

export type SchedulerService = ReturnType<typeof createSchedulerService>
