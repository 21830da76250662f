import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkCronExpression,
  cronMatches,
  cronMinimumGapMs,
  cronOccurrences,
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
    for (const text of ['* * * *', '0 0 1 1 * 2099 1 5']) {
      const error = catchFieldError(() => checkCronExpression(text, 'UTC'))
      assert.equal(error.field, 'cron')
      assert.match(error.message, /expected 5, or 6/)
      assert.match(error.hint, /"0 9 \* \* MON-FRI"/)
      assert.match(error.hint, /"\*\/30 \* \* \* \* \*"/)
    }
  })

  it('names the field and range of an out-of-range value', () => {
    const error = catchFieldError(() => checkCronExpression('61 * * * *', 'UTC'))
    assert.equal(error.field, 'cron')
    assert.equal(
      error.message,
      'cron "61 * * * *" is invalid: the minute field has 61, outside 0–59',
    )
    const hour = catchFieldError(() => checkCronExpression('0 25 * * *', 'UTC'))
    assert.match(hour.message, /the hour field has 25, outside 0–23/)
  })

  it('rejects unknown names saying which names go where', () => {
    const error = catchFieldError(() => checkCronExpression('0 9 * * FOO', 'UTC'))
    assert.match(error.message, /"foo" is not a month or weekday name/)
    assert.match(error.hint, /weekdays SUN–SAT/)
  })

  it('explains Sunday given twice and a backwards range', () => {
    assert.match(
      catchFieldError(() => checkCronExpression('0 9 * * 0,7', 'UTC')).message,
      /names Sunday twice/,
    )
    assert.match(
      catchFieldError(() => checkCronExpression('0 22-2 * * *', 'UTC')).hint,
      /"22-23,0-2"/,
    )
  })

  // Former defect (issue 14): Quartz "?" was read as "*" and Quartz weekday numbers (1 = Sunday)
  // as ours (1 = Monday), so "0 0 9 ? * 2-6" ran Tuesday to Saturday.
  it('refuses Quartz ? and says what to write instead, weekdays converted by name', () => {
    const error = catchFieldError(() => checkCronExpression('0 0 9 ? * 2-6', 'UTC'))
    assert.match(error.message, /Quartz syntax/)
    assert.match(error.message, /weekday 1 is Sunday/)
    assert.match(error.hint, /Send "0 9 \* \* MON-FRI" \(at 09:00 on Monday through Friday\)/)
    const named = catchFieldError(() => checkCronExpression('0 9 ? * MON-FRI', 'UTC'))
    assert.match(named.message, /Quartz/)
    assert.match(named.hint, /Send "0 9 \* \* MON-FRI"/)
  })

  it('refuses a Quartz year field', () => {
    const error = catchFieldError(() => checkCronExpression('0 0 9 * * ? 2027', 'UTC'))
    assert.match(error.message, /Quartz syntax/)
    assert.match(error.hint, /Send "0 9 \* \* \*"/)
  })

  it('refuses W with what to write instead', () => {
    const error = catchFieldError(() => checkCronExpression('0 9 15W * *', 'UTC'))
    assert.match(error.message, /W \(nearest weekday\)/)
    assert.match(error.hint, /MON#1/)
  })

  // Former defect (issue 14): "0 8 * * 1-5 *" (weekdays at 08:00 plus a stray field) was accepted
  // seconds-first: minute 8 of every hour, January to May.
  it('refuses a 5-field cron with a stray sixth field that restricts months, with both readings', () => {
    const error = catchFieldError(() => checkCronExpression('0 8 * * 1-5 *', 'UTC'))
    assert.match(
      error.message,
      /first is read as seconds: at minute 8 of every hour in January through May/,
    )
    assert.match(error.message, /"0 8 \* \* 1-5" would be at 08:00 on Monday through Friday/)
    assert.match(error.hint, /send the 5 fields "0 8 \* \* 1-5"/)
    assert.match(error.hint, /"0 8 \* \* JAN-MAY \*"/)
    assert.equal(checkCronExpression('0 8 * * JAN-MAY *', 'UTC'), '0 8 * * JAN-MAY *')
  })

  it('refuses weekday names in the month position of a 6-field cron', () => {
    const error = catchFieldError(() => checkCronExpression('0 8 * * MON-FRI *', 'UTC'))
    assert.match(error.message, /"MON-FRI" names weekdays/)
    assert.match(error.hint, /"0 8 \* \* MON-FRI"/)
  })

  it('accepts an ambiguous 6-field cron with a warning spelling out both readings', () => {
    const warnings: string[] = []
    assert.equal(checkCronExpression('0 0 9 * * *', 'UTC', warnings), '0 0 9 * * *')
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /read as seconds: at 09:00 every day/)
    assert.match(warnings[0] ?? '', /"0 0 9 \* \*": at 00:00 on day 9 of every month/)
  })

  it('adds no warning to a 6-field cron whose seconds field is not a plain number', () => {
    const warnings: string[] = []
    checkCronExpression('*/30 * * * * *', 'UTC', warnings)
    checkCronExpression('0 0 9 * * MON-FRI', 'UTC', warnings)
    assert.deepEqual(warnings, [])
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

  it('answers repeated and longer calls the same as a first call (occurrences are cached)', () => {
    const from = new Date('2027-10-30T00:00:00Z')
    const zone = 'Europe/Berlin'
    const short = cronOccurrences('30 2 * * *', zone, from, 2)
    // A caller changing its Dates must not change what the next caller gets.
    short[0]?.setTime(0)
    const long = cronOccurrences('30 2 * * *', zone, from, 4)
    assert.deepEqual(iso(long), [
      '2027-10-30T00:30:00.000Z',
      // 02:30 happens twice on 31 October (clocks go back): the earlier instant.
      '2027-10-31T00:30:00.000Z',
      '2027-11-01T01:30:00.000Z',
      '2027-11-02T01:30:00.000Z',
    ])
    assert.deepEqual(iso(cronOccurrences('30 2 * * *', zone, from, 3)), iso(long.slice(0, 3)))
    // Another zone or start is another list.
    assert.equal(
      cronOccurrences('30 2 * * *', 'UTC', from, 1)[0]?.toISOString(),
      '2027-10-30T02:30:00.000Z',
    )
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

  it('runs on days matching either field when both are restricted', () => {
    const runs = cronOccurrences('0 9 1 * MON', 'UTC', new Date('2026-11-27T00:00:00Z'), 3)
    assert.deepEqual(iso(runs), [
      '2026-11-30T09:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      '2026-12-07T09:00:00.000Z',
    ])
  })
})
