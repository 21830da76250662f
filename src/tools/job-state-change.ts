/** What pauseJob, resumeJob, cancelJob and runJobNow share: a job id in, the job after the change out. */
import { z } from '@hono/zod-openapi'
import type { Actor } from '../scheduler/service/index.ts'
import type { JobResult } from '../scheduler/service/results.ts'
import { jobResponses } from './http-schemas.ts'
import { JobIdParam, jobIdField } from './job-id.ts'
import { JobResultOutput } from './outputs.ts'
import { defineTool, type ToolAnnotations } from './types.ts'

export interface JobStateChange {
  name: string
  /** The last path segment: POST /jobs/{job_id}/<verb>. */
  verb: string
  title: string
  description: string
  annotations: ToolAnnotations
  change(jobId: string, actor: Actor): Promise<JobResult>
}

export function jobStateChangeTool(spec: JobStateChange) {
  return defineTool({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input: z.object({ job_id: jobIdField }),
    output: JobResultOutput,
    annotations: spec.annotations,
    http: {
      method: 'post',
      path: `/jobs/{job_id}/${spec.verb}`,
      request: { params: JobIdParam },
      responses: jobResponses('The job after the change'),
    },
    handler: (input, ctx) => spec.change(input.job_id, ctx.actor),
  })
}
