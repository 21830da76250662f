/** getExecution: one attempt of a job, with what was sent and what came back. */
import { z } from '@hono/zod-openapi'
import { problemResponses } from './http-schemas.ts'
import { ExecutionOutput, NowOutput } from './outputs.ts'
import { defineTool, type ToolDeps } from './types.ts'

const ID_WORDS = 'The execution id (UUID) from listExecutions or a job’s last_execution.'

const ExecutionIdParam = z.object({
  execution_id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'execution_id', in: 'path' }, description: ID_WORDS }),
})

const ExecutionResult = z
  .object({ execution: z.record(z.string(), z.unknown()), now: z.string() })
  .openapi('ExecutionResult')

export function getExecutionTool({ scheduler }: ToolDeps) {
  return defineTool({
    name: 'getExecution',
    title: 'Get one execution',
    description:
      "Returns one attempt of a job: a one-sentence summary to tell the user, due, start and finish times in UTC and in the job's zone (*_local), attempt, status, what was sent, the response status and (truncated) body, and the error if it failed.",
    input: z.object({ execution_id: z.string().max(100).meta({ description: ID_WORDS }) }),
    output: z.object({ execution: ExecutionOutput, now: NowOutput }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    http: {
      method: 'get',
      path: '/executions/{execution_id}',
      request: { params: ExecutionIdParam },
      responses: {
        200: {
          description: 'The execution',
          content: { 'application/json': { schema: ExecutionResult } },
        },
        401: problemResponses[401],
        404: problemResponses[404],
      },
    },
    summarize: (result) => result.execution.summary,
    handler: (input) => scheduler.getExecution(input.execution_id),
  })
}
