// Renders millisecond durations as English phrases such as "2 hours 5 minutes".

import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, MS_PER_WEEK } from './duration.ts'

const UNITS: readonly (readonly [string, number])[] = [
  ['day', MS_PER_DAY],
  ['hour', MS_PER_HOUR],
  ['minute', MS_PER_MINUTE],
  ['second', MS_PER_SECOND],
]

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}

const DAYS_PER_YEAR = 365.25
const DAYS_PER_MONTH = DAYS_PER_YEAR / 12

/** 'about 2 years 1 month', 'about 3 months': calendar lengths vary, so far spans are approximate. */
function roughFarDuration(days: number): string {
  const totalMonths = Math.round(days / DAYS_PER_MONTH)
  const years = Math.floor(totalMonths / 12)
  const months = totalMonths - years * 12
  const parts = [
    ...(years > 0 ? [plural(years, 'year')] : []),
    ...(months > 0 ? [plural(months, 'month')] : []),
  ]
  return `about ${parts.join(' ')}`
}

/**
 * At most two adjacent units, truncated: '2 hours 5 minutes', '45 seconds', '3 days 4 hours',
 * '1 day' (for 1 day 0 hours 5 minutes); from 60 days on, approximate months and years ('about 2
 * years 1 month'). The sign is ignored (callers say "ago"); the input is rounded to whole seconds
 * first, so anything under half a second is '0 seconds'.
 */
export function humanizeDuration(ms: number): string {
  if (Math.abs(ms) >= 60 * MS_PER_DAY) return roughFarDuration(Math.abs(ms) / MS_PER_DAY)
  const seconds = Math.round(Math.abs(ms) / MS_PER_SECOND)
  const total = seconds * MS_PER_SECOND
  if (total === 0) return '0 seconds'
  const index = UNITS.findIndex(([, unit]) => total >= unit)
  const major = UNITS[index]
  if (!major) return '0 seconds'
  const majorCount = Math.floor(total / major[1])
  const parts = [plural(majorCount, major[0])]
  const minor = UNITS[index + 1]
  if (minor) {
    const minorCount = Math.floor((total - majorCount * major[1]) / minor[1])
    if (minorCount > 0) parts.push(plural(minorCount, minor[0]))
  }
  return parts.join(' ')
}

/** Every non-zero unit, for exact intervals: '15 minutes', '1 day 2 hours 3 minutes', '2 weeks'. */
export function formatDurationExact(ms: number): string {
  let rest = Math.round(Math.abs(ms) / MS_PER_SECOND) * MS_PER_SECOND
  if (rest === 0) return '0 seconds'
  if (rest % MS_PER_WEEK === 0) return plural(rest / MS_PER_WEEK, 'week')
  const parts: string[] = []
  for (const [name, unit] of UNITS) {
    const count = Math.floor(rest / unit)
    if (count > 0) parts.push(plural(count, name))
    rest -= count * unit
  }
  return parts.join(' ')
}

/** 'every …' wording: 'hour' for exactly 1 hour, else formatDurationExact ('15 minutes'). */
export function everyPhrase(ms: number): string {
  const exact = formatDurationExact(ms)
  return /^1 [a-z]+$/.exec(exact) ? exact.slice(2) : exact
}

/** 'in 2 hours 5 minutes', '5 minutes ago', or 'now' within a second. */
export function relativePhrase(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime()
  if (Math.abs(diff) < MS_PER_SECOND) return 'now'
  return diff > 0 ? `in ${humanizeDuration(diff)}` : `${humanizeDuration(diff)} ago`
}
