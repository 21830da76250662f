// Turns common cron expressions into short English ("at 09:00 on Monday through Friday"); null otherwise.

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const DAY_ALIASES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
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
const MONTH_ALIASES = MONTH_NAMES.map((name) => name.slice(0, 3).toLowerCase())

const SHORTHAND_TEXT: Record<string, string> = {
  '@yearly': 'at 00:00 on 1 January',
  '@annually': 'at 00:00 on 1 January',
  '@monthly': 'at 00:00 on day 1 of every month',
  '@weekly': 'at 00:00 on Sunday',
  '@daily': 'at 00:00 every day',
  '@hourly': 'at the start of every hour',
  '@minutely': 'every minute',
  '@secondly': 'every second',
  '@weekdays': 'at 00:00 on Monday through Friday',
  '@weekends': 'at 00:00 on Saturday and Sunday',
}

const isAny = (field: string) => field === '*' || field === '?'
const isInt = (field: string) => /^\d{1,2}$/.test(field)

function listPhrase(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function dayName(token: string): string | null {
  const lower = token.toLowerCase()
  if (isInt(lower)) return Number(lower) <= 7 ? (DAY_NAMES[Number(lower) % 7] ?? null) : null
  return DAY_NAMES[DAY_ALIASES.indexOf(lower)] ?? null
}

function monthName(token: string): string | null {
  const lower = token.toLowerCase()
  const index = isInt(lower) ? Number(lower) - 1 : MONTH_ALIASES.indexOf(lower)
  return MONTH_NAMES[index] ?? null
}

/** ' on Monday through Friday', ' on Monday and Friday', or null when not simple. */
function weekdayPhrase(dow: string): string | null {
  const range = /^(\w+)-(\w+)$/.exec(dow)
  if (range?.[1] && range[2]) {
    const from = dayName(range[1])
    const to = dayName(range[2])
    return from && to ? ` on ${from} through ${to}` : null
  }
  const names = dow.split(',').map(dayName)
  if (names.some((name) => name === null)) return null
  return ` on ${listPhrase(names as string[])}`
}

/** The day part, e.g. ' every day', ' on day 1 of every month', ' on 25 December'. */
function dayPart(dom: string, month: string, dow: string, daily: string): string | null {
  if (isAny(dom) && isAny(month) && isAny(dow)) return daily
  if (isAny(dom) && isAny(month)) return weekdayPhrase(dow)
  if (!isAny(dow)) return null
  const day = dom === 'L' ? 'the last day' : isInt(dom) ? `day ${Number(dom)}` : null
  if (day === null) return null
  if (isAny(month)) return ` on ${day} of every month`
  const name = monthName(month)
  if (name === null) return null
  return dom === 'L' ? ` on the last day of ${name}` : ` on ${Number(dom)} ${name}`
}

function clock(hour: string, minute: string): string {
  return `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`
}

/**
 * English for common shapes (fixed times, every N minutes/hours/seconds, weekday ranges and
 * lists, day of month); null for anything else so callers fall back to the bare expression.
 */
export function describeCronExpression(expression: string): string | null {
  if (expression.startsWith('@')) return SHORTHAND_TEXT[expression.toLowerCase()] ?? null
  const fields = expression.split(' ')
  const [second, minute, hour, dom, month, dow] = fields.length === 6 ? fields : ['0', ...fields]
  if (!second || !minute || !hour || !dom || !month || !dow) return null
  const everyStep = (field: string) => /^(?:\*|0)\/(\d+)$/.exec(field)?.[1]
  if (second !== '0') {
    if (!isAny(minute) || !isAny(hour)) return null
    const rest = dayPart(dom, month, dow, '')
    if (rest === null) return null
    if (isAny(second)) return `every second${rest}`
    const step = everyStep(second)
    return step ? `every ${step} seconds${rest}` : null
  }
  if (isAny(hour)) {
    const rest = dayPart(dom, month, dow, '')
    if (rest === null) return null
    if (isAny(minute)) return `every minute${rest}`
    const step = everyStep(minute)
    if (step) return `every ${step} minutes${rest}`
    if (isInt(minute)) return `at minute ${Number(minute)} of every hour${rest}`
    return null
  }
  if (!isInt(minute)) return null
  const hourStep = everyStep(hour)
  if (hourStep) {
    const rest = dayPart(dom, month, dow, '')
    return rest === null ? null : `every ${hourStep} hours at minute ${Number(minute)}${rest}`
  }
  const hours = hour.split(',')
  if (!hours.every((h) => isInt(h) && Number(h) <= 23)) return null
  const rest = dayPart(dom, month, dow, ' every day')
  if (rest === null) return null
  return `at ${listPhrase(hours.map((h) => clock(h, minute)))}${rest}`
}
