/** Zod fields shared by the scheduling tools, written for an LLM: flat scalars, nullable when optional. */
import { z } from '@hono/zod-openapi'

const optionalText = (description: string, example?: string, max = 2000) =>
  z
    .string()
    .max(max)
    .nullish()
    .openapi({ description, ...(example ? { example } : {}) })

export const timingFields = {
  run_at: optionalText(
    'When to run once, ISO 8601. With an offset or Z it is absolute (2026-12-01T09:00:00-03:00); without one it is local time in `timezone` (2026-12-01T09:00). Give exactly one of run_at, delay, every, cron.',
    '2026-12-01T09:00:00-03:00',
    100,
  ),
  delay: optionalText(
    'Run once after this long from now, e.g. 90s, 15m, 2h, 1h30m, 3 days, "in 2 hours", or ISO 8601 PT2H.',
    '2h',
    100,
  ),
  every: optionalText(
    'Run repeatedly at this interval, same grammar as delay, e.g. 15m or 1 day. First run one interval from now unless starts_at is given.',
    '1h',
    100,
  ),
  cron: optionalText(
    'Run on a cron expression in `timezone`: 5 fields (minute hour day month weekday) or 6 with seconds first; names like MON and JAN allowed. E.g. "0 9 * * MON-FRI" = 09:00 on weekdays.',
    '0 9 * * MON-FRI',
    200,
  ),
  timezone: optionalText(
    'IANA time zone for local times and cron, e.g. America/Sao_Paulo. Default: the server default (usually UTC).',
    'America/Sao_Paulo',
    100,
  ),
  starts_at: optionalText(
    'Only with every or cron: no run before this time (ISO 8601, same rules as run_at).',
    undefined,
    100,
  ),
  ends_at: optionalText(
    'Only with every or cron: no run after this time (ISO 8601).',
    undefined,
    100,
  ),
  max_runs: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .nullish()
    .openapi({ description: 'Only with every or cron: stop after this many runs.', example: 10 }),
}

export const jobFields = {
  name: z.string().min(1).max(200).openapi({
    description:
      'Short name of the job that a person would recognise, e.g. "Remind Ana about the invoice".',
    example: 'Remind Ana about the invoice',
  }),
  description: optionalText('Optional longer note about why this job exists.'),
  tags: optionalText(
    'Comma-separated labels for finding the job later, e.g. "reminders,clients".',
    'reminders',
    1000,
  ),
  max_attempts: z.number().int().min(1).max(10).nullish().openapi({
    description:
      'Attempts per run before it counts as failed (retries back off exponentially). 1–10, default 3.',
    example: 3,
  }),
  timeout_seconds: z.number().int().min(1).max(3600).nullish().openapi({
    description:
      'Seconds one attempt may take before it is abandoned as a timeout. Default 30 for webhooks.',
    example: 30,
  }),
}

export const dedupeKeyField = {
  dedupe_key: optionalText(
    'Optional idempotency key. Sending the same key again with the same content returns the existing job instead of a new one.',
    'invoice-4711-reminder',
    200,
  ),
}

/** Loose response objects: agents read them as JSON; Dify ignores response schemas. */
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
    warnings: z.array(z.string()),
    duplicate: z
      .boolean()
      .openapi({ description: 'True when an identical earlier request already created this job.' }),
    now: z.string(),
  })
  .openapi('JobChange')

export const JobResponse = z
  .object({ job: JobObject, summary: z.string(), now: z.string() })
  .openapi('JobWithSummary')

/** A problem+json body (see README → errors). */
export const ProblemObject = z.record(z.string(), z.unknown()).openapi('Problem', {
  description:
    'RFC 9457 problem: type, title, status, detail, errors [{field, message, hint}], now.',
})

export const problemResponses = {
  401: {
    description: 'Missing or invalid API key',
    content: { 'application/problem+json': { schema: ProblemObject } },
  },
  404: {
    description: 'No such job',
    content: { 'application/problem+json': { schema: ProblemObject } },
  },
  409: {
    description: 'Not possible in the job’s current state',
    content: { 'application/problem+json': { schema: ProblemObject } },
  },
  422: {
    description: 'Invalid input; errors name each field with a hint',
    content: { 'application/problem+json': { schema: ProblemObject } },
  },
} as const
