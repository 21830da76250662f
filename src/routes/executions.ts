/** getExecution and previewSchedule: reading one attempt, and trying timing without saving anything. */
import { z } from '@hono/zod-openapi'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { SchedulerService } from '../scheduler/service/index.ts'
import { MAX_PREVIEW_COUNT } from '../scheduler/service/read.ts'
import { problemResponses, RunTimeObject, timingFields } from './scheduling-schemas.ts'

const ExecutionIdParam = z.object({
  execution_id: z
    .string()
    .max(100)
    .openapi({
      param: { name: 'execution_id', in: 'path' },
      description: 'The execution id (UUID) from listExecutions or a job’s last_execution.',
    }),
})

export const getExecutionRoute = protectedRoute({
  method: 'get',
  path: '/executions/{execution_id}',
  operationId: 'getExecution',
  summary: 'Get one execution',
  description:
    'Returns one attempt of a job: due time, attempt, status, timing, what was sent, the response status and (truncated) body, and the error if it failed.',
  request: { params: ExecutionIdParam },
  responses: {
    200: {
      description: 'The execution',
      content: {
        'application/json': {
          schema: z
            .object({ execution: z.record(z.string(), z.unknown()), now: z.string() })
            .openapi('ExecutionResult'),
        },
      },
    },
    401: problemResponses[401],
    404: problemResponses[404],
  },
})

const PreviewBody = z.object({
  ...timingFields,
  count: z
    .number()
    .int()
    .min(1)
    .max(MAX_PREVIEW_COUNT)
    .nullish()
    .openapi({
      description: `How many upcoming runs to list, 1–${MAX_PREVIEW_COUNT}, default 5.`,
      example: 5,
    }),
})

const PreviewResponse = z
  .object({
    next_runs: z.array(RunTimeObject),
    summary: z.string(),
    warnings: z.array(z.string()),
    timezone: z.string(),
    now: z.string(),
  })
  .openapi('SchedulePreview')

export const previewScheduleRoute = protectedRoute({
  method: 'post',
  path: '/schedules/preview',
  operationId: 'previewSchedule',
  summary: 'Preview a schedule',
  description:
    'Shows when a schedule would run, without creating anything: the next runs in UTC and local time, a sentence describing it, and warnings (time already past, DST shifts, very frequent, ends before the first run). Use it to check a cron or time with the user before scheduling.',
  request: { body: { content: { 'application/json': { schema: PreviewBody } }, required: true } },
  responses: {
    200: {
      description: 'The preview',
      content: { 'application/json': { schema: PreviewResponse } },
    },
    401: problemResponses[401],
    422: problemResponses[422],
  },
})

export const DEFAULT_PREVIEW_COUNT = 5

export function createExecutionRoutes({ service }: { service: SchedulerService }) {
  return createRouter()
    .openapi(getExecutionRoute, async (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(await service.getExecution(c.req.valid('param').execution_id), 200)
    })
    .openapi(previewScheduleRoute, (c) => {
      const body = c.req.valid('json')
      return c.json(service.previewSchedule(body, body.count ?? DEFAULT_PREVIEW_COUNT), 200)
    })
}
