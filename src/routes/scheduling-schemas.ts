/** Zod fields shared by the scheduling tools, written for an LLM: flat scalars, nullable when optional. */
import { z } from '@hono/zod-openapi'
import { requiredText } from '../http/field-messages.ts'
import { DEFAULT_MAX_AHEAD_DAYS, DURATION_GRAMMAR, MS_PER_DAY } from '../scheduler/timing/index.ts'

const optionalText = (description: string, example?: string, max = 2000) =>
  z
    .string()
    .max(max)
    .nullish()
    .openapi({ description, ...(example ? { example } : {}) })

/** The server limits the field descriptions state (an agent reads them before it calls). */
export interface SchedulingLimits {
  /** How far ahead run_at, starts_at and delay may reach (MAX_SCHEDULE_AHEAD_DAYS). */
  maxAheadDays: number
  /** Smallest gap between runs of every and cron (MIN_INTERVAL_SECONDS). */
  minIntervalSeconds: number
  /** The zone used when a create gives none (DEFAULT_TIMEZONE). */
  defaultTimezone: string
}

/** The limits as the service applies them (the same settings the checks use). */
export function schedulingLimits(settings: {
  maxAheadMs?: number
  minIntervalMs: number
  defaultTimezone: string
}): SchedulingLimits {
  return {
    maxAheadDays: Math.round(
      (settings.maxAheadMs ?? DEFAULT_MAX_AHEAD_DAYS * MS_PER_DAY) / MS_PER_DAY,
    ),
    minIntervalSeconds: Math.round(settings.minIntervalMs / 1000),
    defaultTimezone: settings.defaultTimezone,
  }
}

function horizonWords(days: number): string {
  return days >= 730 ? `${days} days (about ${Math.round(days / 365.25)} years)` : `${days} days`
}

/** The timing fields, described with this server's limits. */
export function timingFields(limits: SchedulingLimits) {
  const horizon = horizonWords(limits.maxAheadDays)
  return {
    run_at: optionalText(
      `When to run once, ISO 8601. With an offset or Z it is that exact instant (2030-01-15T09:00:00-03:00); without one it is local time in \`timezone\` (2030-01-15T09:00). At most ${horizon} ahead; over a year ahead is accepted with a warning. Give exactly one of run_at, delay, every, cron.`,
      undefined,
      100,
    ),
    delay: optionalText(
      `Run once after this long from now: ${DURATION_GRAMMAR}. At most ${horizon}.`,
      '2h',
      100,
    ),
    every: optionalText(
      `Run repeatedly at this fixed interval, same grammar as delay, e.g. "every 15 minutes", "2h", "daily"; at least ${limits.minIntervalSeconds} seconds. First run one interval from now unless starts_at is given. For a fixed time of day or weekday use cron instead.`,
      '1h',
      100,
    ),
    cron: optionalText(
      'Run on a cron expression in `timezone`: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first. Names such as MON and JAN; MON#1 = first Monday of the month, L = last day of the month, 5L = last Friday. E.g. "0 9 * * MON-FRI" = 09:00 on weekdays. Quartz syntax (?) is not accepted.',
      '0 9 * * MON-FRI',
      200,
    ),
    timezone: optionalText(
      `IANA time zone for local times and cron, e.g. America/Sao_Paulo or Europe/Berlin; not abbreviations (EST, CET) or offsets (UTC-3). Default on create: ${limits.defaultTimezone}; in updateJob, the job's own zone. Ask the user for their city if you do not know it.`,
      'America/Sao_Paulo',
      100,
    ),
    starts_at: optionalText(
      `Only with every or cron: no run before this time (ISO 8601, same rules as run_at; at most ${horizon} ahead).`,
      undefined,
      100,
    ),
    ends_at: optionalText(
      'Only with every or cron: no run after this time (ISO 8601, same rules as run_at).',
      undefined,
      100,
    ),
    max_runs: z.number().int().min(1).max(1_000_000).nullish().openapi({
      description:
        'Only with every or cron: stop after this many runs (1–1000000). In updateJob it counts from the change.',
      example: 10,
    }),
  }
}

export const jobFields = {
  name: z
    .string({
      error: requiredText(
        'a short name a person would recognise, e.g. "Remind Ana about the invoice"; make one up from what the user asked',
      ),
    })
    .min(1)
    .max(200)
    .openapi({
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
