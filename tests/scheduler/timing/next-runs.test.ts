import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  computeNextRuns,
  firstOccurrence,
  nextOccurrence,
} from '../../../src/scheduler/timing/next-runs.ts'
import type { Schedule } from '../../../src/scheduler/timing/types.ts'

const iso = (dates: Date[]) => dates.map((d) => d.toISOString())

const once: Schedule = {
  kind: 'once',
  runAt: '2026-12-01T12:00:00.000Z',
  timezone: 'UTC',
  source: 'run_at',
  original: '2026-12-01T12:00:00Z',
}

function interval(overrides: Partial<Extract<Schedule, { kind: 'interval' }>> = {}): Schedule {
  return {
    kind: 'interval',
    everyMs: 15 * 60_000,
    everyText: '15m',
    timezone: 'UTC',
    startsAt: '2026-11-27T12:15:00.000Z',
    endsAt: null,
    maxRuns: null,
    ...overrides,
  }
}

function cron(overrides: Partial<Extract<Schedule, { kind: 'cron' }>> = {}): Schedule {
  return {
    kind: 'cron',
    expression: '0 9 * * *',
    timezone: 'UTC',
    startsAt: '2026-11-28T09:00:00.000Z',
    endsAt: null,
    maxRuns: null,
    ...overrides,
  }
}

describe('firstOccurrence', () => {
  it('is runAt for once and startsAt for interval and cron', () => {
    assert.equal(firstOccurrence(once).toISOString(), '2026-12-01T12:00:00.000Z')
    assert.equal(firstOccurrence(interval()).toISOString(), '2026-11-27T12:15:00.000Z')
    assert.equal(firstOccurrence(cron()).toISOString(), '2026-11-28T09:00:00.000Z')
  })

  it('computes the first cron tick from the fallback when startsAt is null', () => {
    const first = firstOccurrence(cron({ startsAt: null }), new Date('2026-11-27T12:00:00Z'))
    assert.equal(first.toISOString(), '2026-11-28T09:00:00.000Z')
  })

  it('throws for a cron without startsAt and without a fallback', () => {
    assert.throws(() => firstOccurrence(cron({ startsAt: null })), TypeError)
  })
})

describe('nextOccurrence', () => {
  it('returns runAt for once before any run and null after one', () => {
    assert.equal(
      nextOccurrence(once, new Date('2030-01-01T00:00:00Z'), 0)?.toISOString(),
      once.runAt,
    )
    assert.equal(nextOccurrence(once, new Date('2020-01-01T00:00:00Z'), 1), null)
  })

  it('returns startsAt for an interval when after is earlier', () => {
    const next = nextOccurrence(interval(), new Date('2026-11-27T12:00:00Z'), 0)
    assert.equal(next?.toISOString(), '2026-11-27T12:15:00.000Z')
  })

  it('returns the next slot strictly after a run time', () => {
    const next = nextOccurrence(interval(), new Date('2026-11-27T12:15:00Z'), 1)
    assert.equal(next?.toISOString(), '2026-11-27T12:30:00.000Z')
  })

  it('stays anchored on startsAt when a run fires late, so there is no drift', () => {
    const next = nextOccurrence(interval(), new Date('2026-11-27T12:22:13.456Z'), 1)
    assert.equal(next?.toISOString(), '2026-11-27T12:30:00.000Z')
    const muchLater = nextOccurrence(interval(), new Date('2026-11-28T09:01:00Z'), 5)
    assert.equal(muchLater?.toISOString(), '2026-11-28T09:15:00.000Z')
  })

  it('includes a run exactly at endsAt and stops after it', () => {
    const schedule = interval({ endsAt: '2026-11-27T12:45:00.000Z' })
    assert.equal(
      nextOccurrence(schedule, new Date('2026-11-27T12:30:00Z'), 2)?.toISOString(),
      '2026-11-27T12:45:00.000Z',
    )
    assert.equal(nextOccurrence(schedule, new Date('2026-11-27T12:45:00Z'), 3), null)
  })

  it('returns null once maxRuns runs have happened', () => {
    const schedule = interval({ maxRuns: 2 })
    assert.ok(nextOccurrence(schedule, new Date('2026-11-27T12:15:00Z'), 1))
    assert.equal(nextOccurrence(schedule, new Date('2026-11-27T12:30:00Z'), 2), null)
  })

  it('returns the next cron tick strictly after a run', () => {
    const next = nextOccurrence(cron(), new Date('2026-11-28T09:00:00Z'), 1)
    assert.equal(next?.toISOString(), '2026-11-29T09:00:00.000Z')
  })

  it('never returns a cron tick before startsAt', () => {
    const next = nextOccurrence(
      cron({ startsAt: '2026-12-05T09:00:00.000Z' }),
      new Date('2026-11-27T12:00:00Z'),
      0,
    )
    assert.equal(next?.toISOString(), '2026-12-05T09:00:00.000Z')
  })

  it('returns null for a cron past its endsAt or its maxRuns', () => {
    const ending = cron({ endsAt: '2026-11-29T08:00:00.000Z' })
    assert.equal(nextOccurrence(ending, new Date('2026-11-28T09:00:00Z'), 1), null)
    assert.equal(nextOccurrence(cron({ maxRuns: 1 }), new Date('2026-11-28T09:00:00Z'), 1), null)
  })

  it('follows the zone for cron across DST', () => {
    const schedule = cron({
      expression: '0 3 * * *',
      timezone: 'America/New_York',
      startsAt: '2027-03-13T08:00:00.000Z',
    })
    assert.equal(
      nextOccurrence(schedule, new Date('2027-03-13T08:00:00Z'), 1)?.toISOString(),
      '2027-03-14T07:00:00.000Z',
    )
  })
})

