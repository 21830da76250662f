/** schedule<Kind>: one scheduling tool per registered action (scheduleWebhook, …), from the action registry. */
import { z } from '@hono/zod-openapi'
import { availableChannels, type NotifyChannel } from '../outcomes/callback-input.ts'
import type { AnyActionDefinition } from '../scheduler/action-contract.ts'
import { callbackFields } from './callback-fields.ts'
import { flatShape, mcpShape } from './field-spec.ts'
import { JobChangeResponse, problemResponses } from './http-schemas.ts'
import {
  dedupeKeyField,
  jobFields,
  type SchedulingLimits,
  schedulingLimits,
  timingFields,
} from './job-fields.ts'
import { JobChangeOutput } from './outputs.ts'
import { type AnyTool, defineTool, type ToolDeps } from './types.ts'

function scheduleTool(
  deps: ToolDeps,
  action: AnyActionDefinition,
  limits: SchedulingLimits,
  channels: readonly NotifyChannel[],
) {
  const common = { ...jobFields, ...timingFields(limits) }
  const callback = callbackFields(channels)
  const body = z.object({
    ...flatShape(common),
    ...action.fields,
    ...flatShape(callback),
    ...flatShape(dedupeKeyField),
  })
  return defineTool({
    name: action.tool.operationId,
    title: action.tool.summary,
    description: action.tool.description,
    input: z.object({
      ...mcpShape(common),
      ...action.toolFields,
      ...mcpShape(callback),
      ...mcpShape(dedupeKeyField),
    }),
    output: JobChangeOutput,
    // Not idempotent: only an identical call within a short window (or the same dedupe_key) returns the first job.
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    },
    http: {
      method: 'post',
      path: action.tool.path,
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
      status: (output) => ((output as { duplicate: boolean }).duplicate ? 200 : 201),
    },
    handler: (input: Record<string, unknown>, ctx) =>
      deps.scheduler.createJob(action.kind, input, ctx.actor),
  })
}

export function scheduleTools(deps: ToolDeps): AnyTool[] {
  const limits = schedulingLimits(deps.scheduler.settings)
  const channels = availableChannels({ dify: deps.difyCatalog, whatsapp: deps.whatsapp })
  return deps.actions.all().map((action) => scheduleTool(deps, action, limits, channels))
}
