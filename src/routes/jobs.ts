/** The job tools: list, get, update, pause, resume, cancel, run now, and a job's executions. */
import { z } from '@hono/zod-openapi'
import type { ActionRegistry } from '../actions/registry.ts'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { SchedulerService } from '../scheduler/service/index.ts'
import { JOB_STATUSES } from '../scheduler/states.ts'
import { ignoredFieldsOf } from './ignored-fields.ts'
import {
  JobChangeResponse,
  JobObject,
  JobResponse,
  jobFields,
  problemResponses,
  type SchedulingLimits,
  schedulingLimits,
  timingFields,
} from './scheduling-schemas.ts'

export interface JobRoutesDeps {
  registry: ActionRegistry
  service: SchedulerService
}

const emptyToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value)
const pageLimit = z.preprocess(
  emptyToUndefined,
  z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .openapi({ type: 'integer', description: 'Page size, 1–100, default 20.', example: 20 }),
)
const cursor = z
  .string()
  .max(500)
  .optional()
  .openapi({ description: 'next_cursor from the previous page; empty for the first page.' })

const JobIdParam = z.object({
  job_id: z
    .string()
    .max(100)
    .openapi({
      param: { name: 'job_id', in: 'path' },
      description: 'The job id (UUID) from scheduleWebhook or listJobs.',
      example: '0b6e0bd4-5d0e-4a8e-9b62-5a8e0f1f2c3d',
    }),
})

const ListQuery = z.object({
  status: z
    .string()
    .max(20)
    .optional()
    .openapi({
      description: `Only jobs with this status. One of: ${JOB_STATUSES.join(', ')}. Empty = every status.`,
    }),
  action: z
    .string()
    .max(30)
    .optional()
    .openapi({ description: 'Only jobs of this action type, e.g. webhook.' }),
  tag: z.string().max(50).optional().openapi({ description: 'Only jobs carrying this tag.' }),
  outcome: z.string().max(20).optional().openapi({
    description:
      'Only jobs whose latest attempt ended so. One of: failed, succeeded. "failed" lists what may need a replay (retryExecution).',
  }),
  search: z.string().max(200).optional().openapi({
    description:
      'Words to find in the name, description or tags, ignoring case and accents, e.g. "invoice reminder"; parts of words match. Jobs with all the words come first; if none has all, jobs with any of them.',
  }),
  limit: pageLimit,
  cursor,
})

const ExecutionsQuery = z.object({
  outcome: z.string().max(20).optional().openapi({
    description:
      'Only executions that ended so. One of: failed, succeeded, running. "failed" lists what retryExecution can replay.',
  }),
  limit: pageLimit,
  cursor,
})

const JobListResponse = z
  .object({
    jobs: z.array(JobObject),
    next_cursor: z.string().nullable(),
    summary: z.string().openapi({
      description: 'What was searched and found, including when nothing matched.',
    }),
    now: z.string(),
  })
  .openapi('JobList')
const ExecutionListResponse = z
  .object({
    executions: z.array(z.record(z.string(), z.unknown())),
    next_cursor: z.string().nullable(),
    summary: z.string().openapi({
      description: 'The newest attempt in a sentence, or when the first run is due.',
    }),
    now: z.string(),
  })
  .openapi('ExecutionList')

const jobResponses = (description: string) => ({
  200: { description, content: { 'application/json': { schema: JobResponse } } },
  401: problemResponses[401],
  404: problemResponses[404],
  409: problemResponses[409],
})

export const listJobsRoute = protectedRoute({
  method: 'get',
  path: '/jobs',
  operationId: 'listJobs',
  summary: 'List scheduled jobs',
  description:
    'Lists jobs newest first, of every status unless `status` is given, with filters by action type, tag and a word search over name, description and tags. Use it to find a job id before getJob, updateJob, pauseJob or cancelJob; `summary` says what was searched and found. Pass next_cursor back as cursor for the next page.',
  request: { query: ListQuery },
  responses: {
    200: {
      description: 'A page of jobs',
      content: { 'application/json': { schema: JobListResponse } },
    },
    401: problemResponses[401],
    422: problemResponses[422],
  },
})

export const getJobRoute = protectedRoute({
  method: 'get',
  path: '/jobs/{job_id}',
  operationId: 'getJob',
  summary: 'Get one job',
  description:
    'Returns a job with its status, schedule, next run time (UTC and local), run count and last execution.',
  request: { params: JobIdParam },
  responses: jobResponses('The job'),
})

