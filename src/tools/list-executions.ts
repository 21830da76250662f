/** listExecutions: a job's attempts, newest first, each with a sentence to tell the user. */
import { z } from '@hono/zod-openapi'
import { problemResponses } from './http-schemas.ts'
import { JobIdParam, jobIdField } from './job-id.ts'
import { ExecutionOutput, NowOutput, PageCursor } from './outputs.ts'
import { flatPaging, mcpPaging } from './paging.ts'
import { defineTool, type ToolDeps } from './types.ts'

const SUMMARY_WORDS = 'The newest attempt in a sentence, or when the first run is due.'
const OUTCOME_WORDS =
  'Only executions that ended so. One of: failed, succeeded, running. "failed" lists what retryExecution can replay.'

const ExecutionListResponse = z
  .object({
    executions: z.array(z.record(z.string(), z.unknown())),
    next_cursor: z.string().nullable(),
    summary: z.string().openapi({ description: SUMMARY_WORDS }),
    now: z.string(),
  })
  .openapi('ExecutionList')

export function listExecutionsTool({ scheduler }: ToolDeps) {
  return defineTool({
    name: 'listExecutions',
    title: 'List a job’s executions',
    description:
      "Lists the attempts of a job, newest first: a one-sentence summary to tell the user, the due and start times in UTC and in the job's zone (*_local), attempt number, status, lateness, duration, response status and error.",
    input: z.object({
      job_id: jobIdField,
      outcome: z.string().max(20).optional().meta({ description: OUTCOME_WORDS }),
      ...mcpPaging,
    }),
    output: z.object({
      executions: z.array(ExecutionOutput),
      next_cursor: PageCursor,
      summary: z.string().meta({ description: SUMMARY_WORDS }),
      now: NowOutput,
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    http: {
      method: 'get',
      path: '/jobs/{job_id}/executions',
      request: {
        params: JobIdParam,
        query: z.object({
          outcome: z.string().max(20).optional().openapi({ description: OUTCOME_WORDS }),
          ...flatPaging,
        }),
      },
      responses: {
        200: {
          description: 'A page of executions',
          content: { 'application/json': { schema: ExecutionListResponse } },
        },
        401: problemResponses[401],
        404: problemResponses[404],
        422: problemResponses[422],
      },
    },
    handler: (input) => scheduler.listExecutions(input.job_id, input),
  })
}
