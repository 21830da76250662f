// Reads phrases such as "daily at 9", "every Monday at 14:30" or "weekdays at 8am" as a cron
// expression, so a refused `every` or `delay` can say exactly what to send instead.

const DAY_WORDS: Record<string, string> = {
  sunday: 'SUN',
  sun: 'SUN',
  monday: 'MON',
  mon: 'MON',
  tuesday: 'TUE',
  tue: 'TUE',
  tues: 'TUE',
  wednesday: 'WED',
  wed: 'WED',
  thursday: 'THU',
  thu: 'THU',
  thurs: 'THU',
  friday: 'FRI',
  fri: 'FRI',
  saturday: 'SAT',
  sat: 'SAT',
}

export interface CronSuggestion {
  cron: string
  /** Whether the phrase named the time of day (otherwise 09:00 stands in for it). */
  timeGiven: boolean
}

/** '9', '9am', '9:30 pm', '14:30', 'noon', 'midnight' → [hour, minute], or null. */
export function readClock(text: string): [number, number] | null {
  if (text === 'noon' || text === 'midday') return [12, 0]
  if (text === 'midnight') return [0, 0]
  const match = /^(\d{1,2})(?:[:h.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/.exec(text)
  if (!match?.[1]) return null
  let hour = Number(match[1])
  const minute = match[2] === undefined ? 0 : Number(match[2])
  const meridiem = match[3]?.replace(/\./g, '')
  if (meridiem === 'pm' && hour < 12) hour += 12
  if (meridiem === 'am' && hour === 12) hour = 0
  return hour <= 23 && minute <= 59 ? [hour, minute] : null
}

/** 'day', 'weekdays', 'monday and friday', 'mon, wed' → a day-of-week field, or null. */
function readDays(text: string): string | null {
  const cleaned = text.replace(/^(?:every|each|on)\s+/, '').trim()
  if (/^(?:day|days|daily|night|nightly|morning|evening)$/.test(cleaned)) return '*'
  if (/^(?:weekday|weekdays|business days?|working days?|workdays?)$/.test(cleaned)) {
    return 'MON-FRI'
  }
  if (/^(?:weekend|weekends)$/.test(cleaned)) return 'SAT,SUN'
  const names = cleaned.split(/\s*(?:,|\band\b|&)\s*/).filter(Boolean)
  const days = names.map((name) => DAY_WORDS[name.replace(/s$/, '')] ?? DAY_WORDS[name])
  if (days.length === 0 || days.some((day) => day === undefined)) return null
  return days.join(',')
}

/**
 * The cron for a phrase naming days and/or a time of day ("daily at 9", "every monday",
 * "weekdays at 08:30", "at 17:00 every friday"), or null when it is not such a phrase.
 */
export function suggestCronForPhrase(text: string): CronSuggestion | null {
  const lower = text.trim().toLowerCase().replace(/\s+/g, ' ')
  const at = AT_CLOCK.exec(lower)
  const clockText = at?.[1] ?? null
  const daysText = at
    ? `${lower.slice(0, at.index)} ${lower.slice(at.index + at[0].length)}`
    : lower
  const days = readDays(daysText.trim().replace(/\s+/g, ' '))
  if (days === null) return null
  const clock = clockText === null ? [9, 0] : readClock(clockText.trim())
  if (!clock) return null
  const [hour, minute] = clock
  return { cron: `${minute} ${hour} * * ${days}`, timeGiven: clockText !== null }
}

/** ' at 9', ' at 9:30 pm', ' at noon' anywhere in the phrase. */
const AT_CLOCK =
  /(?:^|\s)at\s+(noon|midday|midnight|\d{1,2}(?:[:h.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?)(?=\s|$)/
