import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  analyseDuration,
  durationProblem,
  formatCompactDuration,
  MAX_DELAY_DAYS,
  MAX_DELAY_MS,
  MS_PER_DAY,
  parseDuration,
  parseSignedDuration,
  requireDuration,
} from '../../../src/scheduler/timing/duration.ts'
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

  it('exports the maximum delay as 366 days', () => {
    assert.equal(MAX_DELAY_DAYS, 366)
    assert.equal(MAX_DELAY_MS, 366 * D)
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

  it('points months to cron', () => {
    const error = catchFieldError(() => {
      throw durationProblem('every', '1 month', { reason: 'unsupported-unit', unit: 'month' })
    })
    assert.match(error.hint, /cron/)
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
