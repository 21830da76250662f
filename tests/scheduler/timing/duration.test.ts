import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  analyseDuration,
  DEFAULT_MAX_AHEAD_DAYS,
  DEFAULT_MAX_AHEAD_MS,
  formatCompactDuration,
  MS_PER_DAY,
  parseDuration,
  parseSignedDuration,
} from '../../../src/scheduler/timing/duration.ts'
import { durationProblem, requireDuration } from '../../../src/scheduler/timing/duration-problem.ts'
import { catchFieldError } from './problem.ts'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

describe('parseDuration', () => {
  const accepted: [string, number][] = [
    ['90s', 90 * S],
    ['15m', 15 * M],
    ['2h', 2 * H],
    ['1h30m', 90 * M],
    ['1h 30m', 90 * M],
    ['3 days', 3 * D],
    ['2 weeks', 14 * D],
    ['in 2 hours', 2 * H],
    ['45 minutes', 45 * M],
    ['1 hour and 30 minutes', 90 * M],
    ['1 hour, 30 minutes', 90 * M],
    ['1.5h', 90 * M],
    ['PT2H', 2 * H],
    ['P1D', D],
    ['P1DT2H30M', D + 2 * H + 30 * M],
    ['PT90S', 90 * S],
    ['P2W', 14 * D],
    ['pt15m', 15 * M],
    ['  15M  ', 15 * M],
    ['IN 10 MINS', 10 * M],
    ['5 sec', 5 * S],
    ['5 secs', 5 * S],
    ['1 second', S],
    ['7 seconds', 7 * S],
    ['1 min', M],
    ['1 minute', M],
    ['2 hr', 2 * H],
    ['2 hrs', 2 * H],
    ['1 day', D],
    ['1d', D],
    ['1w', 7 * D],
    ['1 week', 7 * D],
    ['an hour', H],
    ['a day', D],
    ['0.5m', 30 * S],
    ['+15m', 15 * M],
    // `every` takes the phrasing `delay` does (issue 14).
    ['every 15 minutes', 15 * M],
    ['Every 2 hours', 2 * H],
    ['each 3 days', 3 * D],
    ['every hour', H],
    ['every day', D],
    ['every week', 7 * D],
    ['hourly', H],
    ['daily', D],
    ['weekly', 7 * D],
    ['fortnightly', 14 * D],
    ['every other day', 2 * D],
    ['half an hour', 30 * M],
    ['in half an hour', 30 * M],
    ['an hour and a half', 90 * M],
    ['15 minutes from now', 15 * M],
    ['after 10 minutes', 10 * M],
    ['once a day', D],
  ]
  for (const [text, ms] of accepted) {
    it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => {
      assert.equal(parseDuration(text), ms)
    })
  }

  const rejected: [string, string][] = [
    ['15', 'bare-number'],
    ['1.5', 'bare-number'],
    ['500ms', 'sub-second'],
    ['1.5s', 'sub-second'],
    ['0m', 'not-positive'],
    ['-5m', 'not-positive'],
    ['PT0S', 'not-positive'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['soon', 'syntax'],
    ['5 parsecs', 'syntax'],
    ['1h 1h', 'syntax'],
    ['1h30', 'syntax'],
    ['P', 'syntax'],
    ['PT', 'syntax'],
    ['P1DT', 'syntax'],
    ['P1M', 'unsupported-unit'],
    ['P1Y', 'unsupported-unit'],
    ['2 months', 'unsupported-unit'],
    ['1 year', 'unsupported-unit'],
    ['monthly', 'unsupported-unit'],
    ['yearly', 'unsupported-unit'],
    ['every month', 'unsupported-unit'],
    ['daily at 9', 'syntax'],
    ['tomorrow', 'syntax'],
  ]
  for (const [text, reason] of rejected) {
    it(`rejects ${JSON.stringify(text)} because of ${reason}`, () => {
      assert.equal(parseDuration(text), null)
      const analysis = analyseDuration(text)
      assert.equal(analysis.ok, false)
      assert.equal(!analysis.ok && analysis.reason, reason)
    })
  }

  it('treats a day as 24 hours of elapsed time', () => {
    assert.equal(parseDuration('1d'), MS_PER_DAY)
    assert.equal(MS_PER_DAY, 86_400_000)
  })

  it('exports the default horizon as 3650 days', () => {
    assert.equal(DEFAULT_MAX_AHEAD_DAYS, 3650)
    assert.equal(DEFAULT_MAX_AHEAD_MS, 3650 * D)
  })

  it('keeps the amount of a calendar unit for the hint', () => {
    assert.deepEqual(analyseDuration('in 2 years'), {
      ok: false,
      reason: 'unsupported-unit',
      unit: 'years',
      amount: 2,
    })
    assert.deepEqual(analyseDuration('quarterly'), {
      ok: false,
      reason: 'unsupported-unit',
      unit: 'months',
      amount: 3,
    })
  })
})

