// Builds one-off schedules from run_at (absolute or local wall time) or delay (relative to now).

import { DateTime } from 'luxon'
import { fieldProblem } from '../../problem-error.ts'
import {
  type BuildContext,
  bothClocks,
  checkNotTooFar,
  describeHorizon,
  maxAheadOf,
  PAST_TOLERANCE_MS,
} from './context.ts'
import { requireDuration } from './duration-problem.ts'
import { exampleLocalRunAt } from './examples.ts'
import { relativePhrase } from './humanize.ts'
import { parseWhen } from './local-time.ts'
import type { OnceSchedule } from './types.ts'
import { localIso } from './zone.ts'

/**
 * A past run_at is often the right day in the wrong year (a model's sense of "now" lags): the same
 * wall time in the next year that is still ahead, or null.
 */
function sameDayAhead(date: Date, ctx: BuildContext): string | null {
  const local = DateTime.fromMillis(date.getTime(), { zone: ctx.timezone })
  for (let years = 1; years <= 2; years++) {
    const candidate = local.plus({ years })
    if (candidate.toMillis() > ctx.now.getTime()) return candidate.toFormat("yyyy-MM-dd'T'HH:mm")
  }
  return null
}

function pastRunAtProblem(date: Date, ctx: BuildContext) {
  const ahead = sameDayAhead(date, ctx)
  const yearSlip =
    ahead && date.getTime() < ctx.now.getTime() - 7 * 24 * 3_600_000
      ? ` If the user meant the next ${DateTime.fromMillis(date.getTime(), { zone: ctx.timezone }).toFormat('d LLLL')}, send run_at "${ahead}" (call getCurrentTime when unsure of today's date).`
      : ''
  return fieldProblem(
    'run_at',
    `run_at ${localIso(date, ctx.timezone)} is in the past (${relativePhrase(date, ctx.now)}). The current time is ${bothClocks(ctx.now, ctx.timezone)}`,
    `Send a time after ${localIso(ctx.now, ctx.timezone)}, e.g. run_at: "${exampleLocalRunAt(ctx.now, ctx.timezone)}", or a relative delay such as delay: "10m".${yearSlip}`,
  )
}

/** run_at: in the past (beyond PAST_TOLERANCE_MS) is a 422 unless ctx.preview. */
export function buildRunAt(text: string, ctx: BuildContext): OnceSchedule {
  const { date, warning } = parseWhen('run_at', text, ctx)
  if (warning) ctx.warnings.push(warning)
  const lateBy = ctx.now.getTime() - date.getTime()
  if (lateBy > PAST_TOLERANCE_MS && !ctx.preview) throw pastRunAtProblem(date, ctx)
  checkNotTooFar('run_at', date, ctx)
  return {
    kind: 'once',
    runAt: date.toISOString(),
    timezone: ctx.timezone,
    source: 'run_at',
    original: text,
  }
}

/** delay: now + duration, within the horizon (maxAheadMs). */
export function buildDelay(text: string, ctx: BuildContext): OnceSchedule {
  const ms = requireDuration('delay', text, ctx)
  const maxAheadMs = maxAheadOf(ctx)
  if (ms > maxAheadMs) {
    throw fieldProblem(
      'delay',
      `delay ${JSON.stringify(text)} is longer than ${describeHorizon(maxAheadMs)}, the furthest this server schedules`,
      `Check the amount with the user; for a one-off within the limit send e.g. run_at: "${exampleLocalRunAt(ctx.now, ctx.timezone, 365)}".`,
    )
  }
  const runAt = new Date(ctx.now.getTime() + ms)
  checkNotTooFar('delay', runAt, ctx)
  return {
    kind: 'once',
    runAt: runAt.toISOString(),
    timezone: ctx.timezone,
    source: 'delay',
    original: text,
  }
}
