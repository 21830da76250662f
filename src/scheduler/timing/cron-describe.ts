// Turns any cron expression cron-parser accepts into English an agent can repeat: "at 09:00 on
// the first Monday of the month", "every 15 minutes between 09:00 and 17:45 on Monday through
// Friday". Works on cron-parser's expanded fields, so names, ranges, steps, lists, L, nL and n#k
// all read the same way. Null only when the expression does not parse.

import { CronExpressionParser } from 'cron-parser'

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth']
/** At most this many clock times are listed one by one ("at 09:00, 12:00 and 17:00"). */
const MAX_LISTED_TIMES = 6

interface Fields {
  seconds: number[] | null
  minutes: number[] | null
  hours: number[] | null
  /** Days of the month, 'L' for the last day; null = any. */
  days: (number | 'L')[] | null
  months: number[] | null
  /** Weekdays 0–6 (Sunday 0), or '5L' (last Friday); null = any. */
  weekdays: (number | string)[] | null
  /** n of n#k: the k-th weekday of the month; 0 when not used. */
  nth: number
}

function listPhrase(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Consecutive values (at least three) as [first, last], else null. */
function contiguous(values: number[]): [number, number] | null {
  if (values.length < 3) return null
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== (values[i - 1] ?? 0) + 1) return null
  }
  return [values[0] ?? 0, values.at(-1) ?? 0]
}

/** The step of values that start at `min` and repeat every n up to `max` ("*\/n"), else null. */
function everyStep(values: number[], min: number, max: number): number | null {
  if (values.length < 2 || values[0] !== min) return null
  const step = (values[1] ?? 0) - min
  for (let i = 1; i < values.length; i++) {
    if ((values[i] ?? 0) - (values[i - 1] ?? 0) !== step) return null
  }
  return (values.at(-1) ?? 0) + step > max ? step : null
}

/** The common gap of at least three evenly spaced values, else null. */
function progression(values: number[]): number | null {
  if (values.length < 3) return null
  const step = (values[1] ?? 0) - (values[0] ?? 0)
  for (let i = 1; i < values.length; i++) {
    if ((values[i] ?? 0) - (values[i - 1] ?? 0) !== step) return null
  }
  return step
}

function readFields(expression: string): Fields | null {
  let fields: ReturnType<typeof CronExpressionParser.parse>['fields']
  try {
    fields = CronExpressionParser.parse(expression, { currentDate: new Date(0) }).fields
  } catch {
    return null
  }
  const numbers = (field: { values: readonly unknown[] }) => field.values as number[]
  const weekdays = fields.dayOfWeek.isWildcard
    ? null
    : [...new Set((fields.dayOfWeek.values as (number | string)[]).map((d) => (d === 7 ? 0 : d)))]
  return {
    seconds: fields.second.isWildcard ? null : numbers(fields.second),
    minutes: fields.minute.isWildcard ? null : numbers(fields.minute),
    hours: fields.hour.isWildcard ? null : numbers(fields.hour),
    days: fields.dayOfMonth.isWildcard ? null : (fields.dayOfMonth.values as (number | 'L')[]),
    months: fields.month.isWildcard ? null : numbers(fields.month),
    weekdays,
    nth: fields.dayOfWeek.nthDay,
  }
}

function clock(hour: number, minute: number, second: number): string {
  return `${pad(hour)}:${pad(minute)}${second === 0 ? '' : `:${pad(second)}`}`
}

/** 'every 30 seconds', 'at second 15', '' (second 0). */
function secondsPart(seconds: number[] | null): string {
  if (seconds === null) return 'every second'
  if (seconds.length === 1 && seconds[0] === 0) return ''
  const step = everyStep(seconds, 0, 59)
  if (step) return `every ${step} seconds`
  return `at second${seconds.length > 1 ? 's' : ''} ${listPhrase(seconds.map(String))}`
}

