// Builds recurring schedules: fixed intervals (`every`) and cron, with starts_at / ends_at / max_runs.

import { fieldProblem } from '../../problem-error.ts'
import {
  type BuildContext,
  checkNotTooFar,
  describeHorizon,
  maxAheadOf,
  PAST_TOLERANCE_MS,
} from './context.ts'
import { checkCronExpression, cronMinimumGapMs, firstCronOccurrence } from './cron.ts'
import { formatCompactDuration, MS_PER_MINUTE } from './duration.ts'
import { requireDuration } from './duration-problem.ts'
import { formatDurationExact } from './humanize.ts'
import type { CleanInput } from './input.ts'
import { parseWhen } from './local-time.ts'
import type { CronSchedule, IntervalSchedule } from './types.ts'
import { localIso } from './zone.ts'

interface Bounds {
  startsAt: Date | null
  endsAt: Date | null
  maxRuns: number | null
}

function parseBounds(input: CleanInput, ctx: BuildContext): Bounds {
  let startsAt: Date | null = null
  let endsAt: Date | null = null
  if (input.starts_at !== undefined) {
    const parsed = parseWhen('starts_at', input.starts_at, ctx)
    if (parsed.warning) ctx.warnings.push(parsed.warning)
    checkNotTooFar('starts_at', parsed.date, ctx)
    startsAt = parsed.date
  }
  if (input.ends_at !== undefined) {
    const parsed = parseWhen('ends_at', input.ends_at, ctx)
    if (parsed.warning) ctx.warnings.push(parsed.warning)
    endsAt = parsed.date
  }
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) {
    throw fieldProblem(
      'ends_at',
      `ends_at ${localIso(endsAt, ctx.timezone)} is not after starts_at ${localIso(startsAt, ctx.timezone)}`,
      `Send an ends_at later than starts_at, e.g. one day later: "${localIso(new Date(startsAt.getTime() + 86_400_000), ctx.timezone)}"`,
    )
  }
  return { startsAt, endsAt, maxRuns: input.max_runs ?? null }
}

/** A 422 (or, in preview, nothing: scheduleWarnings reports it) when ends_at precedes the first run. */
function checkEndsAfterFirst(first: Date, endsAt: Date | null, ctx: BuildContext): void {
  if (endsAt === null || ctx.preview || endsAt.getTime() >= first.getTime()) return
  throw fieldProblem(
    'ends_at',
    `ends_at ${localIso(endsAt, ctx.timezone)} is before the first run ${localIso(first, ctx.timezone)}, so the schedule would never run`,
    `Use an ends_at after ${localIso(first, ctx.timezone)}, or leave ends_at out`,
  )
}

function pastStartWarning(startsAt: Date, first: Date, ctx: BuildContext): void {
  ctx.warnings.push(
    `starts_at ${localIso(startsAt, ctx.timezone)} is in the past; the first run is ${localIso(first, ctx.timezone)}.`,
  )
}

function tooFrequent(
  field: 'every' | 'cron',
  what: string,
  gapMs: number,
  ctx: BuildContext,
): never {
  const minimum = formatDurationExact(ctx.minIntervalMs)
  const example =
    field === 'every'
      ? `every: "${formatCompactDuration(Math.max(ctx.minIntervalMs, 15 * MS_PER_MINUTE))}"`
      : `cron: "*/15 * * * *" (every 15 minutes)`
  throw fieldProblem(
    field,
    `${what} runs every ${formatDurationExact(gapMs)}, more often than the minimum interval of ${minimum}`,
    `Leave at least ${minimum} between runs, e.g. ${example}`,
  )
}

/**
 * every: first run = starts_at when given, else now + every. A starts_at in the past keeps its
 * rhythm: the first run becomes starts_at + k * every, the first such time at or after now.
 */
export function buildInterval(
  text: string,
  input: CleanInput,
  ctx: BuildContext,
): IntervalSchedule {
  const everyMs = requireDuration('every', text, ctx)
  if (everyMs < ctx.minIntervalMs)
    tooFrequent('every', `every ${JSON.stringify(text)}`, everyMs, ctx)
  if (everyMs > maxAheadOf(ctx)) {
    throw fieldProblem(
      'every',
      `every ${JSON.stringify(text)} is longer than ${describeHorizon(maxAheadOf(ctx))}, the furthest this server schedules`,
      'Use a shorter interval, or cron for yearly runs, e.g. cron: "0 9 1 12 *" (09:00 every 1 December)',
    )
  }
  const bounds = parseBounds(input, ctx)
  const now = ctx.now.getTime()
  let first: Date
  if (bounds.startsAt === null) {
    first = new Date(now + everyMs)
  } else if (bounds.startsAt.getTime() >= now - PAST_TOLERANCE_MS) {
    first = bounds.startsAt
  } else {
    const steps = Math.ceil((now - bounds.startsAt.getTime()) / everyMs)
    first = new Date(bounds.startsAt.getTime() + steps * everyMs)
    pastStartWarning(bounds.startsAt, first, ctx)
  }
  checkEndsAfterFirst(first, bounds.endsAt, ctx)
  return {
    kind: 'interval',
    everyMs,
    everyText: text,
    timezone: ctx.timezone,
    startsAt: first.toISOString(),
    endsAt: bounds.endsAt?.toISOString() ?? null,
    maxRuns: bounds.maxRuns,
  }
}

/**
 * cron: startsAt is stored as the first occurrence at or after max(now, starts_at). The gap
 * between the first ten occurrences must be at least minIntervalMs (same limit as every).
 */
export function buildCron(text: string, input: CleanInput, ctx: BuildContext): CronSchedule {
  const expression = checkCronExpression(text, ctx.timezone, ctx.warnings)
  const bounds = parseBounds(input, ctx)
  const from =
    bounds.startsAt && bounds.startsAt.getTime() > ctx.now.getTime() ? bounds.startsAt : ctx.now
  const first = firstCronOccurrence(expression, ctx.timezone, from)
  if (first === null) {
    throw fieldProblem(
      'cron',
      `cron ${JSON.stringify(expression)} has no occurrence after ${localIso(from, ctx.timezone)}`,
      'Use an expression that matches real dates, e.g. "0 9 1 * *" (09:00 on the 1st of each month)',
    )
  }
  if (bounds.startsAt && bounds.startsAt.getTime() < ctx.now.getTime() - PAST_TOLERANCE_MS) {
    pastStartWarning(bounds.startsAt, first, ctx)
  }
  const gap = cronMinimumGapMs(expression, ctx.timezone, first)
  if (gap !== null && gap < ctx.minIntervalMs) {
    tooFrequent('cron', `cron ${JSON.stringify(expression)}`, gap, ctx)
  }
  checkEndsAfterFirst(first, bounds.endsAt, ctx)
  return {
    kind: 'cron',
    expression,
    timezone: ctx.timezone,
    startsAt: first.toISOString(),
    endsAt: bounds.endsAt?.toISOString() ?? null,
    maxRuns: bounds.maxRuns,
  }
}
