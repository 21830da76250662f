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
  formatCompactDuration,
  MAX_DELAY_DAYS,
  MAX_DELAY_MS,
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
  isValidTimezone,
  localIso,
  normaliseTimezone,
  requireTimezone,
  TIMEZONE_HINT,
  toRunTime,
} from './zone.ts'
