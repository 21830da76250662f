// Entry point that turns a TimingInput into a stored Schedule (parseTiming) or a lenient preview.

import type { BuildContext } from './context.ts'
import { checkRecurringOnly, cleanInput, pickMode } from './input.ts'
import { buildDelay, buildRunAt } from './once.ts'
import { buildCron, buildInterval } from './recurring.ts'
import type { ParsedTiming, Schedule, TimingInput, TimingOptions } from './types.ts'
import { requireTimezone } from './zone-problem.ts'

function parse(input: TimingInput, options: TimingOptions, preview: boolean): ParsedTiming {
  const clean = cleanInput(input, options)
  const timezone = requireTimezone(
    clean.timezone ?? options.defaultTimezone,
    'timezone',
    options.now,
  )
  const mode = pickMode(clean, { now: options.now, timezone })
  checkRecurringOnly(mode, clean)
  const ctx: BuildContext = {
    now: options.now,
    timezone,
    timezoneGiven: clean.timezone !== undefined,
    minIntervalMs: options.minIntervalMs,
    maxAheadMs: options.maxAheadMs,
    preview,
    warnings: [],
  }
  let schedule: Schedule
  switch (mode) {
    case 'run_at':
      schedule = buildRunAt(clean.run_at ?? '', ctx)
      break
    case 'delay':
      schedule = buildDelay(clean.delay ?? '', ctx)
      break
    case 'every':
      schedule = buildInterval(clean.every ?? '', clean, ctx)
      break
    case 'cron':
      schedule = buildCron(clean.cron ?? '', clean, ctx)
      break
  }
  return { schedule, warnings: ctx.warnings }
}

/**
 * Validates agent input and builds the Schedule to store. Throws ProblemError (422) with field,
 * message and an actionable hint. `warnings` holds DST adjustments of wall times and notes
 * such as a past starts_at being moved on.
 */
export function parseTiming(input: TimingInput, options: TimingOptions): ParsedTiming {
  return parse(input, options, false)
}

/**
 * Same as parseTiming, but a past run_at and an ends_at before the first run do not throw:
 * the schedule is returned as it would be stored, and scheduleWarnings(schedule, now, runs)
 * reports those problems ("in the past", "ends before the first run"). Every other mistake
 * (syntax, unknown zone, too far ahead, too frequent) still throws, exactly as on create.
 * Preview tool: warnings = [...parsed.warnings, ...scheduleWarnings(...)].
 */
export function parseTimingForPreview(input: TimingInput, options: TimingOptions): ParsedTiming {
  return parse(input, options, true)
}
