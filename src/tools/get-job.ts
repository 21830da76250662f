/** getJob: one job with its status, schedule, next run and last execution. */
import { z } from '@hono/zod-openapi'
import { jobResponses } from './http-schemas.ts'
import { JobIdParam, jobIdField } from './job-id.ts'
import { JobResultOutput } from './outputs.ts'
import { defineTool, type ToolDeps } from './types.ts'

export function getJobTool({ scheduler }: ToolDeps) {
  return defineTool({
    name: 'getJob',
    title: 'Get one job',
    description:
      'Returns a job with its status, schedule, next run time (UTC and local), run count and last execution.',
    input: z.object({ job_id: jobIdField }),
    output: JobResultOutput,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    http: {
      method: 'get',
      path: '/jobs/{job_id}',
      request: { params: JobIdParam },
      responses: jobResponses('The job'),
    },
    handler: (input) => scheduler.getJob(input.job_id),
  })
}
