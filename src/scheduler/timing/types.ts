// Shared shapes for timing: what agents send, what options the server passes, and the stored Schedule.

/** What an agent sends. Every field may be missing, null or an empty string, all meaning "not given". */
export interface TimingInput {
  /** ISO 8601. With an offset or Z it is absolute; without one it is a wall time in `timezone`. */
  run_at?: string | null
  /** Relative time from now in the duration grammar, e.g. "15m", "1h30m", "PT2H". */
  delay?: string | null
  /** Repeat interval in the duration grammar; at least `TimingOptions.minIntervalMs`. */
  every?: string | null
  /** 5 fields, or 6 with seconds first; @hourly, @daily, @weekly, @monthly, @yearly… also accepted. */
  cron?: string | null
  /** IANA zone name; defaults to `TimingOptions.defaultTimezone`. */
  timezone?: string | null
  /** Recurring only: no run before this time (same parsing as run_at). */
  starts_at?: string | null
  /** Recurring only: no run after this time (inclusive). */
  ends_at?: string | null
  /** Recurring only: integer >= 1. */
  max_runs?: number | null
}

export interface TimingOptions {
  /** "Now" is always injected; nothing in this module reads the clock. */
  now: Date
  defaultTimezone: string
  /** Smallest allowed gap between runs of a recurring schedule (every and cron). */
  minIntervalMs: number
  /** How far ahead run_at, starts_at and delay may reach; default 3650 days (MAX_SCHEDULE_AHEAD_DAYS). */
  maxAheadMs?: number
}

/** Plain JSON (stored in a jsonb column and read back); all instants are UTC ISO strings. */
export type Schedule =
  | {
      kind: 'once'
      /** UTC ISO, e.g. 2026-12-01T12:00:00.000Z. */
      runAt: string
      timezone: string
      source: 'run_at' | 'delay'
      /** The text the agent sent (run_at or delay), trimmed. */
      original: string
    }
  | {
      kind: 'interval'
      everyMs: number
      /** The `every` text the agent sent, trimmed. */
      everyText: string
      timezone: string
      /** The first run (UTC ISO); later runs are startsAt + k * everyMs, so there is no drift. */
      startsAt: string
      /** Inclusive upper bound (UTC ISO) or null. */
      endsAt: string | null
      maxRuns: number | null
    }
  | {
      kind: 'cron'
      /** Whitespace-normalised expression as the agent wrote it (names such as MON kept). */
      expression: string
      timezone: string
      /**
       * parseTiming always sets this to the first cron occurrence (UTC ISO) at or after
       * max(now, starts_at), so occurrences are "cron ticks at or after startsAt". null is
       * tolerated for hand-built schedules; then firstOccurrence needs a fallback "now".
       */
      startsAt: string | null
      /** Inclusive upper bound (UTC ISO) or null. */
      endsAt: string | null
      maxRuns: number | null
    }

export type OnceSchedule = Extract<Schedule, { kind: 'once' }>
export type IntervalSchedule = Extract<Schedule, { kind: 'interval' }>
export type CronSchedule = Extract<Schedule, { kind: 'cron' }>

export interface ParsedTiming {
  schedule: Schedule
  /** Parse-time notes for the user: DST adjustments of given wall times, past starts_at moved on. */
  warnings: string[]
}

/** One instant shown both ways. */
export interface RunTime {
  /** UTC ISO from Date#toISOString, e.g. 2026-12-01T12:00:00.000Z. */
  utc: string
  /** ISO 8601 with the offset of the schedule's zone, e.g. 2026-12-01T09:00:00-03:00. */
  local: string
}
