import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { BuildContext } from '../../../src/scheduler/timing/context.ts'
import type { CleanInput } from '../../../src/scheduler/timing/input.ts'
import { buildCron, buildInterval } from '../../../src/scheduler/timing/recurring.ts'
import { catchFieldError } from './problem.ts'

const now = new Date('2026-11-27T12:00:00Z')

function ctx(overrides: Partial<BuildContext> = {}): BuildContext {
  return { now, timezone: 'UTC', minIntervalMs: 60_000, preview: false, warnings: [], ...overrides }
}

describe('buildInterval', () => {
  it('starts one interval after now when starts_at is missing', () => {
    assert.deepEqual(buildInterval('15m', {}, ctx()), {
      kind: 'interval',
      everyMs: 900_000,
      everyText: '15m',
      timezone: 'UTC',
      startsAt: '2026-11-27T12:15:00.000Z',
      endsAt: null,
      maxRuns: null,
    })
  })

  it('starts at a future starts_at read in the zone', () => {
    const schedule = buildInterval(
      '1h',
      { starts_at: '2026-12-01T09:00' },
      ctx({ timezone: 'Europe/Berlin' }),
    )
    assert.equal(schedule.startsAt, '2026-12-01T08:00:00.000Z')
  })

  it('keeps the rhythm of a past starts_at and warns', () => {
    const context = ctx()
    const schedule = buildInterval('1h', { starts_at: '2026-11-27T09:20:00Z' }, context)
    assert.equal(schedule.startsAt, '2026-11-27T12:20:00.000Z')
    assert.equal(context.warnings.length, 1)
    assert.match(
      context.warnings[0] ?? '',
      /starts_at .* is in the past; the first run is 2026-11-27T12:20:00\+00:00/,
    )
  })

  it('keeps a past starts_at that lands exactly on now', () => {
    const schedule = buildInterval('1h', { starts_at: '2026-11-27T10:00:00Z' }, ctx())
    assert.equal(schedule.startsAt, '2026-11-27T12:00:00.000Z')
  })

  it('stores ends_at and max_runs', () => {
    const input: CleanInput = { ends_at: '2026-11-30T00:00:00Z', max_runs: 10 }
    const schedule = buildInterval('15m', input, ctx())
    assert.equal(schedule.endsAt, '2026-11-30T00:00:00.000Z')
    assert.equal(schedule.maxRuns, 10)
  })

  it('rejects an interval below the minimum, stating the minimum', () => {
    const error = catchFieldError(() =>
      buildInterval('30s', {}, ctx({ minIntervalMs: 5 * 60_000 })),
    )
    assert.equal(error.field, 'every')
    assert.match(error.message, /minimum interval of 5 minutes/)
    assert.match(error.hint, /every: "15m"/)
  })

  it('accepts an interval exactly at the minimum', () => {
    assert.equal(buildInterval('1m', {}, ctx()).everyMs, 60_000)
  })

  it('rejects an interval longer than the horizon', () => {
    assert.equal(
      catchFieldError(() => buildInterval('53w', {}, ctx({ maxAheadMs: 366 * 86_400_000 }))).field,
      'every',
    )
    assert.equal(buildInterval('53w', {}, ctx()).everyMs, 53 * 7 * 86_400_000)
  })

  it('rejects ends_at at or before starts_at', () => {
    const input: CleanInput = { starts_at: '2026-12-01T09:00:00Z', ends_at: '2026-12-01T09:00:00Z' }
    const error = catchFieldError(() => buildInterval('1h', input, ctx()))
    assert.equal(error.field, 'ends_at')
    assert.match(error.message, /not after starts_at/)
  })

  it('rejects an ends_at before the first run', () => {
    const error = catchFieldError(() =>
      buildInterval('1h', { ends_at: '2026-11-27T12:30:00Z' }, ctx()),
    )
    assert.equal(error.field, 'ends_at')
    assert.match(error.message, /before the first run 2026-11-27T13:00:00\+00:00/)
  })

  it('allows an ends_at before the first run in preview mode', () => {
    const schedule = buildInterval(
      '1h',
      { ends_at: '2026-11-27T12:30:00Z' },
      ctx({ preview: true }),
    )
    assert.equal(schedule.endsAt, '2026-11-27T12:30:00.000Z')
  })

  it('rejects a starts_at beyond the horizon, and warns about one more than a year ahead', () => {
    const error = catchFieldError(() =>
      buildInterval('1h', { starts_at: '2037-06-01T00:00:00Z' }, ctx()),
    )
    assert.equal(error.field, 'starts_at')
    const context = ctx()
    buildInterval('1h', { starts_at: '2028-06-01T00:00:00Z' }, context)
    assert.match(context.warnings[0] ?? '', /^starts_at is far ahead: .* 2028/)
  })

  it('collects DST warnings for starts_at and ends_at', () => {
    const context = ctx({ timezone: 'America/New_York' })
    buildInterval('1h', { starts_at: '2027-03-14T02:30', ends_at: '2027-11-07T01:30' }, context)
    assert.equal(context.warnings.length, 2)
    assert.match(context.warnings[0] ?? '', /^starts_at .* does not exist/)
    assert.match(context.warnings[1] ?? '', /^ends_at .* happens twice/)
  })
})

