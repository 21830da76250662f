// Public surface of the timing module: parse agent timing input, compute runs, describe schedules.

export { PAST_TOLERANCE_MS } from './context.ts'
export {
  CRON_SHORTHANDS,
  checkCronExpression,
  cronOccurrences,
  firstCronOccurrence,
} from './cron.ts'
export { describeCronExpression } from './cron-describe.ts'
export {
  DEFAULT_MAX_AHEAD_DAYS,
  DURATION_GRAMMAR,
  FAR_AHEAD_WARNING_MS,
  formatCompactDuration,
  MS_PER_DAY,
  parseDuration,
  parseSignedDuration,
} from './duration.ts'
export { formatDurationExact, humanizeDuration, relativePhrase } from './humanize.ts'
export {
  type ParsedDateTime,
  parseDateTimeText,
  resolveWallTime,
  type WallTime,
} from './local-time.ts'
export { computeNextRuns, firstOccurrence, nextOccurrence } from './next-runs.ts'
export { describeNow, type NowDescription } from './now.ts'
export { parseTiming, parseTimingForPreview } from './schedule.ts'
export { describeSchedule } from './summary.ts'
export type {
  CronSchedule,
  IntervalSchedule,
  OnceSchedule,
  ParsedTiming,
  RunTime,
  Schedule,
  TimingInput,
  TimingOptions,
} from './types.ts'
export { scheduleWarnings } from './warnings.ts'
export {
  formatClock,
  formatHumanLocal,
  isValidTimezone,
  localIso,
  normaliseTimezone,
  toRunTime,
} from './zone.ts'
export { requireTimezone, TIMEZONE_HINT } from './zone-problem.ts'
