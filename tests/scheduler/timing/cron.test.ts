import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkCronExpression,
  cronMatches,
  cronMinimumGapMs,
  cronOccurrences,
  cronUsesDayOr,
  firstCronOccurrence,
  normaliseCronText,
} from '../../../src/scheduler/timing/cron.ts'
import { catchFieldError } from './problem.ts'

const iso = (dates: Date[]) => dates.map((d) => d.toISOString())

describe('checkCronExpression', () => {
  it('accepts a 5-field expression with day names', () => {
    assert.equal(checkCronExpression('0 9 * * MON-FRI', 'UTC'), '0 9 * * MON-FRI')
  })

  it('accepts a 6-field expression with seconds first', () => {
    assert.equal(checkCronExpression('*/30 * * * * *', 'UTC'), '*/30 * * * * *')
  })

  it('accepts month names', () => {
    assert.equal(checkCronExpression('0 9 1 JAN,jul *', 'UTC'), '0 9 1 JAN,jul *')
  })

  it('accepts shorthands in any case and lower-cases them', () => {
    for (const shorthand of ['@hourly', '@daily', '@weekly', '@monthly', '@yearly']) {
      assert.equal(checkCronExpression(shorthand.toUpperCase(), 'UTC'), shorthand)
    }
  })

  it('collapses whitespace', () => {
    assert.equal(checkCronExpression('  0   9 * *   1 ', 'UTC'), '0 9 * * 1')
  })

  it('rejects the wrong number of fields with both forms in the hint', () => {
    for (const text of ['* * * *', '0 0 1 1 * 2099 1']) {
      const error = catchFieldError(() => checkCronExpression(text, 'UTC'))
      assert.equal(error.field, 'cron')
      assert.match(error.message, /expected 5, or 6/)
      assert.match(error.hint, /"0 9 \* \* MON-FRI"/)
      assert.match(error.hint, /"\*\/30 \* \* \* \* \*"/)
    }
  })

  it('passes on cron-parser reasons for bad values', () => {
    const error = catchFieldError(() => checkCronExpression('61 * * * *', 'UTC'))
    assert.equal(error.field, 'cron')
    assert.match(error.message, /61/)
    assert.match(error.message, /0-59/)
  })

  it('rejects unknown names with the reason', () => {
    const error = catchFieldError(() => checkCronExpression('0 9 * * FOO', 'UTC'))
    assert.match(error.message, /foo/)
  })

  it('rejects a day that never exists such as 30 February', () => {
    const error = catchFieldError(() => checkCronExpression('0 0 30 2 *', 'UTC'))
    assert.equal(error.field, 'cron')
    assert.match(error.message, /never runs/)
    assert.match(error.hint, /"0 9 28 2 \*"/)
  })

  it('rejects the random H token because runs would not be reproducible', () => {
    const error = catchFieldError(() => checkCronExpression('H 9 * * *', 'UTC'))
    assert.match(error.message, /H/)
    assert.doesNotMatch(checkCronExpression('0 9 * * THU', 'UTC'), /H /)
  })

  it('rejects an unknown shorthand listing the known ones', () => {
    const error = catchFieldError(() => checkCronExpression('@fortnightly', 'UTC'))
    assert.match(error.hint, /@daily/)
  })
})

describe('normaliseCronText', () => {
  it('keeps field text but lower-cases shorthands', () => {
    assert.equal(normaliseCronText(' 0  9 * * MON '), '0 9 * * MON')
    assert.equal(normaliseCronText('@Daily'), '@daily')
  })
})

