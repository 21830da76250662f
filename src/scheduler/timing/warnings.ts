// Warnings derived from a Schedule for previews: past run, very frequent, ends before first run, DST effects.

import { PAST_TOLERANCE_MS } from './context.ts'
import { cronMatches, cronMinimumGapMs, firstCronOccurrence } from './cron.ts'
import { dayOrWarning } from './cron-checks.ts'
import { describeCronExpression } from './cron-describe.ts'
import { MS_PER_MINUTE } from './duration.ts'
import { formatDurationExact, humanizeDuration, relativePhrase } from './humanize.ts'
import { resolveWallTime } from './local-time.ts'
import { firstOccurrence } from './next-runs.ts'
import type { Schedule } from './types.ts'
import {
  formatClock,
  formatHumanDate,
  formatHumanLocal,
  localIso,
  offsetMinutes,
  wallFields,
} from './zone.ts'

function wallOf(date: Date, timezone: string) {
  const dt = wallFields(date, timezone)
  return {
    year: dt.year,
    month: dt.month,
    day: dt.day,
    hour: dt.hour,
    minute: dt.minute,
    second: dt.second,
    millisecond: dt.millisecond,
  }
}

/** Notes about DST changes that affect the listed runs of a recurring schedule. */
function dstWarnings(schedule: Schedule, runs: Date[]): string[] {
  const zone = schedule.timezone
  const out: string[] = []
  if (schedule.kind === 'interval') {
    for (let i = 1; i < runs.length; i++) {
      const prev = runs[i - 1] as Date
      const run = runs[i] as Date
      const before = offsetMinutes(prev, zone)
      const after = offsetMinutes(run, zone)
      if (before === after) continue
      out.push(
        `The UTC offset of ${zone} changes between the runs at ${localIso(prev, zone)} and ${localIso(run, zone)} (DST); intervals keep exact elapsed time, so local clock times shift by ${humanizeDuration((after - before) * MS_PER_MINUTE)}.`,
      )
    }
  }
  if (schedule.kind === 'cron') {
    for (const run of runs) {
      if (!cronMatches(schedule.expression, zone, run)) {
        out.push(
          `On ${formatHumanDate(run, zone)} the cron's scheduled wall time does not exist in ${zone} (clocks jump forward), so it runs at ${formatClock(run, zone)} local instead.`,
        )
        continue
      }
      const resolved = resolveWallTime(wallOf(run, zone), zone)
      if (resolved.adjustment !== 'overlap' || resolved.date.getTime() !== run.getTime()) continue
      const later = new Date(run.getTime() + resolved.shiftMs)
      const following = firstCronOccurrence(schedule.expression, zone, new Date(run.getTime() + 1))
      const both = following !== null && following.getTime() === later.getTime()
      out.push(
        both
          ? `${formatHumanLocal(run, zone)} happens twice in ${zone} (clocks go back); this cron runs at both, ${localIso(run, zone)} and ${localIso(later, zone)}.`
          : `${formatHumanLocal(run, zone)} happens twice in ${zone} (clocks go back); this cron runs only at the first, ${localIso(run, zone)}.`,
      )
    }
  }
  return out
}

/**
 * Schedule-derived warnings for previews (parse-time DST notes live in ParsedTiming.warnings):
 * run_at in the past, very frequent (< 1 minute between runs), ends before the first run, DST
 * effects on the listed `nextRuns`, and cron day-of-month/day-of-week OR semantics.
 */
export function scheduleWarnings(schedule: Schedule, now: Date, nextRuns: Date[]): string[] {
  const zone = schedule.timezone
  const out: string[] = []
  if (schedule.kind === 'once') {
    const runAt = new Date(schedule.runAt)
    if (now.getTime() - runAt.getTime() > PAST_TOLERANCE_MS) {
      out.push(
        `The run time ${localIso(runAt, zone)} is in the past (${relativePhrase(runAt, now)}; now is ${localIso(now, zone)}); creating it would fail. Use a future run_at or a delay, e.g. delay: "10m".`,
      )
    }
    return out
  }
  const first = firstOccurrence(schedule, now)
  const gap =
    schedule.kind === 'interval'
      ? schedule.everyMs
      : cronMinimumGapMs(schedule.expression, zone, first)
  if (gap !== null && gap < MS_PER_MINUTE) {
    out.push(`Very frequent: runs every ${formatDurationExact(gap)}, more than once a minute.`)
  }
  if (schedule.endsAt !== null && Date.parse(schedule.endsAt) < first.getTime()) {
    out.push(
      `The schedule ends (${localIso(new Date(schedule.endsAt), zone)}) before its first run (${localIso(first, zone)}), so it would never run.`,
    )
  }
  if (schedule.kind === 'cron') {
    const either = dayOrWarning(schedule.expression)
    if (either) out.push(either)
    if (describeCronExpression(schedule.expression) === null) {
      out.push(
        `No plain-language description could be made for cron "${schedule.expression}"; check next_runs with the user.`,
      )
    }
  }
  out.push(...dstWarnings(schedule, nextRuns))
  return out
}