function updateBody(registry: ActionRegistry, limits: SchedulingLimits) {
  const actionFields = Object.fromEntries(
    registry
      .all()
      .flatMap((action) =>
        Object.entries(action.fields).map(([name, schema]) => [
          name,
          (schema as z.ZodType).nullish(),
        ]),
      ),
  )
  return z.object({
    ...jobFields,
    name: jobFields.name.nullish(),
    ...timingFields(limits),
    ...actionFields,
  })
}

const lifecycle = (verb: string, operationId: string, summary: string, description: string) =>
  protectedRoute({
    method: 'post',
    path: `/jobs/{job_id}/${verb}`,
    operationId,
    summary,
    description,
    request: { params: JobIdParam },
    responses: jobResponses('The job after the change'),
  })

export const pauseJobRoute = lifecycle(
  'pause',
  'pauseJob',
  'Pause a job',
  'Pauses a scheduled job: nothing runs until resumeJob. Pausing a paused job changes nothing.',
)
export const resumeJobRoute = lifecycle(
  'resume',
  'resumeJob',
  'Resume a paused job',
  'Resumes a paused job from its next due time; a one-time job whose time passed while paused runs now.',
)
export const cancelJobRoute = lifecycle(
  'cancel',
  'cancelJob',
  'Cancel a job',
  'Cancels a job for good; its history stays readable. Use pauseJob to stop it only for a while.',
)
export const runJobNowRoute = lifecycle(
  'run',
  'runJobNow',
  'Run a job now',
  'Runs the job once right now, in addition to its schedule (which stays as it is). Works on paused, completed and failed jobs too.',
)

export const listExecutionsRoute = protectedRoute({
  method: 'get',
  path: '/jobs/{job_id}/executions',
  operationId: 'listExecutions',
  summary: 'List a job’s executions',
  description:
    "Lists the attempts of a job, newest first: a one-sentence summary to tell the user, the due and start times in UTC and in the job's zone (*_local), attempt number, status, lateness, duration, response status and error.",
  request: { params: JobIdParam, query: ExecutionsQuery },
  responses: {
    200: {
      description: 'A page of executions',
      content: { 'application/json': { schema: ExecutionListResponse } },
    },
    401: problemResponses[401],
    404: problemResponses[404],
    422: problemResponses[422],
  },
})

/** Who changes a job through these routes, for its audit trail: the API key's name, via `api`. */
const apiActor = (c: { get(key: 'apiKeyName'): string | undefined }) => ({
  name: c.get('apiKeyName') ?? 'anonymous',
  via: 'api' as const,
})

export function createJobRoutes({ registry, service }: JobRoutesDeps) {
  const updateSchema = updateBody(registry, schedulingLimits(service.settings))
  const updateFields = Object.keys(updateSchema.shape)
  const updateJobRoute = protectedRoute({
    method: 'patch',
    path: '/jobs/{job_id}',
    operationId: 'updateJob',
    summary: 'Change a job',
    description:
      "Changes a job: name, description, tags, attempts, timeout, its timing or its action fields. Only the fields you send change; the pending run is replaced at once. To replace the timing send one of run_at, delay, every, cron; a time without offset is read in the job's own zone unless timezone is sent. timezone, starts_at, ends_at or max_runs sent alone apply to the job's current timing.",
    request: {
      params: JobIdParam,
      body: { content: { 'application/json': { schema: updateSchema } }, required: true },
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
  })

  return createRouter()
    .openapi(listJobsRoute, async (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(await service.listJobs(c.req.valid('query')), 200)
    })
    .openapi(getJobRoute, async (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(await service.getJob(c.req.valid('param').job_id), 200)
    })
    .openapi(updateJobRoute, async (c) => {
      const result = await service.updateJob(
        c.req.valid('param').job_id,
        c.req.valid('json') as Record<string, unknown>,
        apiActor(c),
      )
      const ignored = await ignoredFieldsOf(c, updateFields)
      return c.json({ ...result, warnings: [...ignored, ...result.warnings] }, 200)
    })
    .openapi(pauseJobRoute, async (c) =>
      c.json(await service.pauseJob(c.req.valid('param').job_id, apiActor(c)), 200),
    )
    .openapi(resumeJobRoute, async (c) =>
      c.json(await service.resumeJob(c.req.valid('param').job_id, apiActor(c)), 200),
    )
    .openapi(cancelJobRoute, async (c) =>
      c.json(await service.cancelJob(c.req.valid('param').job_id, apiActor(c)), 200),
    )
    .openapi(runJobNowRoute, async (c) =>
      c.json(await service.runJobNow(c.req.valid('param').job_id, apiActor(c)), 200),
    )
    .openapi(listExecutionsRoute, async (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(
        await service.listExecutions(c.req.valid('param').job_id, c.req.valid('query')),
        200,
      )
    })
}
