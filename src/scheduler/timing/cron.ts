// Validates cron expressions and iterates their occurrences in a zone with cron-parser.
//
// DST behaviour (cron-parser 5, pinned by tests in tests/scheduler/timing/cron.test.ts):
// - a fixed wall time inside a spring-forward gap runs once, shifted forward by the gap
//   ('30 2 * * *' in America/New_York on 2027-03-14 runs at 03:30 EDT); if that collides with a
//   real 03:30 tick ('30 2,3 * * *') the two collapse into ONE run;
// - a fixed wall time inside a fall-back overlap runs once, at the EARLIER instant;
// - expressions with a wildcard or stepped hour ('0 * * * *', '*/30 * * * *') tick in elapsed
//   time, so during fall-back they run in both copies of the repeated hour and skip the gap.
// This matches the rules for run_at/starts_at wall times (shift forward, earlier instant).

import { type CronExpression, CronExpressionParser } from 'cron-parser'
import { fieldProblem } from '../../problem-error.ts'
import {
  checkNearestWeekday,
  checkQuartzSyntax,
  checkStraySixthField,
  explainCronError,
} from './cron-checks.ts'

export const CRON_HINT =
  'Use 5 fields "minute hour day-of-month month day-of-week", e.g. "0 9 * * MON-FRI" (09:00 on weekdays) or "0 9 * * MON#1" (09:00 on the first Monday of the month), or 6 fields with seconds first, e.g. "*/30 * * * * *" (every 30 seconds)'

/** Shorthands cron-parser expands; matched case-insensitively. */
export const CRON_SHORTHANDS = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@hourly',
  '@minutely',
  '@secondly',
  '@weekdays',
  '@weekends',
] as const

/** Trims, collapses whitespace and lower-cases @shorthands; field text (e.g. MON) is kept. */
export function normaliseCronText(text: string): string {
  const collapsed = text.trim().replace(/\s+/g, ' ')
  return collapsed.startsWith('@') ? collapsed.toLowerCase() : collapsed
}

function parse(expression: string, timezone: string, currentDate?: Date): CronExpression {
  return CronExpressionParser.parse(expression, {
    tz: timezone,
    currentDate: currentDate ?? new Date(0),
  })
}

/** `H` picks a random value per parse, so stored schedules would not be reproducible. */
const HASH_TOKEN = /(^|[,\s])h(?=$|[(/#,\s])/i

/**
 * Validates `text` (field count, values, never-matching dates, Quartz syntax, a stray sixth field)
 * and returns the normalised expression, or throws a 422 on field `cron` that names the problem and
 * what to send instead. Notes for an accepted but ambiguous expression go to `warnings`.
 */
export function checkCronExpression(text: string, timezone: string, warnings?: string[]): string {
  const expression = normaliseCronText(text)
  const quoted = JSON.stringify(expression)
  if (expression.startsWith('@')) {
    if (!(CRON_SHORTHANDS as readonly string[]).includes(expression)) {
      throw fieldProblem(
        'cron',
        `Unknown cron shorthand ${quoted}`,
        `Use one of ${CRON_SHORTHANDS.join(', ')}, or ${CRON_HINT}`,
      )
    }
  } else {
    checkQuartzSyntax(expression)
    const count = expression.split(' ').length
    if (count !== 5 && count !== 6) {
      throw fieldProblem(
        'cron',
        `cron ${quoted} has ${count} field${count === 1 ? '' : 's'}; expected 5, or 6 with seconds first`,
        CRON_HINT,
      )
    }
    if (HASH_TOKEN.test(expression)) {
      throw fieldProblem(
        'cron',
        `cron ${quoted} uses H (a random value), which is not supported`,
        'Pick fixed values instead, e.g. "15 9 * * *" for 09:15 every day',
      )
    }
    checkNearestWeekday(expression)
    checkStraySixthField(expression, warnings)
  }
  try {
    parse(expression, timezone)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    if (/explicit day of month/i.test(reason)) {
      throw fieldProblem(
        'cron',
        `cron ${quoted} never runs: the day of month does not exist in the chosen month(s) (${reason})`,
        'Pick a day that exists in every chosen month, e.g. "0 9 28 2 *", or "0 9 L 2 *" for the last day of February',
      )
    }
    const explained = explainCronError(expression, reason)
    throw fieldProblem('cron', explained.message, explained.hint ?? CRON_HINT)
  }
  return expression
}

/**
 * Occurrences already computed, by expression, zone and start instant: the same list cron-parser
 * would give again, so a hit changes nothing but the time. cron-parser steps through a zone's
 * wall time with luxon (an Intl offset look-up per step: ~0.15 ms per occurrence, ~1 ms for a
 * monthly cron), and one create asks for the same occurrences up to five times (parse, minimum
 * gap, warnings, next runs, the answer); creates of the same cron share the instants after their
 * first run, and so does the engine's next-run computation. Bounded: the oldest entry goes first.
 */
interface CachedRuns {
  runs: number[]
  /** cron-parser found no more after the last one: longer lists will not be longer. */
  exhausted: boolean
}
const OCCURRENCE_CACHE_SIZE = 2_000
const occurrenceCache = new Map<string, CachedRuns>()

function computeOccurrences(expression: string, timezone: string, from: Date, limit: number) {
  const runs: number[] = []
  const iterator = parse(expression, timezone, new Date(from.getTime() - 1))
  while (runs.length < limit) {
    try {
      runs.push(iterator.next().toDate().getTime())
    } catch {
      return { runs, exhausted: true }
    }
  }
  return { runs, exhausted: false }
}

/** Up to `limit` occurrences at or after `from` (fewer when cron-parser finds no more). */
export function cronOccurrences(
  expression: string,
  timezone: string,
  from: Date,
  limit: number,
): Date[] {
  if (limit <= 0) return []
  const key = `${timezone}\u0000${from.getTime()}\u0000${expression}`
  let cached = occurrenceCache.get(key)
  if (!cached || (cached.runs.length < limit && !cached.exhausted)) {
    cached = computeOccurrences(expression, timezone, from, limit)
    occurrenceCache.delete(key)
    if (occurrenceCache.size >= OCCURRENCE_CACHE_SIZE) {
      occurrenceCache.delete(occurrenceCache.keys().next().value as string)
    }
    occurrenceCache.set(key, cached)
  }
  // Fresh Dates: callers may change theirs.
  return cached.runs.slice(0, limit).map((time) => new Date(time))
}

/** The first occurrence at or after `from`, or null when the expression never matches again. */
export function firstCronOccurrence(expression: string, timezone: string, from: Date): Date | null {
  return cronOccurrences(expression, timezone, from, 1)[0] ?? null
}

/** Smallest gap between the first `sample` occurrences from `from`, or null with < 2 of them. */
export function cronMinimumGapMs(
  expression: string,
  timezone: string,
  from: Date,
  sample = 10,
): number | null {
  const runs = cronOccurrences(expression, timezone, from, sample)
  let smallest: number | null = null
  for (let i = 1; i < runs.length; i++) {
    const gap = (runs[i]?.getTime() ?? 0) - (runs[i - 1]?.getTime() ?? 0)
    if (smallest === null || gap < smallest) smallest = gap
  }
  return smallest
}

/** Whether the wall time of `date` in `timezone` matches every field of the expression. */
export function cronMatches(expression: string, timezone: string, date: Date): boolean {
  return parse(expression, timezone).includesDate(date)
}
