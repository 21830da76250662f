/** listJobs: a page of jobs, filtered by status, action, tag and a word search. */
import { z } from '@hono/zod-openapi'
import { JOB_STATUSES } from '../scheduler/states.ts'
import { JobObject, problemResponses } from './http-schemas.ts'
import { JobOutput, NowOutput, PageCursor } from './outputs.ts'
import { flatPaging, mcpPaging } from './paging.ts'
import { defineTool, type ToolDeps } from './types.ts'

const WORDS = {
  status: `Only jobs with this status. One of: ${JOB_STATUSES.join(', ')}. Empty = every status.`,
  action: 'Only jobs of this action type, e.g. webhook.',
  tag: 'Only jobs carrying this tag.',
  outcome:
    'Only jobs whose latest attempt ended so. One of: failed, succeeded. "failed" lists what may need a replay (retryExecution).',
  search:
    'Words to find in the name, description or tags, ignoring case and accents, e.g. "invoice reminder"; parts of words match. Jobs with all the words come first; if none has all, jobs with any of them.',
}
const SUMMARY_WORDS = 'What was searched and found, including when nothing matched.'

const ListQuery = z.object({
  status: z.string().max(20).optional().openapi({ description: WORDS.status }),
  action: z.string().max(30).optional().openapi({ description: WORDS.action }),
  tag: z.string().max(50).optional().openapi({ description: WORDS.tag }),
  outcome: z.string().max(20).optional().openapi({ description: WORDS.outcome }),
  search: z.string().max(200).optional().openapi({ description: WORDS.search }),
  ...flatPaging,
})

const JobListResponse = z
  .object({
    jobs: z.array(JobObject),
    next_cursor: z.string().nullable(),
    summary: z.string().openapi({ description: SUMMARY_WORDS }),
    now: z.string(),
  })
  .openapi('JobList')

export function listJobsTool({ scheduler }: ToolDeps) {
  return defineTool({
    name: 'listJobs',
    title: 'List scheduled jobs',
    description:
      'Lists jobs newest first, of every status unless `status` is given, with filters by action type, tag, outcome of the latest attempt (`failed` finds what to replay) and a word search over name, description and tags. Use it to find a job id before getJob, updateJob, pauseJob or cancelJob; `summary` says what was searched and found. Pass next_cursor back as cursor for the next page.',
    input: z.object({
      status: z.string().max(20).optional().meta({ description: WORDS.status }),
      action: z.string().max(30).optional().meta({ description: WORDS.action }),
      tag: z.string().max(50).optional().meta({ description: WORDS.tag }),
      outcome: z.string().max(20).optional().meta({ description: WORDS.outcome }),
      search: z.string().max(200).optional().meta({ description: WORDS.search }),
      ...mcpPaging,
    }),
    output: z.object({
      jobs: z.array(JobOutput),
      next_cursor: PageCursor,
      summary: z.string().meta({ description: SUMMARY_WORDS }),
      now: NowOutput,
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    http: {
      method: 'get',
      path: '/jobs',
      request: { query: ListQuery },
      responses: {
        200: {
          description: 'A page of jobs',
          content: { 'application/json': { schema: JobListResponse } },
        },
        401: problemResponses[401],
        422: problemResponses[422],
      },
    },
    handler: (input) => scheduler.listJobs(input),
  })
}
