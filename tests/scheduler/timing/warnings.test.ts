import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { computeNextRuns } from '../../../src/scheduler/timing/next-runs.ts'
import type { CronSchedule, Schedule } from '../../../src/scheduler/timing/types.ts'
import { scheduleWarnings } from '../../../src/scheduler/timing/warnings.ts'

const now = new Date('2026-11-27T12:00:00Z')

function cron(expression: string, timezone: string, startsAt: string): CronSchedule {
  return { kind: 'cron', expression, timezone, startsAt, endsAt: null, maxRuns: null }
}

function warningsFor(schedule: Schedule, from = now, count = 5): string[] {
  return scheduleWarnings(schedule, from, computeNextRuns(schedule, from, count))
}

describe('scheduleWarnings', () => {
  it('says nothing for an ordinary daily cron', () => {
    assert.deepEqual(warningsFor(cron('0 9 * * *', 'UTC', '2026-11-28T09:00:00.000Z')), [])
  })

  it('warns that a once run time is in the past, suggesting delay', () => {
    const past: Schedule = {
      kind: 'once',
      runAt: '2026-11-27T11:00:00.000Z',
      timezone: 'America/Sao_Paulo',
      source: 'run_at',
      original: '2026-11-27T08:00',
    }
    const [warning, ...rest] = warningsFor(past)
    assert.equal(rest.length, 0)
    assert.match(
      warning ?? '',
      /2026-11-27T08:00:00-03:00 is in the past \(1 hour ago; now is 2026-11-27T09:00:00-03:00\)/,
    )
    assert.match(warning ?? '', /delay: "10m"/)
  })

  it('does not warn for a future once run', () => {
    const future: Schedule = {
      kind: 'once',
      runAt: '2026-11-27T12:10:00.000Z',
      timezone: 'UTC',
      source: 'delay',
      original: '10m',
    }
    assert.deepEqual(warningsFor(future), [])
  })

  it('flags an interval under a minute as very frequent', () => {
    const fast: Schedule = {
      kind: 'interval',
      everyMs: 30_000,
      everyText: '30s',
      timezone: 'UTC',
      startsAt: '2026-11-27T12:00:30.000Z',
      endsAt: null,
      maxRuns: null,
    }
    assert.deepEqual(warningsFor(fast), [
      'Very frequent: runs every 30 seconds, more than once a minute.',
    ])
  })

  it('flags a seconds cron as very frequent', () => {
    const [warning] = warningsFor(cron('*/10 * * * * *', 'UTC', '2026-11-27T12:00:00.000Z'))
    assert.match(warning ?? '', /^Very frequent: runs every 10 seconds/)
  })

  it('warns when the schedule ends before its first run', () => {
    const ending: Schedule = {
      ...cron('0 9 1 1 *', 'UTC', '2027-01-01T09:00:00.000Z'),
      endsAt: '2026-12-31T00:00:00.000Z',
    }
    const warnings = warningsFor(ending)
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0] ?? '',
      /ends \(2026-12-31T00:00:00\+00:00\) before its first run \(2027-01-01T09:00:00\+00:00\)/,
    )
  })

  it('explains OR semantics when day-of-month and day-of-week are both set, pointing at #', () => {
    const [warning] = warningsFor(cron('0 9 1 * MON', 'UTC', '2026-11-30T09:00:00.000Z'))
    assert.match(warning ?? '', /EITHER \(at 09:00 on day 1 of every month or on any Monday\)/)
    assert.match(warning ?? '', /"0 9 \* \* MON#1"/)
  })

  // Former defect (issue 14): "first Monday" written as days 1-7 plus Monday got only a generic
  // warning; the # form that means it is now named.
  it('names the # form when days 1-7 (or 8-14 …) with one weekday look like "the first Monday"', () => {
    const [first] = warningsFor(cron('0 9 1-7 * 1', 'UTC', '2026-12-01T09:00:00.000Z'))
    assert.match(
      first ?? '',
      /If you meant at 09:00 on the first Monday of the month, use "0 9 \* \* 1#1"/,
    )
    const [third] = warningsFor(cron('0 9 15-21 * FRI', 'UTC', '2026-12-04T09:00:00.000Z'))
    assert.match(third ?? '', /use "0 9 \* \* FRI#3"/)
    const [last] = warningsFor(cron('0 9 L * FRI', 'UTC', '2026-12-04T09:00:00.000Z'))
    assert.match(last ?? '', /on the last Friday of the month, use "0 9 \* \* FRIL"/)
  })

  it('explains a cron run moved by a spring-forward gap', () => {
    const schedule = cron('30 2 * * *', 'America/New_York', '2027-03-13T07:30:00.000Z')
    const warnings = warningsFor(schedule, new Date('2027-03-13T00:00:00Z'), 3)
    assert.deepEqual(warnings, [
      "On Sun 14 Mar 2027 the cron's scheduled wall time does not exist in America/New_York (clocks jump forward), so it runs at 03:30 local instead.",
    ])
  })

  it('explains that a fixed-time cron runs only at the first of two repeated times', () => {
    const schedule = cron('30 1 * * *', 'America/New_York', '2027-11-06T05:30:00.000Z')
    const warnings = warningsFor(schedule, new Date('2027-11-06T00:00:00Z'), 3)
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0] ?? '',
      /Sun 7 Nov 2027 at 01:30 happens twice .* runs only at the first, 2027-11-07T01:30:00-04:00/,
    )
  })

  it('explains that an hourly cron runs at both repeated times', () => {
    const schedule = cron('0 * * * *', 'Europe/Berlin', '2027-10-31T00:00:00.000Z')
    const warnings = warningsFor(schedule, new Date('2027-10-30T23:30:00Z'), 3)
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0] ?? '',
      /runs at both, 2027-10-31T02:00:00\+02:00 and 2027-10-31T02:00:00\+01:00/,
    )
  })

  it('explains that interval runs shift in local time across a DST change', () => {
    const daily: Schedule = {
      kind: 'interval',
      everyMs: 86_400_000,
      everyText: '1d',
      timezone: 'America/New_York',
      startsAt: '2027-03-13T14:00:00.000Z',
      endsAt: null,
      maxRuns: null,
    }
    const warnings = warningsFor(daily, new Date('2027-03-13T00:00:00Z'), 3)
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0] ?? '',
      /between the runs at 2027-03-13T09:00:00-05:00 and 2027-03-14T10:00:00-04:00/,
    )
    assert.match(warnings[0] ?? '', /shift by 1 hour/)
  })
})