describe('parseSignedDuration', () => {
  it('reads a leading minus as a negative offset', () => {
    assert.equal(parseSignedDuration('-15m'), -15 * M)
  })

  it('reads a leading plus or no sign as a positive offset', () => {
    assert.equal(parseSignedDuration('+1h'), H)
    assert.equal(parseSignedDuration('2 days'), 2 * D)
  })

  it('allows a space after the sign and ISO durations', () => {
    assert.equal(parseSignedDuration('- PT30M'), -30 * M)
  })

  it('accepts zero as an offset', () => {
    assert.equal(parseSignedDuration('0m'), 0)
  })

  it('still rejects a bare number and garbage', () => {
    assert.equal(parseSignedDuration('-15'), null)
    assert.equal(parseSignedDuration('-soon'), null)
  })
})

describe('formatCompactDuration', () => {
  it('writes durations in the compact grammar form', () => {
    assert.equal(formatCompactDuration(M), '1m')
    assert.equal(formatCompactDuration(90 * S), '1m30s')
    assert.equal(formatCompactDuration(D + 2 * H), '1d2h')
  })

  it('never writes less than one second', () => {
    assert.equal(formatCompactDuration(0), '1s')
  })
})

describe('durationProblem', () => {
  it('suggests adding a unit to a bare number', () => {
    const error = catchFieldError(() => requireDuration('delay', '15'))
    assert.equal(error.field, 'delay')
    assert.match(error.message, /no unit/)
    assert.match(error.hint, /"15m"/)
  })

  it('explains the grammar with examples for unparsable text', () => {
    const error = catchFieldError(() => requireDuration('every', 'sometimes'))
    assert.equal(error.field, 'every')
    assert.match(error.hint, /"15m"/)
    assert.match(error.hint, /PT2H/)
  })

  it('points every month to cron', () => {
    const error = catchFieldError(() => {
      throw durationProblem('every', '1 month', {
        reason: 'unsupported-unit',
        unit: 'months',
        amount: 1,
      })
    })
    assert.match(error.hint, /cron: "0 9 1 \* \*"/)
  })

  const clock = { now: new Date('2026-12-07T12:00:00Z'), timezone: 'America/Sao_Paulo' }

  it('turns a delay in years into the run_at it means, computed from now', () => {
    const error = catchFieldError(() => requireDuration('delay', 'in 2 years', clock))
    assert.match(error.message, /years, which have no fixed length/)
    assert.match(error.hint, /run_at: "2028-12-07T09:00"/)
  })

  it('answers "tomorrow" with the run_at for tomorrow 09:00 and says to ask for the time', () => {
    const error = catchFieldError(() => requireDuration('delay', 'tomorrow', clock))
    assert.match(error.hint, /run_at: "2026-12-08T09:00"/)
    assert.match(error.hint, /ask the user/)
  })

  it('answers a time of day given as every with the cron it means', () => {
    const error = catchFieldError(() => requireDuration('every', 'weekdays at 8:30am', clock))
    assert.match(error.hint, /cron: "30 8 \* \* MON-FRI"/)
    const monday = catchFieldError(() => requireDuration('every', 'every monday', clock))
    assert.match(monday.hint, /cron: "0 9 \* \* MON"/)
    assert.match(monday.hint, /09:00 stands in for the time/)
  })

  it('asks for a positive duration when zero is given', () => {
    const error = catchFieldError(() => requireDuration('delay', '0s'))
    assert.match(error.message, /greater than zero/)
    assert.match(error.hint, /"10m"/)
  })

  it('rejects sub-second durations with a whole-second example', () => {
    const error = catchFieldError(() => requireDuration('delay', '500ms'))
    assert.match(error.message, /one-second/)
    assert.match(error.hint, /"30s"/)
  })

  it('returns milliseconds for a valid duration', () => {
    assert.equal(requireDuration('delay', '2h'), 2 * H)
  })
})
