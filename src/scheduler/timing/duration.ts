// Parses the duration grammar shared by `delay`, `every` and signed offsets such as "-15m".

import { fieldProblem, type ProblemError } from '../../http/problem-error.ts'

export const MS_PER_SECOND = 1000
export const MS_PER_MINUTE = 60 * MS_PER_SECOND
export const MS_PER_HOUR = 60 * MS_PER_MINUTE
/** A "day" in a duration is 24 hours of elapsed time, not a calendar day: across a DST change
 * "1d" can land at a different wall-clock time. Use cron for "same local time every day". */
export const MS_PER_DAY = 24 * MS_PER_HOUR
export const MS_PER_WEEK = 7 * MS_PER_DAY

/** Longest accepted delay (and interval, and how far ahead run_at/starts_at may be). */
export const MAX_DELAY_DAYS = 366
export const MAX_DELAY_MS = MAX_DELAY_DAYS * MS_PER_DAY

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
  | { reason: 'unsupported-unit'; unit: string }
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
  rest = rest.replace(/^in\s+/, '')
  const magnitude = rest.startsWith('p') ? parseIso(rest) : parseHuman(rest)
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

function finish(total: number): DurationAnalysis {
  const ms = Math.round(total)
  if (!Number.isFinite(ms)) return { ok: false, reason: 'syntax' }
  if (ms % MS_PER_SECOND !== 0) return { ok: false, reason: 'sub-second' }
  return { ok: true, ms }
}

function parseIso(text: string): DurationAnalysis {
  const match = ISO.exec(text)
  if (!match || text === 'p' || text.endsWith('t')) {
    const unsupported = /^p[^t]*?[ym]/.test(text)
    return unsupported
      ? { ok: false, reason: 'unsupported-unit', unit: 'months/years' }
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
  if (!HUMAN_WHOLE.test(cleaned)) return { ok: false, reason: 'syntax' }
  let total = 0
  const seen = new Set<number>()
  for (const [, amount, unit] of cleaned.matchAll(HUMAN_PART)) {
    if (amount === undefined || unit === undefined) return { ok: false, reason: 'syntax' }
    if (SUB_SECOND_UNITS.has(unit)) return { ok: false, reason: 'sub-second' }
    const unitMs = UNIT_MS[unit]
    if (unitMs === undefined) {
      return /^(mo|mos|mth|mths|months?|y|yr|yrs|years?)$/.test(unit)
        ? { ok: false, reason: 'unsupported-unit', unit }
        : { ok: false, reason: 'syntax' }
    }
    if (seen.has(unitMs)) return { ok: false, reason: 'syntax' }
    seen.add(unitMs)
    total += (amount.startsWith('a') ? 1 : Number(amount)) * unitMs
  }
  return finish(total)
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

const GRAMMAR_HINT =
  'Use a number with a unit (s, m, h, d, w), e.g. "15m", "2h", "1h30m", "3 days", or ISO 8601 such as "PT2H"'

/** The 422 for a duration that failed analysis, with a hint for the specific mistake. */
export function durationProblem(
  field: string,
  text: string,
  failure: DurationFailure,
): ProblemError {
  const quoted = JSON.stringify(text.trim())
  switch (failure.reason) {
    case 'bare-number': {
      const n = text.trim()
      return fieldProblem(
        field,
        `${quoted} has no unit`,
        `Add a unit, e.g. "${n}m" for ${n} minutes or "${n}s" for ${n} seconds`,
      )
    }
    case 'sub-second':
      return fieldProblem(
        field,
        `${quoted} is not a whole number of seconds; durations have one-second resolution`,
        'Use whole seconds or larger units, e.g. "30s" or "2m"',
      )
    case 'not-positive':
      return fieldProblem(
        field,
        `${quoted} must be greater than zero`,
        'Use a positive duration, e.g. "10m"',
      )
    case 'unsupported-unit':
      return fieldProblem(
        field,
        `${quoted} uses ${failure.unit}, which has no fixed length`,
        'Use s, m, h, d or w, e.g. "30d"; for "every month" use cron, e.g. cron: "0 9 1 * *"',
      )
    default:
      return fieldProblem(field, `${quoted} is not a duration`, GRAMMAR_HINT)
  }
}

/** Parse a positive duration for `field` or throw the matching 422. */
export function requireDuration(field: string, text: string): number {
  const result = analyseDuration(text)
  if (!result.ok) throw durationProblem(field, text, result)
  return result.ms
}
