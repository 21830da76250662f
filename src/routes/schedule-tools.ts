/** One scheduling tool per registered action (scheduleWebhook, …), generated from the action registry. */
import { z } from '@hono/zod-openapi'
import type { ActionRegistry } from '../actions/registry.ts'
import type { AnyActionDefinition } from '../actions/types.ts'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { NotifyChannel } from '../outcomes/callback-input.ts'
import type { SchedulerService } from '../scheduler/service/index.ts'
import { callbackFields } from './callback-fields.ts'
import { ignoredFieldsOf } from './ignored-fields.ts'
import {
  dedupeKeyField,
  JobChangeResponse,
  jobFields,
  problemResponses,
  type SchedulingLimits,
  schedulingLimits,
  timingFields,
} from './scheduling-schemas.ts'

export interface ScheduleToolDeps {
  registry: ActionRegistry
  service: SchedulerService
  /** The notify channels this server has configured (their integrations are set up). */
  channels: readonly NotifyChannel[]
}

function scheduleBody(
  action: AnyActionDefinition,
  limits: SchedulingLimits,
  channels: readonly NotifyChannel[],
) {
  return z.object({
    ...jobFields,
    ...timingFields(limits),
    ...action.fields,
    ...callbackFields(channels),
    ...dedupeKeyField,
  })
}

function scheduleRoute(action: AnyActionDefinition, body: ReturnType<typeof scheduleBody>) {
  return protectedRoute({
    method: 'post',
    path: action.tool.path,
    operationId: action.tool.operationId,
    summary: action.tool.summary,
    description: action.tool.description,
    request: { body: { content: { 'application/json': { schema: body } }, required: true } },
    responses: {
      200: {
        description: 'An identical earlier request already created this job (duplicate: true)',
        content: { 'application/json': { schema: JobChangeResponse } },
      },
      201: {
        description: 'The job was created',
        content: { 'application/json': { schema: JobChangeResponse } },
      },
      401: problemResponses[401],
      409: problemResponses[409],
      422: problemResponses[422],
    },
  })
}

export function createScheduleToolRoutes({ registry, service, channels }: ScheduleToolDeps) {
  const router = createRouter()
  const limits = schedulingLimits(service.settings)
  for (const action of registry.all()) {
    const body = scheduleBody(action, limits, channels)
    const known = Object.keys(body.shape)
    router.openapi(scheduleRoute(action, body), async (c) => {
      const input = c.req.valid('json') as Record<string, unknown>
      const result = await service.createJob(action.kind, input, {
        name: c.get('apiKeyName') ?? 'anonymous',
        via: 'api',
      })
      const ignored = await ignoredFieldsOf(c, known)
      return c.json(
        { ...result, warnings: [...ignored, ...result.warnings] },
        result.duplicate ? 200 : 201,
      )
    })
  }
  return router
}
