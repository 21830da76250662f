/** previewSchedule: when a timing would run, without saving anything. */
import { z } from '@hono/zod-openapi'
import { MAX_PREVIEW_COUNT } from '../scheduler/service/read.ts'
import { flatShape, mcpShape, optionalInteger } from './field-spec.ts'
import { problemResponses, RunTimeObject } from './http-schemas.ts'
import { schedulingLimits, timingFields } from './job-fields.ts'
import { NowOutput, RunTime } from './outputs.ts'
import { defineTool, type ToolDeps } from './types.ts'

export const DEFAULT_PREVIEW_COUNT = 5

const PreviewResponse = z
  .object({
    next_runs: z.array(RunTimeObject),
    summary: z.string(),
    warnings: z.array(z.string()),
    timezone: z.string(),
    now: z.string(),
  })
  .openapi('SchedulePreview')

export function previewScheduleTool({ scheduler }: ToolDeps) {
  const fields = {
    ...timingFields(schedulingLimits(scheduler.settings)),
    count: optionalInteger({
      description: `How many upcoming runs to list, 1–${MAX_PREVIEW_COUNT}, default ${DEFAULT_PREVIEW_COUNT}.`,
      example: 5,
      min: 1,
      max: MAX_PREVIEW_COUNT,
    }),
  }
  const body = z.object(flatShape(fields))
  return defineTool({
    name: 'previewSchedule',
    title: 'Preview a schedule',
    description:
      'Shows when a schedule would run, without creating anything: the next runs in UTC and local time, a sentence describing it, and warnings (time already past, DST shifts, very frequent, ends before the first run). Use it to check a cron or time with the user before scheduling.',
    input: z.object(mcpShape(fields)),
    output: z.object({
      next_runs: z.array(RunTime),
      summary: z.string().meta({ description: 'The schedule in a sentence.' }),
      warnings: z.array(z.string()).meta({
        description: 'Things to check with the user: time already past, DST shifts, very frequent.',
      }),
      timezone: z.string(),
      now: NowOutput,
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    http: {
      method: 'post',
      path: '/schedules/preview',
      request: { body: { content: { 'application/json': { schema: body } }, required: true } },
      responses: {
        200: {
          description: 'The preview',
          content: { 'application/json': { schema: PreviewResponse } },
        },
        401: problemResponses[401],
        422: problemResponses[422],
      },
    },
    handler: async (input: Record<string, unknown>) =>
      scheduler.previewSchedule(
        input,
        typeof input.count === 'number' ? input.count : DEFAULT_PREVIEW_COUNT,
      ),
  })
}
