// Reads phrases such as "tomorrow at 9am" or "next Friday 14:30" as the local date-time they mean,
// so a run_at given in words can be answered with the exact value to send.

import { DateTime } from 'luxon'
import { readClock } from './phrase-to-cron.ts'

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']
const CLOCK =
  /(?:^|\s)(?:at\s+)?(noon|midday|midnight|\d{1,2}(?:[:h.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?)$/

export interface DateSuggestion {
  /** Local wall time without offset, e.g. '2026-12-08T09:00'. */
  local: string
  /** How it was read, e.g. 'tomorrow at 09:00'. */
  reading: string
  /** Whether the phrase named the time of day (otherwise 09:00 stands in). */
  timeGiven: boolean
}

/** The day a phrase names, as days from today, or null. */
function daysAhead(text: string, today: DateTime): number | null {
  if (text === 'today' || text === 'tonight' || text === 'this evening') return 0
  if (text === 'tomorrow') return 1
  if (text === 'day after tomorrow' || text === 'the day after tomorrow') return 2
  const weekday = /^(?:next |on |this )?(\w+?)s?$/.exec(text)?.[1]
  const index = weekday
    ? WEEKDAYS.findIndex((day) => day.startsWith(weekday) && weekday.length >= 3)
    : -1
  if (index < 0) return null
  const ahead = (index + 1 - today.weekday + 7) % 7
  return ahead === 0 || text.startsWith('next ') ? ahead + (ahead === 0 ? 7 : 0) : ahead
}

/**
 * The local date-time of "today/tomorrow/<weekday>/next <weekday> [at <time>]" in `timezone`, or
 * null when the phrase is not of that shape. Without a time, 09:00 stands in.
 */
export function suggestDateTimeForPhrase(
  text: string,
  now: Date,
  timezone: string,
): DateSuggestion | null {
  const lower = text.trim().toLowerCase().replace(/\s+/g, ' ')
  const clockMatch = CLOCK.exec(lower)
  const clock = clockMatch?.[1] ? readClock(clockMatch[1].trim()) : null
  const dayText = (clockMatch && clock ? lower.slice(0, clockMatch.index) : lower).trim()
  const today = DateTime.fromMillis(now.getTime(), { zone: timezone })
  const days = daysAhead(dayText, today)
  if (days === null) return null
  const [hour, minute] = clock ?? [9, 0]
  const target = today.plus({ days }).set({ hour, minute, second: 0, millisecond: 0 })
  return {
    local: target.toFormat("yyyy-MM-dd'T'HH:mm"),
    reading: `${target.toFormat('cccc d LLLL')} at ${target.toFormat('HH:mm')}`,
    timeGiven: clock !== null,
  }
}