/** 'every minute', 'every 15 minutes', 'at minute 30', 'at minutes 0 and 30', 'every minute from minute 0 to 29'. */
function minutesPart(minutes: number[] | null): string {
  if (minutes === null) return 'every minute'
  const step = everyStep(minutes, 0, 59)
  if (step) return `every ${step} minutes`
  const range = contiguous(minutes)
  if (range) return `every minute from minute ${range[0]} to ${range[1]}`
  return `at minute${minutes.length > 1 ? 's' : ''} ${listPhrase(minutes.map(String))}`
}

/** ' between 09:00 and 17:45', ' every 2 hours', ' in hours 9, 12 and 15', or '' (any hour). */
function hoursPart(hours: number[] | null, minutes: number[] | null): string {
  if (hours === null) return ''
  const step = everyStep(hours, 0, 23)
  if (step) return ` of every ${step} hours (from 00:00)`
  const range = contiguous(hours)
  const lastMinute = minutes === null ? 59 : Math.max(...minutes)
  const firstMinute = minutes === null ? 0 : Math.min(...minutes)
  if (range)
    return ` between ${clock(range[0], firstMinute, 0)} and ${clock(range[1], lastMinute, 0)}`
  return ` in hour${hours.length > 1 ? 's' : ''} ${listPhrase(hours.map(pad))}`
}

function timePart(f: Fields): { text: string; fewPerDay: boolean } {
  const seconds = f.seconds ?? []
  const minutes = f.minutes ?? []
  const hours = f.hours ?? []
  const fixed = f.seconds !== null && f.minutes !== null && f.hours !== null
  if (fixed && seconds.length * minutes.length * hours.length <= MAX_LISTED_TIMES) {
    const times = hours.flatMap((h) => minutes.flatMap((m) => seconds.map((s) => clock(h, m, s))))
    return { text: `at ${listPhrase(times)}`, fewPerDay: true }
  }
  const minuteStep = progression(minutes)
  const oneHour = f.hours !== null && hours.length === 1 && seconds.join() === '0'
  if (oneHour && f.minutes !== null && minuteStep !== null) {
    const hour = hours[0] ?? 0
    return {
      text: `every ${minuteStep} minutes from ${clock(hour, minutes[0] ?? 0, 0)} to ${clock(hour, minutes.at(-1) ?? 0, 0)}`,
      fewPerDay: true,
    }
  }
  const sec = secondsPart(f.seconds)
  if (sec.startsWith('every') && f.minutes === null && f.hours === null) {
    return { text: sec, fewPerDay: false }
  }
  if (f.minutes !== null && minutes.length === 1 && f.seconds !== null && seconds.length === 1) {
    const at = `at minute ${minutes[0]}${seconds[0] === 0 ? '' : ` second ${seconds[0]}`}`
    if (f.hours === null) {
      const text =
        minutes[0] === 0 && seconds[0] === 0 ? 'at the start of every hour' : `${at} of every hour`
      return { text, fewPerDay: false }
    }
    const step = everyStep(hours, 0, 23)
    if (step) {
      return {
        text: `every ${step} hours at minute ${minutes[0]} (${clock(0, minutes[0] ?? 0, 0)}, ${clock(step, minutes[0] ?? 0, 0)}, …)`,
        fewPerDay: false,
      }
    }
    const range = contiguous(hours)
    if (range) {
      return {
        text: `every hour from ${clock(range[0], minutes[0] ?? 0, seconds[0] ?? 0)} to ${clock(range[1], minutes[0] ?? 0, seconds[0] ?? 0)}`,
        fewPerDay: false,
      }
    }
  }
  const minute = minutesPart(f.minutes)
  const parts = [sec, sec && f.minutes === null ? 'of every minute' : minute].filter(Boolean)
  const minuteText = sec.startsWith('every') && f.minutes === null ? sec : parts.join(' ')
  return { text: `${minuteText}${hoursPart(f.hours, f.minutes)}`, fewPerDay: false }
}

function dayName(day: number | string): string | null {
  return typeof day === 'number' ? (DAY_NAMES[day % 7] ?? null) : null
}

/** 'on Monday through Friday', 'every Monday', 'on Monday, Wednesday and Friday'. */
function namedDays(days: number[]): string {
  if (days.join() === '0,6') return 'on Saturday and Sunday'
  const range = contiguous(days)
  if (range) return `on ${DAY_NAMES[range[0]]} through ${DAY_NAMES[range[1]]}`
  return days.length === 1
    ? `every ${DAY_NAMES[days[0] ?? 0]}`
    : `on ${listPhrase(days.map((d) => DAY_NAMES[d] ?? '?'))}`
}

