/**
 * What the tools answer, as exact schemas: MCP clients get them as `outputSchema` (Dify turns its
 * properties into workflow variables) and `structuredContent` is checked against them before it
 * leaves. They mirror scheduler/views.ts and the service results; the type check of every handler
 * against its output keeps the two in step. No schema here has an id: a JSON Schema with `$ref`s
 * reaches Dify as a plain string.
 */
import { z } from '@hono/zod-openapi'

const text = (description: string) => z.string().meta({ description })
/** An instant as UTC ISO 8601, or null. */
const utc = (description: string) => z.string().nullable().meta({ description })
/** The same instant with the offset of the job's zone, or null. */
const local = (description: string) => z.string().nullable().meta({ description })

export const RunTime = z.object({
  utc: text('UTC ISO 8601, e.g. 2026-12-01T12:00:00.000Z.'),
  local: text("ISO 8601 with the offset of the schedule's zone, e.g. 2026-12-01T09:00:00-03:00."),
})

const ErrorOutput = z
  .object({ class: z.string().nullable(), message: z.string() })
  .nullable()
  .meta({ description: 'Why it failed: a short error class and a message; null when it did not.' })

const LastExecution = z
  .object({
    id: z.string(),
    status: z.string(),
    attempt: z.number(),
    occurrence_at: utc('Due time of the run, UTC.'),
    occurrence_local: local("Due time of the run in the job's zone."),
    finished_at: utc('When the attempt ended, UTC; null while it runs.'),
    finished_local: local("When the attempt ended, in the job's zone."),
    response_status: z.number().nullable(),
    error: ErrorOutput,
    summary: text('The last run in a sentence.'),
  })
  .nullable()
  .meta({ description: 'The newest attempt, or null before the first run.' })

/** One shape for every schedule kind: fields that do not apply to a kind are absent. */
const ScheduleOutput = z.object({
  type: text('once, interval or cron.'),
  timezone: z.string(),
  run_at: z.string().optional(),
  given_as: z.string().optional(),
  original: z.string().optional(),
  every: z.string().optional(),
  every_seconds: z.number().optional(),
  cron: z.string().optional(),
  cron_description: z.string().nullable().optional(),
  starts_at: z.string().nullable().optional(),
  ends_at: z.string().nullable().optional(),
  max_runs: z.number().nullable().optional(),
})

export const JobOutput = z.object({
  id: text('The job id (UUID).'),
  name: z.string(),
  description: z.string().nullable(),
  status: text('scheduled, paused, completed, cancelled or failed.'),
  // An action's own parameters (url, app, to…) follow its type; secrets are never among them.
  action: z.looseObject({ type: z.string(), summary: text('What a run does, in words.') }),
  schedule: ScheduleOutput,
  timezone: z.string(),
  next_run_at: utc('The next run, UTC; null when none is planned.'),
  next_run_local: local("The next run in the job's zone."),
  run_count: z.number(),
  max_attempts: z.number(),
  timeout_seconds: z.number(),
  last_execution: LastExecution,
  dedupe_key: z.string().nullable(),
  tags: z.array(z.string()),
  created_by: text('The API key (or integration) that created the job.'),
  callback: z
    .object({
      on: text('success, failure or always.'),
      url: z.string().nullable(),
      header_names: z.array(z.string()),
      notify: z.string().nullable(),
      to: z.string().nullable(),
      app: z.string().nullable(),
      conversation_id: z.string().nullable(),
      user: z.string().nullable(),
    })
    .nullable()
    .meta({
      description:
        'Where each run’s outcome goes once settled (callback_url, notify), header names only; null when nowhere.',
    }),
  source: z.string(),
  source_ref: z.string().nullable(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
})

const summary = text('A sentence to tell the user.')
const now = text('The server time of the answer, UTC ISO 8601.')

export const JobChangeOutput = z.object({
  job: JobOutput,
  summary,
  next_runs: z.array(RunTime).meta({ description: 'The next runs, UTC and local.' }),
  warnings: z.array(z.string()).meta({
    description:
      'Things to check with the user: ignored fields, DST shifts, far-ahead dates, ambiguous cron.',
  }),
  duplicate: z
    .boolean()
    .meta({ description: 'True when an identical earlier request already created this job.' }),
  now,
})

export const JobResultOutput = z.object({ job: JobOutput, summary, now })

export const ExecutionOutput = z.object({
  id: z.string(),
  job_id: z.string(),
  kind: text(
    'run: an attempt of the job’s action; callback: an attempt to report a run’s outcome.',
  ),
  reports_execution_id: z
    .string()
    .nullable()
    .meta({ description: 'For a callback: the run execution it reports; null for a run.' }),
  summary: text(
    'The attempt in a sentence: when it ran, how late, what came back or why it failed.',
  ),
  timezone: z.string(),
  occurrence_at: utc('Due time, UTC.'),
  occurrence_local: local("Due time in the job's zone."),
  manual: z.boolean().meta({ description: 'True for a run started by runJobNow.' }),
  attempt: z.number(),
  max_attempts: z.number(),
  status: text('running, succeeded, failed or abandoned.'),
  started_at: utc('Start, UTC.'),
  started_local: local("Start in the job's zone."),
  finished_at: utc('End, UTC; null while it runs.'),
  finished_local: local("End in the job's zone."),
  lateness_ms: z.number(),
  duration_ms: z.number().nullable(),
  request: z.record(z.string(), z.unknown()).nullable(),
  response_status: z.number().nullable(),
  response_headers: z.record(z.string(), z.string()).nullable(),
  response_body: z.string().nullable(),
  response_truncated: z.boolean().nullable(),
  output: z.record(z.string(), z.unknown()).nullable(),
  error: ErrorOutput,
})

export const PageCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass it back as cursor for the next page; null on the last page.' })

export { now as NowOutput, summary as SummaryOutput }
