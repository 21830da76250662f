// Cron mistakes agents make, caught before cron-parser reads them the other way: Quartz syntax
// (`?`, a year field, Sunday = 1), a 5-field cron with a stray sixth field ("0 8 * * 1-5 *" would
// be read seconds-first), W, and cron-parser's terse errors turned into sentences naming the field.

import { CronExpressionParser } from 'cron-parser'
import { fieldProblem } from '../../problem-error.ts'
import { describeCronExpression } from './cron-describe.ts'

const DAY_ABBREVIATIONS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']
const MONTH_ABBREVIATIONS = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
]
const WEEKDAY_NAME = /\b(?:sun|mon|tue|wed|thu|fri|sat)/i

function parses(expression: string): boolean {
  try {
    CronExpressionParser.parse(expression, { currentDate: new Date(0) })
    return true
  } catch {
    return false
  }
}

const english = (expression: string) => describeCronExpression(expression) ?? 'a different schedule'

/** Quartz day-of-week numbers (1 = Sunday … 7 = Saturday) as names, which mean the same everywhere. */
function quartzWeekdaysAsNames(field: string): string {
  return field.replace(/(^|[,-])([1-7])(?=$|[,\-#L/])/g, (_, lead: string, n: string) => {
    return `${lead}${DAY_ABBREVIATIONS[Number(n) - 1]}`
  })
}

/** The expression a Quartz cron ("0 0 9 ? * 2-6 *") means in the syntax accepted here, or null. */
export function quartzEquivalent(fields: string[]): string | null {
  if (fields.length === 5) {
    // Not Quartz's shape (it always has seconds): only the ? is replaced, numbers kept as written.
    const candidate = fields.map((f) => (f === '?' ? '*' : f)).join(' ')
    return parses(candidate) ? candidate : null
  }
  const withoutYear = fields.length === 7 ? fields.slice(0, 6) : fields
  if (withoutYear.length !== 6) return null
  const [second = '0', minute = '*', hour = '*', day = '*', month = '*', weekday = '*'] =
    withoutYear.map((f) => (f === '?' ? '*' : f))
  const converted = [minute, hour, day, month, quartzWeekdaysAsNames(weekday)]
  const candidate = second === '0' ? converted.join(' ') : [second, ...converted].join(' ')
  return parses(candidate) ? candidate : null
}

/** Refuses Quartz syntax: `?`, or 7 fields (a year). Quartz numbers weekdays from 1 = Sunday. */
export function checkQuartzSyntax(expression: string): void {
  const fields = expression.split(' ')
  const quoted = JSON.stringify(expression)
  const usesQuestionMark = fields.includes('?')
  if (!usesQuestionMark && fields.length !== 7) return
  const equivalent = quartzEquivalent(fields)
  const instead = equivalent
    ? `Send "${equivalent}"${describeCronExpression(equivalent) ? ` (${describeCronExpression(equivalent)})` : ''}.`
    : 'Write * instead of ?, drop any year field, and name weekdays (MON-FRI), e.g. "0 9 * * MON-FRI".'
  throw fieldProblem(
    'cron',
    `cron ${quoted} is Quartz syntax (${usesQuestionMark ? '"?"' : 'a seventh, year field'}), which is not accepted here: in Quartz, weekday 1 is Sunday; here 0 or 7 is Sunday and 1 is Monday, so the same numbers would run on other days`,
    `${instead} Use 5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first; * means "any".`,
  )
}

/** W (nearest weekday) is Quartz-only; say what to write instead. */
export function checkNearestWeekday(expression: string): void {
  const fields = expression.split(' ')
  const day = fields[fields.length === 6 ? 3 : 2] ?? ''
  if (!/W/i.test(day)) return
  throw fieldProblem(
    'cron',
    `cron ${JSON.stringify(expression)} uses W (nearest weekday) in the day-of-month field, which is not supported`,
    'Use L for the last day of the month ("0 9 L * *"), a weekday with # for "the first Monday" ("0 9 * * MON#1"), or the days with MON-FRI.',
  )
}

/**
 * A 6-field cron is read seconds-first. When its last field is `*` and its first a plain number,
 * it may be a 5-field cron with a stray sixth field ("0 8 * * 1-5 *": an agent meaning weekdays at
 * 08:00 gets minute 8 of every hour, January to May). If the fifth field (month in the 6-field
 * reading) restricts months by number or names weekdays, it is refused with both readings;
 * otherwise it is accepted, and `warnings` spells out both readings and the one chosen.
 */
export function checkStraySixthField(expression: string, warnings?: string[]): void {
  const fields = expression.split(' ')
  if (fields.length !== 6 || fields[5] !== '*' || !/^\d+$/.test(fields[0] ?? '')) return
  const five = fields.slice(0, 5).join(' ')
  if (!parses(five)) return
  const quoted = JSON.stringify(expression)
  const month = fields[4] ?? '*'
  const weekdaysInMonth = WEEKDAY_NAME.test(month)
  const sixth = weekdaysInMonth ? null : english(expression)
  if (sixth !== null && sixth === describeCronExpression(five)) return
  if (weekdaysInMonth || (month !== '*' && /^[\d,\-/]+$/.test(month))) {
    const byName = month.replace(/\d+/g, (n) => MONTH_ABBREVIATIONS[Number(n) - 1] ?? n)
    const keepSeconds = weekdaysInMonth
      ? ''
      : ` To keep the seconds-first reading, write the months by name: "${[...fields.slice(0, 4), byName, '*'].join(' ')}".`
    throw fieldProblem(
      'cron',
      weekdaysInMonth
        ? `cron ${quoted} has 6 fields, so the first is read as seconds and the fifth as the month, but "${month}" names weekdays: it looks like a 5-field cron with a stray sixth field ("${five}": ${english(five)})`
        : `cron ${quoted} has 6 fields, so the first is read as seconds: ${sixth}. Without the last field, "${five}" would be ${english(five)}`,
      `If the user meant ${english(five)}, send the 5 fields "${five}".${keepSeconds}`,
    )
  }
  warnings?.push(
    `cron ${quoted} has 6 fields, so the first was read as seconds: ${sixth}. If you meant 5 fields ("${five}": ${english(five)}), send those 5 fields instead.`,
  )
}

const FIELD_BY_RANGE: Record<string, string> = {
  '0-23': 'hour',
  '1-31': 'day-of-month',
  '1-12': 'month',
  '0-7': 'day-of-week',
}

/** cron-parser's error as a sentence naming the field, with what to write instead. */
export function explainCronError(
  expression: string,
  reason: string,
): { message: string; hint?: string } {
  const quoted = JSON.stringify(expression)
  const range = /got value (\S+) expected range (\d+)-(\d+)/.exec(reason)
  if (range) {
    const [, value, low, high] = range
    const fields = expression.split(' ')
    const key = `${low}-${high}`
    const field =
      FIELD_BY_RANGE[key] ??
      (fields.length === 6 && fields[0]?.split(/[,/-]/).includes(value ?? '') ? 'second' : 'minute')
    return {
      message: `cron ${quoted} is invalid: the ${field} field has ${value}, outside ${low}–${high}`,
    }
  }
  if (/duplicate values found: 0/.test(reason) && /DayOfWeek/.test(reason)) {
    return {
      message: `cron ${quoted} is invalid: its day-of-week field names Sunday twice (0 and 7 both mean Sunday)`,
      hint: 'Keep one of them, e.g. "0 9 * * 0,6" or "0 9 * * SAT,SUN".',
    }
  }
  const badRange = /Invalid range: (\d+)-(\d+)/.exec(reason)
  if (badRange) {
    return {
      message: `cron ${quoted} is invalid: the range ${badRange[1]}-${badRange[2]} runs backwards`,
      hint: `A range that wraps around needs two parts, e.g. hours "22-23,0-2" for 22:00 to 02:59.`,
    }
  }
  if (/cannot resolve alias "(\w+)"/.test(reason)) {
    const alias = /cannot resolve alias "(\w+)"/.exec(reason)?.[1]
    return {
      message: `cron ${quoted} is invalid: "${alias}" is not a month or weekday name in the field it is in`,
      hint: 'Months are JAN–DEC (4th field of 5), weekdays SUN–SAT (5th field of 5).',
    }
  }
  if (/# and ,|`#` and `,`/.test(reason)) {
    return {
      message: `cron ${quoted} is invalid: a weekday with # (e.g. MON#1) cannot be combined with a list`,
      hint: 'Use one weekday#n per job, e.g. "0 9 * * MON#1" for the first Monday.',
    }
  }
  if (/occurrence number/.test(reason)) {
    return {
      message: `cron ${quoted} is invalid: after # comes which week of the month, 1 to 5`,
      hint: 'E.g. "0 9 * * MON#1" for the first Monday, "0 9 * * FRI#3" for the third Friday.',
    }
  }
  return { message: `cron ${quoted} is invalid: ${reason}` }
}

const WEEK_OF_MONTH: Record<string, number> = { '1-7': 1, '8-14': 2, '15-21': 3, '22-28': 4 }

/**
 * When both day-of-month and day-of-week are restricted, cron runs on days matching EITHER. The
 * usual intent is "the first Monday" ("1-7" with "MON"): name the `#` form that means it, or
 * null when the expression does not restrict both.
 */
export function dayOrWarning(expression: string): string | null {
  if (expression.startsWith('@')) return null
  const fields = expression.split(' ')
  const offset = fields.length === 6 ? 1 : 0
  const day = fields[offset + 2] ?? '*'
  const weekday = fields[offset + 4] ?? '*'
  if (['*', '?'].includes(day) || ['*', '?'].includes(weekday)) return null
  const either = `Both day-of-month ("${day}") and day-of-week ("${weekday}") are set, so cron runs on days matching EITHER (${english(expression)}), not both.`
  const single = /^(?:[0-7]|sun|mon|tue|wed|thu|fri|sat)$/i.test(weekday)
  const week = WEEK_OF_MONTH[day]
  const rewrite = (newWeekday: string) =>
    [...fields.slice(0, offset + 2), '*', fields[offset + 3] ?? '*', newWeekday].join(' ')
  if (single && week !== undefined) {
    const meant = rewrite(`${weekday.toUpperCase()}#${week}`)
    return `${either} If you meant ${english(meant)}, use "${meant}".`
  }
  if (single && (day === 'L' || day === '25-31' || day === '24-31')) {
    const meant = rewrite(`${/^\d$/.test(weekday) ? weekday : weekday.toUpperCase()}L`)
    if (parses(meant)) return `${either} If you meant ${english(meant)}, use "${meant}".`
  }
  return `${either} For "the first Monday of the month" write "0 9 * * MON#1"; set one of the two fields to * if you meant only the other.`
}