/** 'on the first Monday of the month', 'on Monday through Friday', 'every Monday', … */
function weekdayPart(f: Fields): string | null {
  if (f.weekdays === null) return null
  if (f.nth > 0 && f.weekdays.length === 1) {
    return `on the ${ORDINALS[f.nth] ?? `${f.nth}th`} ${dayName(f.weekdays[0] ?? 0)} of the month`
  }
  const lastOf = f.weekdays
    .map((d) => (typeof d === 'string' ? /^(\d)L$/i.exec(d)?.[1] : undefined))
    .filter((d): d is string => d !== undefined)
  const days = (f.weekdays.filter((d) => typeof d === 'number') as number[]).sort((a, b) => a - b)
  const last =
    lastOf.length > 0
      ? `on the last ${listPhrase(lastOf.map((d) => DAY_NAMES[Number(d) % 7] ?? '?'))} of the month`
      : null
  if (days.length === 0) return last
  return last ? `${namedDays(days)} and ${last}` : namedDays(days)
}

/** 'on day 1 of every month', 'on days 1 through 7 of every month', 'on the last day of every month'. */
function dayOfMonthPart(days: (number | 'L')[] | null): string | null {
  if (days === null) return null
  if (days.length === 1 && days[0] === 'L') return 'on the last day of every month'
  const numbers = days.filter((d): d is number => typeof d === 'number')
  const lastToo = numbers.length !== days.length ? ' and the last day' : ''
  const step = everyStep(numbers, 1, 31)
  if (step)
    return `on every ${step === 2 ? 'other' : `${step}th`} day of every month (days 1, ${1 + step}, …)`
  const range = contiguous(numbers)
  if (range) return `on days ${range[0]} through ${range[1]}${lastToo} of every month`
  return `on day${numbers.length > 1 ? 's' : ''} ${listPhrase(numbers.map(String))}${lastToo} of every month`
}

function monthPart(months: number[] | null): string {
  if (months === null) return ''
  const range = contiguous(months)
  if (range) return ` in ${MONTH_NAMES[range[0] - 1]} through ${MONTH_NAMES[range[1] - 1]}`
  return ` in ${listPhrase(months.map((m) => MONTH_NAMES[m - 1] ?? '?'))}`
}

function datePart(f: Fields, fewPerDay: boolean): string {
  const single = f.days?.length === 1 && f.months?.length === 1 && f.weekdays === null
  if (single) {
    const day = f.days?.[0]
    const month = MONTH_NAMES[(f.months?.[0] ?? 1) - 1]
    if (day === 'L') return ` on the last day of ${month}`
    return ` on ${day} ${month} ${day === 29 && month === 'February' ? 'in leap years' : 'every year'}`
  }
  const byDay = dayOfMonthPart(f.days)
  const byWeekday = weekdayPart(f)
  const months = monthPart(f.months)
  if (byDay && byWeekday)
    return ` ${byDay} or ${byWeekday.replace(/^(?:on|every) /, 'on any ')}${months}`
  if (byDay && f.months !== null && byDay.endsWith(' of every month')) {
    return ` ${byDay.replace(/ of every month$/, '')} of ${monthPart(f.months).replace(/^ in /, '')}`
  }
  const day = byDay ?? byWeekday
  if (day) return ` ${day}${months}`
  return `${fewPerDay ? ' every day' : ''}${months}`
}

/**
 * English for a cron expression (5 or 6 fields, @shorthands), e.g. 'at 09:00 on Monday through
 * Friday', 'every 15 minutes between 09:00 and 17:45', 'at 09:00 on the first Monday of the month'.
 * Null when cron-parser cannot read it.
 */
export function describeCronExpression(expression: string): string | null {
  const fields = readFields(expression)
  if (fields === null) return null
  const time = timePart(fields)
  return `${time.text}${datePart(fields, time.fewPerDay)}`
}
