// The 422 for a `delay` or `every` that is not a duration, with a hint for the specific mistake
// and examples computed from now ("tomorrow" → the run_at for tomorrow 09:00).

import { DateTime } from 'luxon'
import { fieldProblem, type ProblemError } from '../../problem-error.ts'
import { analyseDuration, type DurationFailure } from './duration.ts'
import { exampleLocalRunAt } from './examples.ts'
import { suggestCronForPhrase } from './phrase-to-cron.ts'

const GRAMMAR_HINT =
  'Use a number with a unit (s, m, h, d, w), e.g. "15m", "2h", "1h30m", "3 days", "every 15 minutes", "daily", or ISO 8601 such as "PT2H"'

/** Now and the zone, so hints can name real future dates. */
export interface HintClock {
  now: Date
  timezone: string
}

/** Relative day words an agent may put in `delay`, with how many days ahead they are. */
const DAY_WORDS: Record<string, number> = {
  today: 0,
  tonight: 0,
  tomorrow: 1,
  'day after tomorrow': 2,
  'the day after tomorrow': 2,
  'next week': 7,
}

function calendarHint(
  field: string,
  failure: Extract<DurationFailure, { reason: 'unsupported-unit' }>,
  clock: HintClock | undefined,
): string {
  if (field === 'every') {
    return failure.unit === 'years'
      ? 'For something every year use cron, e.g. cron: "0 9 15 3 *" (09:00 every 15 March).'
      : 'For something every month use cron, e.g. cron: "0 9 1 * *" (09:00 on the 1st of every month).'
  }
  if (clock && failure.amount !== null) {
    const local = DateTime.fromMillis(clock.now.getTime(), { zone: clock.timezone })
    const target = local.plus({ [failure.unit]: failure.amount }).toFormat("yyyy-MM-dd'T'HH:mm")
    return `Use run_at with the date instead, e.g. run_at: "${target}" (${failure.amount} ${failure.unit} from now, same time of day, in ${clock.timezone}).`
  }
  return 'Use s, m, h, d or w, e.g. "30d", or run_at with a date.'
}

function syntaxHint(field: string, text: string, clock: HintClock | undefined): string {
  const lower = text.trim().toLowerCase()
  const cron = suggestCronForPhrase(lower)
  if (cron) {
    const ask = cron.timeGiven
      ? ''
      : ' (09:00 stands in for the time; ask the user if they did not say it)'
    return field === 'every'
      ? `A fixed time of day or weekday needs cron, not every: send cron: "${cron.cron}"${ask}.`
      : `For a repeating time send cron: "${cron.cron}"${ask}; for one run send run_at with a date and time.`
  }
  const days = DAY_WORDS[lower.replace(/\s+(?:at|morning|evening).*$/, '')]
  if (days !== undefined && clock) {
    return `"${text.trim()}" is a date, not a duration: send run_at instead, e.g. run_at: "${exampleLocalRunAt(clock.now, clock.timezone, days)}" (in ${clock.timezone}); ask the user for the time of day if they did not say it.`
  }
  return GRAMMAR_HINT
}

/** The 422 for a duration that failed analysis, with a hint for the specific mistake. */
export function durationProblem(
  field: string,
  text: string,
  failure: DurationFailure,
  clock?: HintClock,
): ProblemError {
  const quoted = JSON.stringify(text.trim())
  switch (failure.reason) {
    case 'bare-number': {
      const n = text.trim()
      return fieldProblem(
        field,
        `${quoted} has no unit`,
        `Add a unit, e.g. "${n}m" for ${n} minutes or "${n}h" for ${n} hours; ask the user which they meant if it is not clear`,
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
        `${quoted} uses ${failure.unit}, which have no fixed length`,
        calendarHint(field, failure, clock),
      )
    default:
      return fieldProblem(field, `${quoted} is not a duration`, syntaxHint(field, text, clock))
  }
}

/** Parse a positive duration for `field` or throw the matching 422. */
export function requireDuration(field: string, text: string, clock?: HintClock): number {
  const result = analyseDuration(text)
  if (!result.ok) throw durationProblem(field, text, result, clock)
  return result.ms
}