describe('computeNextRuns', () => {
  it('lists count interval runs from the first one', () => {
    const runs = computeNextRuns(interval(), new Date('2026-11-27T12:00:00Z'), 3)
    assert.deepEqual(iso(runs), [
      '2026-11-27T12:15:00.000Z',
      '2026-11-27T12:30:00.000Z',
      '2026-11-27T12:45:00.000Z',
    ])
  })

  it('includes a run exactly at from', () => {
    const runs = computeNextRuns(interval(), new Date('2026-11-27T12:30:00Z'), 2)
    assert.deepEqual(iso(runs), ['2026-11-27T12:30:00.000Z', '2026-11-27T12:45:00.000Z'])
  })

  it('stops at maxRuns counting runs so far', () => {
    assert.equal(
      computeNextRuns(interval({ maxRuns: 3 }), new Date('2026-11-27T12:00:00Z'), 10).length,
      3,
    )
    assert.equal(
      computeNextRuns(interval({ maxRuns: 3 }), new Date('2026-11-27T12:00:00Z'), 10, 2).length,
      1,
    )
  })

  it('stops at endsAt', () => {
    const runs = computeNextRuns(
      interval({ endsAt: '2026-11-27T13:00:00.000Z' }),
      new Date('2026-11-27T12:00:00Z'),
      10,
    )
    assert.equal(runs.length, 4)
  })

  it('lists cron runs', () => {
    const runs = computeNextRuns(
      cron({ expression: '0 9 * * MON-FRI' }),
      new Date('2026-11-27T12:00:00Z'),
      3,
    )
    assert.deepEqual(iso(runs), [
      '2026-11-30T09:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      '2026-12-02T09:00:00.000Z',
    ])
  })

  it('returns just runAt for once, even before from, and nothing after it ran', () => {
    assert.deepEqual(iso(computeNextRuns(once, new Date('2030-01-01T00:00:00Z'), 5)), [once.runAt])
    assert.deepEqual(computeNextRuns(once, new Date('2026-01-01T00:00:00Z'), 5, 1), [])
  })

  it('returns nothing for a count of zero', () => {
    assert.deepEqual(computeNextRuns(interval(), new Date('2026-11-27T12:00:00Z'), 0), [])
  })
})
