/** The fields every scheduling tool shares (name, tags, attempts, timing…), written for an LLM. */
import { z } from '@hono/zod-openapi'
import { DEFAULT_MAX_AHEAD_DAYS, DURATION_GRAMMAR, MS_PER_DAY } from '../scheduler/timing/index.ts'
import {
  optionalInteger,
  optionalText,
  requiredText,
  structured,
  type ToolFields,
} from './field-spec.ts'

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
export function timingFields(limits: SchedulingLimits): ToolFields {
  const horizon = horizonWords(limits.maxAheadDays)
  return {
    run_at: optionalText({
      description: `When to run once, ISO 8601. With an offset or Z it is that exact instant (2030-01-15T09:00:00-03:00); without one it is local time in \`timezone\` (2030-01-15T09:00). At most ${horizon} ahead; over a year ahead is accepted with a warning. Give exactly one of run_at, delay, every, cron.`,
      max: 100,
    }),
    delay: optionalText({
      description: `Run once after this long from now: ${DURATION_GRAMMAR}. At most ${horizon}.`,
      example: '2h',
      max: 100,
    }),
    every: optionalText({
      description: `Run repeatedly at this fixed interval, same grammar as delay, e.g. "every 15 minutes", "2h", "daily"; at least ${limits.minIntervalSeconds} seconds. First run one interval from now unless starts_at is given. For a fixed time of day or weekday use cron instead.`,
      example: '1h',
      max: 100,
    }),
    cron: optionalText({
      description:
        'Run on a cron expression in `timezone`: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first. Names such as MON and JAN; MON#1 = first Monday of the month, L = last day of the month, 5L = last Friday. E.g. "0 9 * * MON-FRI" = 09:00 on weekdays. Quartz syntax (?) is not accepted.',
      example: '0 9 * * MON-FRI',
      max: 200,
    }),
    timezone: optionalText({
      description: `IANA time zone for local times and cron, e.g. America/Sao_Paulo or Europe/Berlin; not abbreviations (EST, CET) or offsets (UTC-3). Default on create: ${limits.defaultTimezone}; in updateJob, the job's own zone. Ask the user for their city if you do not know it.`,
      example: 'America/Sao_Paulo',
      max: 100,
    }),
    starts_at: optionalText({
      description: `Only with every or cron: no run before this time (ISO 8601, same rules as run_at; at most ${horizon} ahead).`,
      max: 100,
    }),
    ends_at: optionalText({
      description:
        'Only with every or cron: no run after this time (ISO 8601, same rules as run_at).',
      max: 100,
    }),
    max_runs: optionalInteger({
      description:
        'Only with every or cron: stop after this many runs (1–1000000). In updateJob it counts from the change.',
      example: 10,
      min: 1,
      max: 1_000_000,
    }),
  }
}

const TAGS_WORDS = 'labels for finding the job later'

export const jobFields = {
  name: requiredText({
    description:
      'Short name of the job that a person would recognise, e.g. "Remind Ana about the invoice".',
    example: 'Remind Ana about the invoice',
    missing:
      'a short name a person would recognise, e.g. "Remind Ana about the invoice"; make one up from what the user asked',
    min: 1,
    max: 200,
  }),
  description: optionalText({
    description: 'Optional longer note about why this job exists.',
    max: 2000,
  }),
  // Dify's importer cannot show an array's items, so the flat form is comma-separated text.
  tags: structured(
    {
      description: `Comma-separated ${TAGS_WORDS}, e.g. "reminders,clients".`,
      example: 'reminders',
      max: 1000,
    },
    {
      description: `Up to 20 ${TAGS_WORDS}: letters, digits, - _ . : /, e.g. ["reminders","clients"].`,
      example: ['reminders', 'clients'],
      schema: z.array(z.string().max(50)),
    },
  ),
  max_attempts: optionalInteger({
    description:
      'Attempts per run before it counts as failed (retries back off exponentially). 1–10, default 3.',
    example: 3,
    min: 1,
    max: 10,
  }),
  timeout_seconds: optionalInteger({
    description:
      'Seconds one attempt may take before it is abandoned as a timeout. Default 30 for webhooks.',
    example: 30,
    min: 1,
    max: 3600,
  }),
} satisfies ToolFields

export const dedupeKeyField = {
  dedupe_key: optionalText({
    description:
      'Optional idempotency key. Sending the same key again with the same content returns the existing job instead of a new one.',
    example: 'invoice-4711-reminder',
    max: 200,
  }),
} satisfies ToolFields
