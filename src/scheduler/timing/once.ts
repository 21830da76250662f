// Builds one-off schedules from run_at (absolute or local wall time) or delay (relative to now).

import { fieldProblem } from '../../http/problem-error.ts'
import { type BuildContext, bothClocks, checkNotTooFar, PAST_TOLERANCE_MS } from './context.ts'
import { MAX_DELAY_DAYS, MAX_DELAY_MS, requireDuration } from './duration.ts'
import { parseWhen } from './local-time.ts'
import type { OnceSchedule } from './types.ts'
import { localIso } from './zone.ts'

/** run_at: in the past (beyond PAST_TOLERANCE_MS) is a 422 unless ctx.preview. */
export function buildRunAt(text: string, ctx: BuildContext): OnceSchedule {
  const { date, warning } = parseWhen('run_at', text, ctx.timezone)
  if (warning) ctx.warnings.push(warning)
  const lateBy = ctx.now.getTime() - date.getTime()
  if (lateBy > PAST_TOLERANCE_MS && !ctx.preview) {
    throw fieldProblem(
      'run_at',
      `run_at ${localIso(date, ctx.timezone)} is in the past. The current time is ${bothClocks(ctx.now, ctx.timezone)}`,
      `Send a time after ${localIso(ctx.now, ctx.timezone)}, or use delay for a relative time instead, e.g. delay: "10m"`,
    )
  }
  checkNotTooFar('run_at', date, ctx)
  return {
    kind: 'once',
    runAt: date.toISOString(),
    timezone: ctx.timezone,
    source: 'run_at',
    original: text,
  }
}

/** delay: now + duration, at most MAX_DELAY_DAYS. */
export function buildDelay(text: string, ctx: BuildContext): OnceSchedule {
  const ms = requireDuration('delay', text)
  if (ms > MAX_DELAY_MS) {
    throw fieldProblem(
      'delay',
      `delay ${JSON.stringify(text)} is longer than ${MAX_DELAY_DAYS} days`,
      `Use at most "${MAX_DELAY_DAYS}d", or run_at with a date, e.g. run_at: "2026-12-01T09:00:00-03:00"`,
    )
  }
  return {
    kind: 'once',
    runAt: new Date(ctx.now.getTime() + ms).toISOString(),
    timezone: ctx.timezone,
    source: 'delay',
    original: text,
  }
}
