// Parses run_at / starts_at / ends_at and resolves wall times in a zone, including DST gaps and overlaps.

import { DateTime } from 'luxon'
import { fieldProblem } from '../../problem-error.ts'
import { MS_PER_DAY, MS_PER_MINUTE } from './duration.ts'
import { exampleAbsoluteRunAt, exampleLocalRunAt } from './examples.ts'
import { humanizeDuration } from './humanize.ts'
import { suggestDateTimeForPhrase } from './phrase-to-date.ts'
import { formatClock, formatHumanDate, localIso, offsetMinutes } from './zone.ts'

export interface WallTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  millisecond: number
}

export type ParsedDateTime =
  | { kind: 'absolute'; date: Date; offsetMinutes: number }
  | { kind: 'local'; wall: WallTime }
  | { kind: 'date-only' }

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:(?:t|\s+)(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?$/i

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/**
 * Accepts 'YYYY-MM-DDTHH:mm[:ss[.fff]]' or the same with a space instead of T, optionally
 * followed by Z or an offset (+03:00, +0300, +03). Returns null when the text is not a valid
 * date-time, and { kind: 'date-only' } for a bare date so callers can ask for a time.
 */
export function parseDateTimeText(text: string): ParsedDateTime | null {
  const match = DATE_TIME.exec(text.trim())
  if (!match) return null
  const [, y, mo, d, h, mi, s, frac, offset] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return null
  }
  if (h === undefined || mi === undefined)
    return offset === undefined ? { kind: 'date-only' } : null
  const wall: WallTime = {
    year,
    month,
    day,
    hour: Number(h),
    minute: Number(mi),
    second: s === undefined ? 0 : Number(s),
    millisecond: frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0')),
  }
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) return null
  if (offset === undefined) return { kind: 'local', wall }
  let offsetMin = 0
  if (offset.toLowerCase() !== 'z') {
    const digits = offset.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0
    if (oh > 18 || om > 59) return null
    offsetMin = (offset.startsWith('-') ? -1 : 1) * (oh * 60 + om)
  }
  return {
    kind: 'absolute',
    date: new Date(wallAsUtcMs(wall) - offsetMin * MS_PER_MINUTE),
    offsetMinutes: offsetMin,
  }
}

function wallAsUtcMs(wall: WallTime): number {
  const { year, month, day, hour, minute, second, millisecond } = wall
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond)
}

export interface ResolvedWallTime {
  date: Date
  /** 'gap': the wall time does not exist (spring forward); 'overlap': it exists twice (fall back). */
  adjustment: 'none' | 'gap' | 'overlap'
  /** Size of the DST jump in ms when adjustment is not 'none', else 0. */
  shiftMs: number
}

/**
 * Resolves a wall time in `timezone` deterministically (independent of luxon's own choice):
 * - exists once: that instant;
 * - in a spring-forward gap: shifted forward by the gap length (02:30 on a 02:00→03:00 day
 *   becomes 03:30), i.e. read with the offset in force before the jump;
 * - in a fall-back overlap: the EARLIER instant (first occurrence).
 * Assumes at most one offset change within a day either side, true for all real zones.
 */
export function resolveWallTime(wall: WallTime, timezone: string): ResolvedWallTime {
  const asUtc = wallAsUtcMs(wall)
  const before = offsetMinutes(asUtc - MS_PER_DAY, timezone)
  const after = offsetMinutes(asUtc + MS_PER_DAY, timezone)
  const offsets = [...new Set([before, offsetMinutes(asUtc, timezone), after])]
  const candidates = offsets
    .filter((offset) => offsetMinutes(asUtc - offset * MS_PER_MINUTE, timezone) === offset)
    .map((offset) => asUtc - offset * MS_PER_MINUTE)
    .sort((a, b) => a - b)
  const shiftMs = Math.abs(after - before) * MS_PER_MINUTE
  const first = candidates[0]
  if (first === undefined) {
    return { date: new Date(asUtc - before * MS_PER_MINUTE), adjustment: 'gap', shiftMs }
  }
  return candidates.length > 1
    ? { date: new Date(first), adjustment: 'overlap', shiftMs }
    : { date: new Date(first), adjustment: 'none', shiftMs: 0 }
}

function formatWall(wall: WallTime): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const seconds = wall.second === 0 ? '' : `:${p(wall.second)}`
  return `${wall.year}-${p(wall.month)}-${p(wall.day)} ${p(wall.hour)}:${p(wall.minute)}${seconds}`
}

/** The user-facing note for a DST adjustment, naming the original wall time and the choice. */
export function dstWarning(
  field: string,
  wall: WallTime,
  resolved: ResolvedWallTime,
  timezone: string,
): string | null {
  const chosen = `${localIso(resolved.date, timezone)} (${resolved.date.toISOString()})`
  const jump = humanizeDuration(resolved.shiftMs)
  if (resolved.adjustment === 'gap') {
    return `${field} ${formatWall(wall)} does not exist in ${timezone} (clocks jump forward ${jump} that day); using ${chosen} instead.`
  }
  if (resolved.adjustment === 'overlap') {
    return `${field} ${formatWall(wall)} happens twice in ${timezone} (clocks go back ${jump} that day); using the earlier one, ${chosen}.`
  }
  return null
}

