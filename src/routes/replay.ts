/** retryExecution: replay a failed execution now, as one more attempt of its run (issue 20). */
import { z } from '@hono/zod-openapi'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { SchedulerService } from '../scheduler/service/index.ts'
import { problemResponses } from './scheduling-schemas.ts'

const ExecutionIdParam = z.object({
  execution_id: z
    .string()
    .max(100)
    .openapi({
      param: { name: 'execution_id', in: 'path' },
      description:
        'The id (UUID) of the failed execution, from listExecutions with outcome "failed".',
    }),
})

const ReplayResponse = z
  .object({
    replay: z.record(z.string(), z.unknown()).openapi({
      description:
        'The new attempt: execution_id (read it with getExecution), attempt, status (queued until it starts).',
    }),
    replay_of: z.record(z.string(), z.unknown()),
    job: z.record(z.string(), z.unknown()),
    summary: z.string().openapi({ description: 'A sentence to tell the user.' }),
    duplicate: z
      .boolean()
      .openapi({ description: 'True when this execution had already been replayed.' }),
    now: z.string(),
  })
  .openapi('Replay')

export const retryExecutionRoute = protectedRoute({
  method: 'post',
  path: '/executions/{execution_id}/retry',
  operationId: 'retryExecution',
  summary: 'Replay a failed execution',
  description:
    "Runs a failed execution's run again now, as one more attempt (numbered after its last), also for paused, completed or failed jobs; not for cancelled jobs, succeeded or still running executions, or an execution a later attempt followed (replay that one). Safe to retry: replaying the same execution again returns the first replay (duplicate true).",
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
})

export function createReplayRoutes({ service }: { service: SchedulerService }) {
  return createRouter().openapi(retryExecutionRoute, async (c) => {
    const result = await service.retryExecution(c.req.valid('param').execution_id, {
      name: c.get('apiKeyName') ?? 'anonymous',
      via: 'api',
    })
    return c.json(result, result.duplicate ? 200 : 202)
  })
}
