/**
 * The OpenAPI face's own schemas: path parameters and the response bodies /openapi.json documents.
 * Responses stay loose objects there (Dify ignores response schemas); the exact shapes are each
 * tool's `output` (outputs.ts), which MCP clients get as outputSchema.
 */
import { z } from '@hono/zod-openapi'
import { problemResponses } from '../http/problem-schemas.ts'

export { ProblemObject, problemResponses } from '../http/problem-schemas.ts'

export const JobObject = z.record(z.string(), z.unknown()).openapi({
  description:
    'A job: id, name, status (scheduled, paused, completed, cancelled, failed), action, schedule, next_run_at (UTC) and next_run_local, run_count, last_execution, tags, source, created_at.',
})

export const RunTimeObject = z.object({
  utc: z.string().openapi({ example: '2026-12-01T12:00:00.000Z' }),
  local: z.string().openapi({ example: '2026-12-01T09:00:00-03:00' }),
})

export const JobChangeResponse = z
  .object({
    job: JobObject,
    summary: z.string().openapi({ description: 'A sentence to tell the user.' }),
    next_runs: z.array(RunTimeObject),
    warnings: z.array(z.string()).openapi({
      description:
        'Things to check with the user: ignored fields, DST shifts, far-ahead dates, ambiguous cron.',
    }),
    duplicate: z
      .boolean()
      .openapi({ description: 'True when an identical earlier request already created this job.' }),
    now: z.string(),
  })
  .openapi('JobChange')

export const JobResponse = z
  .object({ job: JobObject, summary: z.string(), now: z.string() })
  .openapi('JobWithSummary')

/** A job tool's answers: the job (with a sentence), or why not. */
export const jobResponses = (description: string) => ({
  200: { description, content: { 'application/json': { schema: JobResponse } } },
  401: problemResponses[401],
  404: problemResponses[404],
  409: problemResponses[409],
})
