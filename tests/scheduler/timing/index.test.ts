import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as timing from '../../../src/scheduler/timing/index.ts'

describe('timing public surface', () => {
  it('exports every documented function', () => {
    for (const name of [
      'parseTiming',
      'parseTimingForPreview',
      'nextOccurrence',
      'computeNextRuns',
      'firstOccurrence',
      'toRunTime',
      'isValidTimezone',
      'normaliseTimezone',
      'describeSchedule',
      'humanizeDuration',
      'scheduleWarnings',
      'describeNow',
      'parseDuration',
      'parseSignedDuration',
    ]) {
      assert.equal(typeof (timing as Record<string, unknown>)[name], 'function', name)
    }
    assert.equal(timing.DEFAULT_MAX_AHEAD_DAYS, 3650)
  })

  it('works end to end: parse, list runs, describe and warn', () => {
    const now = new Date('2026-11-27T12:00:00Z')
    const { schedule, warnings } = timing.parseTiming(
      { every: '15m', max_runs: 2, timezone: 'Europe/Berlin' },
      { now, defaultTimezone: 'UTC', minIntervalMs: 60_000 },
    )
    const runs = timing.computeNextRuns(schedule, now, 5)
    assert.deepEqual(
      runs.map((run) => timing.toRunTime(run, schedule.timezone)),
      [
        { utc: '2026-11-27T12:15:00.000Z', local: '2026-11-27T13:15:00+01:00' },
        { utc: '2026-11-27T12:30:00.000Z', local: '2026-11-27T13:30:00+01:00' },
      ],
    )
    assert.deepEqual([...warnings, ...timing.scheduleWarnings(schedule, now, runs)], [])
    assert.match(
      timing.describeSchedule(schedule, now, runs[0] ?? null),
      /^Runs every 15 minutes in Europe\/Berlin/,
    )
  })
})
