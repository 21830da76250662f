// Parses the duration grammar shared by `delay`, `every` and signed offsets such as "-15m".

export const MS_PER_SECOND = 1000
export const MS_PER_MINUTE = 60 * MS_PER_SECOND
export const MS_PER_HOUR = 60 * MS_PER_MINUTE
/** A "day" in a duration is 24 hours of elapsed time, not a calendar day: across a DST change
 * "1d" can land at a different wall-clock time. Use cron for "same local time every day". */
export const MS_PER_DAY = 24 * MS_PER_HOUR
export const MS_PER_WEEK = 7 * MS_PER_DAY

/** Default horizon: how far ahead run_at, starts_at and delay may reach (MAX_SCHEDULE_AHEAD_DAYS). */
export const DEFAULT_MAX_AHEAD_DAYS = 3650
export const DEFAULT_MAX_AHEAD_MS = DEFAULT_MAX_AHEAD_DAYS * MS_PER_DAY
/** Times further ahead than this are accepted with a warning (a wrong year is a common slip). */
export const FAR_AHEAD_WARNING_MS = 366 * MS_PER_DAY

/**
 * The grammar of `delay` and `every`, for field descriptions: the text agents read is the text the
 * parser below accepts.
 */
export const DURATION_GRAMMAR =
  'a number with a unit, e.g. 90s, 15m, 2h, 1h30m, "3 days", "2 weeks", "1 hour and 30 minutes", "half an hour"; ISO 8601 such as PT2H or P1D; or hourly, daily, weekly. A leading "in" or "every" and a trailing "from now" are ignored. A day is 24 hours; months and years have no fixed length, so use run_at or cron for those'

const UNIT_MS: Record<string, number> = {
  s: MS_PER_SECOND,
  sec: MS_PER_SECOND,
  secs: MS_PER_SECOND,
  second: MS_PER_SECOND,
  seconds: MS_PER_SECOND,
  m: MS_PER_MINUTE,
  min: MS_PER_MINUTE,
  mins: MS_PER_MINUTE,
  minute: MS_PER_MINUTE,
  minutes: MS_PER_MINUTE,
  h: MS_PER_HOUR,
  hr: MS_PER_HOUR,
  hrs: MS_PER_HOUR,
  hour: MS_PER_HOUR,
  hours: MS_PER_HOUR,
  d: MS_PER_DAY,
  day: MS_PER_DAY,
  days: MS_PER_DAY,
  w: MS_PER_WEEK,
  week: MS_PER_WEEK,
  weeks: MS_PER_WEEK,
}

const SUB_SECOND_UNITS = new Set(['ms', 'msec', 'msecs', 'millisecond', 'milliseconds'])

export type DurationFailure =
  | { reason: 'empty' }
  | { reason: 'bare-number' }
  | { reason: 'sub-second' }
  | { reason: 'not-positive' }
  | { reason: 'unsupported-unit'; unit: string; amount: number | null }
  | { reason: 'syntax' }

export type DurationAnalysis = { ok: true; ms: number } | ({ ok: false } & DurationFailure)

