/** retryExecution: replay a failed execution now, as one more attempt of its run (issue 20). */
import { z } from '@hono/zod-openapi'
import { problemResponses } from './http-schemas.ts'
import { ExecutionOutput, JobOutput, NowOutput, SummaryOutput } from './outputs.ts'
import { defineTool, type ToolDeps } from './types.ts'

const ID_WORDS = 'The id (UUID) of the failed execution, from listExecutions with outcome "failed".'
const REPLAY_WORDS =
  'The new attempt: execution_id (read it with getExecution), attempt, status (queued until it starts).'
const DUPLICATE_WORDS = 'True when this execution had already been replayed.'

const ExecutionIdParam = z.object({
  execution_id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'execution_id', in: 'path' }, description: ID_WORDS }),
})

const ReplayResponse = z
  .object({
    replay: z.record(z.string(), z.unknown()).openapi({ description: REPLAY_WORDS }),
    replay_of: z.record(z.string(), z.unknown()),
    job: z.record(z.string(), z.unknown()),
    summary: z.string().openapi({ description: 'A sentence to tell the user.' }),
    duplicate: z.boolean().openapi({ description: DUPLICATE_WORDS }),
    now: z.string(),
  })
  .openapi('Replay')

export function retryExecutionTool({ scheduler }: ToolDeps) {
  return defineTool({
    name: 'retryExecution',
    title: 'Replay a failed execution',
    description:
      "Runs a failed execution's run again now, as one more attempt (numbered after its last), also for paused, completed or failed jobs; not for cancelled jobs, succeeded or still running executions, or an execution a later attempt followed (replay that one). Safe to retry: replaying the same execution again returns the first replay (duplicate true).",
    input: z.object({ execution_id: z.string().max(100).meta({ description: ID_WORDS }) }),
    output: z.object({
      replay: z
        .looseObject({ execution_id: z.string(), attempt: z.number(), status: z.string() })
        .meta({ description: REPLAY_WORDS }),
      replay_of: ExecutionOutput,
      job: JobOutput,
      summary: SummaryOutput,
      duplicate: z.boolean().meta({ description: DUPLICATE_WORDS }),
      now: NowOutput,
    }),
    // Replaying the same execution again returns the first replay.
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: true,
    },
    http: {
      method: 'post',
      path: '/executions/{execution_id}/retry',
      request: { params: ExecutionIdParam },
      responses: {
        200: {
          description: 'Already replayed (duplicate: true)',
          content: { 'application/json': { schema: ReplayResponse } },
        },
        202: {
          description: 'The replay is queued and runs now',
          content: { 'application/json': { schema: ReplayResponse } },
        },
        401: problemResponses[401],
        404: problemResponses[404],
        409: problemResponses[409],
      },
      status: (output) => ((output as { duplicate: boolean }).duplicate ? 200 : 202),
    },
    handler: (input, ctx) => scheduler.retryExecution(input.execution_id, ctx.actor),
  })
}
