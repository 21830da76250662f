/** updateJob: change a job's name, notes, tags, limits, timing or action fields. */
import { z } from '@hono/zod-openapi'
import type { ActionRegistry } from '../scheduler/action-registry.ts'
import { flatShape, mcpShape, optionalFields, type ToolFields } from './field-spec.ts'
import { JobChangeResponse, problemResponses } from './http-schemas.ts'
import { jobFields, schedulingLimits, timingFields } from './job-fields.ts'
import { JobIdParam, jobIdField } from './job-id.ts'
import { JobChangeOutput } from './outputs.ts'
import { defineTool, type ToolDeps } from './types.ts'

/** Every action's fields, optional: which apply depends on the job's action (the service says so). */
function actionFields(actions: ActionRegistry): ToolFields {
  return optionalFields(
    Object.fromEntries(
      actions
        .all()
        .flatMap((action) =>
          Object.keys(action.fields).map((name) => [
            name,
            { flat: action.fields[name] as z.ZodType, mcp: action.toolFields[name] as z.ZodType },
          ]),
        ),
    ),
  )
}

export function updateJobTool({ scheduler, actions }: ToolDeps) {
  const fields: ToolFields = {
    ...jobFields,
    name: { flat: jobFields.name.flat.nullish(), mcp: jobFields.name.mcp.optional() },
    ...timingFields(schedulingLimits(scheduler.settings)),
    ...actionFields(actions),
  }
  const body = z.object(flatShape(fields))
  return defineTool({
    name: 'updateJob',
    title: 'Change a job',
    description:
      "Changes a job: name, description, tags, attempts, timeout, its timing or its action fields. Only the fields you send change; the pending run is replaced at once. To replace the timing send one of run_at, delay, every, cron; a time without offset is read in the job's own zone unless timezone is sent. timezone, starts_at, ends_at or max_runs sent alone apply to the job's current timing.",
    input: z.object({ job_id: jobIdField, ...mcpShape(fields) }),
    output: JobChangeOutput,
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
    http: {
      method: 'patch',
      path: '/jobs/{job_id}',
      request: {
        params: JobIdParam,
        body: { content: { 'application/json': { schema: body } }, required: true },
      },
      responses: {
        200: {
          description: 'The changed job',
          content: { 'application/json': { schema: JobChangeResponse } },
        },
        401: problemResponses[401],
        404: problemResponses[404],
        409: problemResponses[409],
        422: problemResponses[422],
      },
    },
    handler: (input: { job_id: string } & Record<string, unknown>, ctx) => {
      const { job_id: jobId, ...changes } = input
      return scheduler.updateJob(jobId, changes, ctx.actor)
    },
  })
}