const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`
const ISO = new RegExp(
  `^p(?:(${NUMBER})w)?(?:(${NUMBER})d)?(?:t(?:(${NUMBER})h)?(?:(${NUMBER})m)?(?:(${NUMBER})s)?)?$`,
)
const HUMAN_WHOLE = new RegExp(`^(?:(?:${NUMBER}|an?(?=\\s))\\s*[a-z]+\\s*)+$`)
const HUMAN_PART = new RegExp(`(${NUMBER}|an?(?=\\s))\\s*([a-z]+)`, 'g')

/** Full analysis with the reason for a rejection; `signed` allows a leading + or -. */
export function analyseDuration(text: string, signed = false): DurationAnalysis {
  let rest = text.trim().toLowerCase()
  if (rest === '') return { ok: false, reason: 'empty' }
  let sign = 1
  const signMatch = /^([+-])\s*/.exec(rest)
  if (signMatch) {
    if (!signed && signMatch[1] === '-') return { ok: false, reason: 'not-positive' }
    if (signMatch[1] === '-') sign = -1
    rest = rest.slice(signMatch[0].length)
  }
  rest = stripFillerWords(rest)
  const word = WORD_DURATIONS[rest]
  const magnitude =
    word !== undefined
      ? { ok: true as const, ms: word }
      : rest.startsWith('p')
        ? parseIso(rest)
        : parseHuman(rest)
  if (!magnitude.ok) return magnitude
  if (magnitude.ms === 0 && !signed) return { ok: false, reason: 'not-positive' }
  return { ok: true, ms: sign * magnitude.ms }
}

/** Milliseconds for a positive duration ("15m", "1h 30m", "in 2 hours", "PT90S"), else null. */
export function parseDuration(text: string): number | null {
  const result = analyseDuration(text)
  return result.ok ? result.ms : null
}

/** Like parseDuration but allows a leading "-" or "+" and zero, e.g. "-15m" → -900000. */
export function parseSignedDuration(text: string): number | null {
  const result = analyseDuration(text, true)
  return result.ok ? result.ms : null
}

/** Whole phrases that name a duration. */
const WORD_DURATIONS: Record<string, number> = {
  secondly: MS_PER_SECOND,
  minutely: MS_PER_MINUTE,
  hourly: MS_PER_HOUR,
  daily: MS_PER_DAY,
  nightly: MS_PER_DAY,
  weekly: MS_PER_WEEK,
  fortnightly: 2 * MS_PER_WEEK,
  'half an hour': 30 * MS_PER_MINUTE,
  'half hour': 30 * MS_PER_MINUTE,
  'a half hour': 30 * MS_PER_MINUTE,
  'quarter of an hour': 15 * MS_PER_MINUTE,
  'a quarter of an hour': 15 * MS_PER_MINUTE,
  'quarter hour': 15 * MS_PER_MINUTE,
  'an hour and a half': 90 * MS_PER_MINUTE,
  'other day': 2 * MS_PER_DAY,
  'other week': 2 * MS_PER_WEEK,
  'other hour': 2 * MS_PER_HOUR,
}

/** 'every 15 minutes' → '15 minutes', 'in 2 hours' → '2 hours', '3 days from now' → '3 days', 'every hour' → '1 hour'. */
function stripFillerWords(text: string): string {
  const stripped = text
    .replace(/^(?:every|each|in|after)\s+/, '')
    .replace(/\s+(?:from now|later|from today)$/, '')
    .replace(/^once\s+an?\s+/, '')
    .trim()
  return /^(?:second|sec|minute|min|hour|hr|day|week)$/.test(stripped) ? `1 ${stripped}` : stripped
}

function finish(total: number): DurationAnalysis {
  const ms = Math.round(total)
  if (!Number.isFinite(ms)) return { ok: false, reason: 'syntax' }
  if (ms % MS_PER_SECOND !== 0) return { ok: false, reason: 'sub-second' }
  return { ok: true, ms }
}

function parseIso(text: string): DurationAnalysis {
  const match = ISO.exec(text)
  if (!match || text === 'p' || text.endsWith('t')) {
    const calendar = /^p(\d+)([ym])$/.exec(text)
    if (calendar?.[1] && calendar[2]) {
      const unit = calendar[2] === 'y' ? 'years' : 'months'
      return { ok: false, reason: 'unsupported-unit', unit, amount: Number(calendar[1]) }
    }
    const unsupported = /^p[^t]*?[ym]/.test(text)
    return unsupported
      ? { ok: false, reason: 'unsupported-unit', unit: 'months/years', amount: null }
      : { ok: false, reason: 'syntax' }
  }
  const [, w, d, h, m, s] = match
  const parts: [string | undefined, number][] = [
    [w, MS_PER_WEEK],
    [d, MS_PER_DAY],
    [h, MS_PER_HOUR],
    [m, MS_PER_MINUTE],
    [s, MS_PER_SECOND],
  ]
  return finish(parts.reduce((sum, [value, unit]) => sum + (value ? Number(value) * unit : 0), 0))
}

function parseHuman(text: string): DurationAnalysis {
  const cleaned = text
    .replace(/,/g, ' ')
    .replace(/\band\b/g, ' ')
    .trim()
  if (new RegExp(`^${NUMBER}$`).test(cleaned)) return { ok: false, reason: 'bare-number' }
  const calendar =
    /^(?:(\d+)\s*)?(monthly|yearly|annually|quarterly|months?|mos?|mths?|years?|yrs?|y)$/.exec(
      cleaned,
    )
  if (calendar?.[2]) return calendarFailure(calendar[2], calendar[1])
  if (!HUMAN_WHOLE.test(cleaned)) return { ok: false, reason: 'syntax' }
  let total = 0
  const seen = new Set<number>()
  for (const [, amount, unit] of cleaned.matchAll(HUMAN_PART)) {
    if (amount === undefined || unit === undefined) return { ok: false, reason: 'syntax' }
    if (SUB_SECOND_UNITS.has(unit)) return { ok: false, reason: 'sub-second' }
    const unitMs = UNIT_MS[unit]
    if (unitMs === undefined) {
      return /^(mo|mos|mth|mths|months?|y|yr|yrs|years?)$/.test(unit)
        ? { ok: false, reason: 'unsupported-unit', unit, amount: null }
        : { ok: false, reason: 'syntax' }
    }
    if (seen.has(unitMs)) return { ok: false, reason: 'syntax' }
    seen.add(unitMs)
    total += (amount.startsWith('a') ? 1 : Number(amount)) * unitMs
  }
  return finish(total)
}

/** 'monthly' → 1 month, '3 years' → 3 years, 'quarterly' → 3 months: refused, with the amount for the hint. */
function calendarFailure(word: string, amount: string | undefined): DurationAnalysis {
  const count = amount === undefined ? 1 : Number(amount)
  if (word === 'quarterly')
    return { ok: false, reason: 'unsupported-unit', unit: 'months', amount: 3 }
  const unit = /^(?:y|yrs?|years?|yearly|annually)$/.test(word) ? 'years' : 'months'
  return { ok: false, reason: 'unsupported-unit', unit, amount: count }
}

/** Compact grammar form used in hints, e.g. 90000 → "1m30s", 86400000 → "1d". */
export function formatCompactDuration(ms: number): string {
  let rest = Math.max(MS_PER_SECOND, Math.round(Math.abs(ms) / MS_PER_SECOND) * MS_PER_SECOND)
  let out = ''
  for (const [suffix, unit] of [
    ['d', MS_PER_DAY],
    ['h', MS_PER_HOUR],
    ['m', MS_PER_MINUTE],
    ['s', MS_PER_SECOND],
  ] as const) {
    const count = Math.floor(rest / unit)
    if (count > 0) out += `${count}${suffix}`
    rest -= count * unit
  }
  return out
}
