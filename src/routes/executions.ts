/** getExecution and previewSchedule: reading one attempt, and trying timing without saving anything. */
import { z } from '@hono/zod-openapi'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { SchedulerService } from '../scheduler/service/index.ts'
import { MAX_PREVIEW_COUNT } from '../scheduler/service/read.ts'
import { ignoredFieldsOf } from './ignored-fields.ts'
import {
  problemResponses,
  RunTimeObject,
  type SchedulingLimits,
  schedulingLimits,
  timingFields,
} from './scheduling-schemas.ts'

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
    "Returns one attempt of a job: a one-sentence summary to tell the user, due, start and finish times in UTC and in the job's zone (*_local), attempt, status, what was sent, the response status and (truncated) body, and the error if it failed.",
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

const previewBody = (limits: SchedulingLimits) =>
  z.object({
    ...timingFields(limits),
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

const previewScheduleRoute = (body: ReturnType<typeof previewBody>) =>
  protectedRoute({
    method: 'post',
    path: '/schedules/preview',
    operationId: 'previewSchedule',
    summary: 'Preview a schedule',
    description:
      'Shows when a schedule would run, without creating anything: the next runs in UTC and local time, a sentence describing it, and warnings (time already past, DST shifts, very frequent, ends before the first run). Use it to check a cron or time with the user before scheduling.',
    request: { body: { content: { 'application/json': { schema: body } }, required: true } },
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
  const body = previewBody(schedulingLimits(service.settings))
  const known = Object.keys(body.shape)
  return createRouter()
    .openapi(getExecutionRoute, async (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(await service.getExecution(c.req.valid('param').execution_id), 200)
    })
    .openapi(previewScheduleRoute(body), async (c) => {
      const input = c.req.valid('json')
      const result = service.previewSchedule(input, input.count ?? DEFAULT_PREVIEW_COUNT)
      const ignored = await ignoredFieldsOf(c, known)
      return c.json({ ...result, warnings: [...ignored, ...result.warnings] }, 200)
    })
}