describe('buildCron', () => {
  it('stores the first tick at or after now as startsAt', () => {
    assert.deepEqual(buildCron('0 9 * * MON-FRI', {}, ctx({ timezone: 'Europe/Berlin' })), {
      kind: 'cron',
      expression: '0 9 * * MON-FRI',
      timezone: 'Europe/Berlin',
      startsAt: '2026-11-30T08:00:00.000Z',
      endsAt: null,
      maxRuns: null,
    })
  })

  it('counts a tick exactly at now as the first run', () => {
    assert.equal(buildCron('0 12 * * *', {}, ctx()).startsAt, '2026-11-27T12:00:00.000Z')
  })

  it('starts at the first tick at or after a future starts_at', () => {
    const schedule = buildCron('0 9 * * *', { starts_at: '2026-12-10T09:00:00Z' }, ctx())
    assert.equal(schedule.startsAt, '2026-12-10T09:00:00.000Z')
  })

  it('starts from now and warns for a past starts_at', () => {
    const context = ctx()
    const schedule = buildCron('0 9 * * *', { starts_at: '2026-11-01T00:00:00Z' }, context)
    assert.equal(schedule.startsAt, '2026-11-28T09:00:00.000Z')
    assert.match(context.warnings[0] ?? '', /in the past/)
  })

  it('rejects a cron with no tick before ends_at on field ends_at', () => {
    const error = catchFieldError(() =>
      buildCron('0 9 1 1 *', { ends_at: '2026-12-31T00:00:00Z' }, ctx()),
    )
    assert.equal(error.field, 'ends_at')
    assert.match(error.message, /before the first run 2027-01-01T09:00:00\+00:00/)
  })

  it('allows a cron with no tick before ends_at in preview mode', () => {
    const schedule = buildCron(
      '0 9 1 1 *',
      { ends_at: '2026-12-31T00:00:00Z' },
      ctx({ preview: true }),
    )
    assert.equal(schedule.startsAt, '2027-01-01T09:00:00.000Z')
  })

  it('rejects a cron that ticks more often than the minimum interval', () => {
    const error = catchFieldError(() => buildCron('*/30 * * * * *', {}, ctx()))
    assert.equal(error.field, 'cron')
    assert.match(
      error.message,
      /every 30 seconds, more often than the minimum interval of 1 minute/,
    )
    assert.match(error.hint, /cron: "\*\/15 \* \* \* \*"/)
  })

  it('accepts a seconds cron when the minimum interval allows it', () => {
    const schedule = buildCron('*/30 * * * * *', {}, ctx({ minIntervalMs: 10_000 }))
    assert.equal(schedule.startsAt, '2026-11-27T12:00:00.000Z')
  })

  it('rejects ends_at before starts_at for cron too', () => {
    const input: CleanInput = { starts_at: '2026-12-02T00:00:00Z', ends_at: '2026-12-01T00:00:00Z' }
    assert.equal(catchFieldError(() => buildCron('0 9 * * *', input, ctx())).field, 'ends_at')
  })

  it('reports invalid expressions on field cron', () => {
    assert.equal(catchFieldError(() => buildCron('0 25 * * *', {}, ctx())).field, 'cron')
  })
})
