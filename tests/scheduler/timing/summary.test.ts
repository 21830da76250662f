import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeSchedule } from '../../../src/scheduler/timing/summary.ts'
import type { Schedule } from '../../../src/scheduler/timing/types.ts'

const now = new Date('2026-12-01T09:55:00Z')

const once: Schedule = {
  kind: 'once',
  runAt: '2026-12-01T12:00:00.000Z',
  timezone: 'America/Sao_Paulo',
  source: 'run_at',
  original: '2026-12-01T09:00',
}

const interval: Schedule = {
  kind: 'interval',
  everyMs: 15 * 60_000,
  everyText: '15m',
  timezone: 'Europe/Berlin',
  startsAt: '2026-12-01T10:10:00.000Z',
  endsAt: '2026-12-05T23:00:00.000Z',
  maxRuns: 10,
}

const cron: Schedule = {
  kind: 'cron',
  expression: '0 9 * * MON-FRI',
  timezone: 'Europe/Berlin',
  startsAt: '2026-12-02T08:00:00.000Z',
  endsAt: null,
  maxRuns: null,
}

describe('describeSchedule', () => {
  it('describes a once schedule with local time, zone and how long until it runs', () => {
    assert.equal(
      describeSchedule(once, now, new Date(once.runAt)),
      'Runs once on Tue 1 Dec 2026 at 09:00 (America/Sao_Paulo), in 2 hours 5 minutes.',
    )
  })

  it('says a once schedule that already ran has no runs left', () => {
    assert.equal(
      describeSchedule(once, now, null),
      'Was set to run once on Tue 1 Dec 2026 at 09:00 (America/Sao_Paulo); no runs left.',
    )
  })

  it('says ago for a once schedule in the past', () => {
    const later = new Date('2026-12-01T12:05:00Z')
    assert.match(describeSchedule(once, later, new Date(once.runAt)), /, 5 minutes ago\.$/)
  })

  it('describes an interval with next run, end and run limit', () => {
    assert.equal(
      describeSchedule(interval, now, new Date('2026-12-01T10:10:00Z')),
      'Runs every 15 minutes in Europe/Berlin, next on Tue 1 Dec 2026 at 11:10 (in 15 minutes), until Sun 6 Dec 2026 at 00:00, at most 10 times.',
    )
  })

  it('describes an open-ended hourly interval without limits', () => {
    const hourly: Schedule = { ...interval, everyMs: 3_600_000, endsAt: null, maxRuns: 1 }
    assert.equal(
      describeSchedule(hourly, now, new Date('2026-12-01T10:55:00Z')),
      'Runs every hour in Europe/Berlin, next on Tue 1 Dec 2026 at 11:55 (in 1 hour), at most once.',
    )
  })

  it('describes a finished interval', () => {
    assert.match(
      describeSchedule(interval, now, null),
      /^Runs every 15 minutes in Europe\/Berlin, no runs left, until/,
    )
  })

  it('describes a cron schedule with an English reading of the expression', () => {
    assert.equal(
      describeSchedule(cron, now, new Date('2026-12-02T08:00:00Z')),
      'Runs at 09:00 on Monday through Friday (Europe/Berlin time; cron "0 9 * * MON-FRI"), next on Wed 2 Dec 2026 at 09:00 (in 22 hours 5 minutes).',
    )
  })

  it('describes a stepped range too (it used to fall back to the bare expression)', () => {
    const complex: Schedule = { ...cron, expression: '0-30/5 9 * * *', maxRuns: 3 }
    assert.equal(
      describeSchedule(complex, now, new Date('2026-12-02T08:00:00Z')),
      'Runs every 5 minutes from 09:00 to 09:30 every day (Europe/Berlin time; cron "0-30/5 9 * * *"), next on Wed 2 Dec 2026 at 09:00 (in 22 hours 5 minutes), at most 3 times.',
    )
  })
})