export interface ParsedWhen {
  date: Date
  /** DST note when a wall time had to be adjusted, else null. */
  warning: string | null
}

/** Where a run_at-style value is read: the schedule's zone and whether the caller named it. */
export interface WhenContext {
  now: Date
  timezone: string
  /** True when the request named `timezone` (an offset in the value then conflicts with it). */
  timezoneGiven?: boolean
}

/**
 * Parses a run_at-style value for `field`: absolute with offset, or a wall time in `timezone`.
 * `warning` notes a DST adjustment, or an offset that overrides an explicit, different timezone.
 */
export function parseWhen(field: string, text: string, ctx: WhenContext): ParsedWhen {
  const parsed = parseDateTimeText(text)
  const timeOnly = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(text.trim())
  if (parsed === null && timeOnly) throw timeWithoutDate(field, text, timeOnly, ctx)
  if (parsed === null) {
    const words = suggestDateTimeForPhrase(text, ctx.now, ctx.timezone)
    if (words) {
      throw fieldProblem(
        field,
        `${JSON.stringify(text)} is a date in words, not an ISO 8601 date-time`,
        `If the user meant ${words.reading} in ${ctx.timezone}, send ${field} "${words.local}"${words.timeGiven ? '' : ' (09:00 stands in for the time; ask the user if they did not say it)'}.`,
      )
    }
    throw fieldProblem(
      field,
      `${JSON.stringify(text)} is not a valid ISO 8601 date-time`,
      `Use e.g. "${exampleLocalRunAt(ctx.now, ctx.timezone)}" for 09:00 tomorrow in ${ctx.timezone} (the timezone field), or "${exampleAbsoluteRunAt(ctx.now, ctx.timezone)}" with an explicit offset. Call getCurrentTime if you need today's date.`,
    )
  }
  if (parsed.kind === 'date-only') {
    throw fieldProblem(
      field,
      `${JSON.stringify(text)} has a date but no time of day`,
      `Add a time, e.g. "${text.trim()}T09:00"; if the user did not say what time, ask them rather than guessing.`,
    )
  }
  if (parsed.kind === 'absolute') {
    return { date: parsed.date, warning: offsetConflict(field, text, parsed, ctx) }
  }
  const resolved = resolveWallTime(parsed.wall, ctx.timezone)
  return { date: resolved.date, warning: dstWarning(field, parsed.wall, resolved, ctx.timezone) }
}

/** "09:00" alone: name the date-time it means today (or tomorrow, when today's has passed). */
function timeWithoutDate(field: string, text: string, match: RegExpExecArray, ctx: WhenContext) {
  const hour = Number(match[1])
  const minute = Number(match[2])
  const today = DateTime.fromMillis(ctx.now.getTime(), { zone: ctx.timezone }).set({
    hour,
    minute,
    second: 0,
    millisecond: 0,
  })
  const next = today.toMillis() > ctx.now.getTime() ? today : today.plus({ days: 1 })
  const which = next === today ? 'today' : 'tomorrow'
  return fieldProblem(
    field,
    `${JSON.stringify(text.trim())} has a time of day but no date`,
    `Send the date too, e.g. "${next.toFormat("yyyy-MM-dd'T'HH:mm")}" for ${which} at ${next.toFormat('HH:mm')} in ${ctx.timezone}; if the user did not say which day, ask them.`,
  )
}

/**
 * A value with its own offset is an exact instant, so an explicit timezone that disagrees with that
 * offset only changes how it is shown: say which wins and what local time results.
 */
function offsetConflict(
  field: string,
  text: string,
  parsed: Extract<ParsedDateTime, { kind: 'absolute' }>,
  ctx: WhenContext,
): string | null {
  if (!ctx.timezoneGiven) return null
  if (offsetMinutes(parsed.date, ctx.timezone) === parsed.offsetMinutes) return null
  const withoutOffset = text.trim().replace(/\s*(?:z|[+-]\d{2}(?::?\d{2})?)$/i, '')
  const offset =
    parsed.offsetMinutes === 0 ? 'UTC' : `UTC${formatOffsetMinutes(parsed.offsetMinutes)}`
  return `${field} ${JSON.stringify(text.trim())} carries its own offset (${offset}), which wins over timezone ${ctx.timezone}: it runs at ${formatClock(parsed.date, ctx.timezone)} on ${formatHumanDate(parsed.date, ctx.timezone)} in ${ctx.timezone}. If the user meant ${withoutOffset.slice(11, 16)} in ${ctx.timezone}, send ${field} "${withoutOffset}" without the offset.`
}

function formatOffsetMinutes(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}