describe('cronOccurrences', () => {
  it('includes an occurrence exactly at from', () => {
    const from = new Date('2027-03-12T09:00:00Z')
    assert.deepEqual(iso(cronOccurrences('0 9 * * *', 'UTC', from, 2)), [
      '2027-03-12T09:00:00.000Z',
      '2027-03-13T09:00:00.000Z',
    ])
  })

  it('starts at the next tick when from is just past one', () => {
    const from = new Date('2027-03-12T09:00:00.001Z')
    assert.equal(
      firstCronOccurrence('0 9 * * *', 'UTC', from)?.toISOString(),
      '2027-03-13T09:00:00.000Z',
    )
  })

  it('iterates weekdays only for MON-FRI', () => {
    const runs = cronOccurrences('0 9 * * MON-FRI', 'UTC', new Date('2027-03-12T00:00:00Z'), 3)
    assert.deepEqual(iso(runs), [
      '2027-03-12T09:00:00.000Z',
      '2027-03-15T09:00:00.000Z',
      '2027-03-16T09:00:00.000Z',
    ])
  })

  it('honours month names', () => {
    const runs = cronOccurrences('0 9 1 JAN *', 'UTC', new Date('2027-03-12T00:00:00Z'), 1)
    assert.deepEqual(iso(runs), ['2028-01-01T09:00:00.000Z'])
  })

  it('ticks every 30 seconds for a 6-field expression', () => {
    const runs = cronOccurrences('*/30 * * * * *', 'UTC', new Date('2027-03-12T10:00:10Z'), 3)
    assert.deepEqual(iso(runs), [
      '2027-03-12T10:00:30.000Z',
      '2027-03-12T10:01:00.000Z',
      '2027-03-12T10:01:30.000Z',
    ])
  })

  it('expands @hourly to the start of each hour', () => {
    const runs = cronOccurrences('@hourly', 'UTC', new Date('2027-03-12T10:20:00Z'), 2)
    assert.deepEqual(iso(runs), ['2027-03-12T11:00:00.000Z', '2027-03-12T12:00:00.000Z'])
  })

  it('keeps 03:00 New York local across spring forward, moving from 08:00Z to 07:00Z', () => {
    const runs = cronOccurrences(
      '0 3 * * *',
      'America/New_York',
      new Date('2027-03-12T00:00:00Z'),
      4,
    )
    assert.deepEqual(iso(runs), [
      '2027-03-12T08:00:00.000Z',
      '2027-03-13T08:00:00.000Z',
      '2027-03-14T07:00:00.000Z',
      '2027-03-15T07:00:00.000Z',
    ])
  })

  it('shifts a fixed time inside the spring-forward gap forward by an hour, running once', () => {
    const runs = cronOccurrences(
      '30 2 * * *',
      'America/New_York',
      new Date('2027-03-13T12:00:00Z'),
      2,
    )
    assert.deepEqual(iso(runs), ['2027-03-14T07:30:00.000Z', '2027-03-15T06:30:00.000Z'])
  })

  it('collapses a shifted gap time and the real time it lands on into one run', () => {
    const runs = cronOccurrences(
      '30 2,3 * * *',
      'America/New_York',
      new Date('2027-03-13T12:00:00Z'),
      3,
    )
    assert.deepEqual(iso(runs), [
      '2027-03-14T07:30:00.000Z',
      '2027-03-15T06:30:00.000Z',
      '2027-03-15T07:30:00.000Z',
    ])
  })

  it('runs a fixed time inside the fall-back overlap once, at the earlier instant', () => {
    const runs = cronOccurrences(
      '30 1 * * *',
      'America/New_York',
      new Date('2027-11-06T12:00:00Z'),
      2,
    )
    assert.deepEqual(iso(runs), ['2027-11-07T05:30:00.000Z', '2027-11-08T06:30:00.000Z'])
  })

  it('runs the Berlin overlap hour twice for an hourly wildcard expression', () => {
    const runs = cronOccurrences('0 * * * *', 'Europe/Berlin', new Date('2027-10-30T23:30:00Z'), 4)
    assert.deepEqual(iso(runs), [
      '2027-10-31T00:00:00.000Z',
      '2027-10-31T01:00:00.000Z',
      '2027-10-31T02:00:00.000Z',
      '2027-10-31T03:00:00.000Z',
    ])
  })

  it('skips the Berlin gap hour for an hourly wildcard expression', () => {
    const runs = cronOccurrences('0 * * * *', 'Europe/Berlin', new Date('2027-03-28T00:30:00Z'), 2)
    assert.deepEqual(iso(runs), ['2027-03-28T01:00:00.000Z', '2027-03-28T02:00:00.000Z'])
  })

  it('returns nothing for a limit of zero', () => {
    assert.deepEqual(cronOccurrences('* * * * *', 'UTC', new Date('2027-01-01T00:00:00Z'), 0), [])
  })
})

describe('cron helpers', () => {
  it('measures the smallest gap between ticks', () => {
    const from = new Date('2027-03-12T00:00:00Z')
    assert.equal(cronMinimumGapMs('*/30 * * * * *', 'UTC', from), 30_000)
    assert.equal(cronMinimumGapMs('0,1 9 * * *', 'UTC', from), 60_000)
    assert.equal(cronMinimumGapMs('0 9 * * *', 'UTC', from), 86_400_000)
  })

  it('matches instants by their wall time in the zone', () => {
    assert.equal(cronMatches('0 9 * * *', 'Europe/Berlin', new Date('2027-01-04T08:00:00Z')), true)
    assert.equal(cronMatches('0 9 * * *', 'Europe/Berlin', new Date('2027-01-04T09:00:00Z')), false)
  })

  it('detects restricted day-of-month and day-of-week together', () => {
    assert.equal(cronUsesDayOr('0 9 1 * MON'), true)
    assert.equal(cronUsesDayOr('0 0 9 1 * MON'), true)
    assert.equal(cronUsesDayOr('0 9 * * MON'), false)
    assert.equal(cronUsesDayOr('0 9 1 * ?'), false)
    assert.equal(cronUsesDayOr('@weekly'), false)
  })

  it('runs on days matching either field when both are restricted', () => {
    const runs = cronOccurrences('0 9 1 * MON', 'UTC', new Date('2026-11-27T00:00:00Z'), 3)
    assert.deepEqual(iso(runs), [
      '2026-11-30T09:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      '2026-12-07T09:00:00.000Z',
    ])
  })
})
