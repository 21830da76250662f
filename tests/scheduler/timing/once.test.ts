import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { BuildContext } from '../../../src/scheduler/timing/context.ts'
import { buildDelay, buildRunAt } from '../../../src/scheduler/timing/once.ts'
import { catchFieldError } from './problem.ts'

const now = new Date('2026-11-27T12:00:00Z')

function ctx(overrides: Partial<BuildContext> = {}): BuildContext {
  return {
    now,
    timezone: 'America/Sao_Paulo',
    minIntervalMs: 60_000,
    preview: false,
    warnings: [],
    ...overrides,
  }
}

describe('buildRunAt', () => {
  it('stores an absolute run_at in UTC with its zone and original text', () => {
    assert.deepEqual(buildRunAt('2026-12-01T09:00:00+01:00', ctx()), {
      kind: 'once',
      runAt: '2026-12-01T08:00:00.000Z',
      timezone: 'America/Sao_Paulo',
      source: 'run_at',
      original: '2026-12-01T09:00:00+01:00',
    })
  })

  it('reads a run_at without offset in the schedule zone', () => {
    assert.equal(buildRunAt('2026-12-01T09:00', ctx()).runAt, '2026-12-01T12:00:00.000Z')
  })

  it('accepts a run_at within the one-second tolerance', () => {
    assert.equal(buildRunAt('2026-11-27T11:59:59.500Z', ctx()).runAt, '2026-11-27T11:59:59.500Z')
  })

  it('rejects a past run_at showing now in UTC and in the zone and suggesting delay', () => {
    const error = catchFieldError(() => buildRunAt('2026-11-27T08:00', ctx()))
    assert.equal(error.field, 'run_at')
    assert.match(error.message, /in the past \(1 hour ago\)/)
    assert.match(error.message, /2026-11-27T12:00:00\.000Z \(UTC\)/)
    assert.match(error.message, /2026-11-27T09:00:00-03:00 in America\/Sao_Paulo/)
    assert.match(error.hint, /run_at: "2026-11-28T09:00"/)
    assert.match(error.hint, /delay: "10m"/)
    assert.doesNotMatch(error.hint, /next 27 November/)
  })

  it('suggests the same day next year for a run_at in a past year', () => {
    const error = catchFieldError(() => buildRunAt('2025-12-08T09:00', ctx()))
    assert.match(
      error.hint,
      /If the user meant the next 8 December, send run_at "2026-12-08T09:00"/,
    )
  })

  it('returns a past run_at in preview mode instead of throwing', () => {
    const schedule = buildRunAt('2026-11-27T08:00', ctx({ preview: true }))
    assert.equal(schedule.runAt, '2026-11-27T11:00:00.000Z')
  })

  // Former defect (issue 14): anything past 366 days was refused ("renew the domain in two years").
  it('accepts a run_at two years ahead with a warning to check the year', () => {
    const context = ctx()
    const schedule = buildRunAt('2028-11-27T09:00', context)
    assert.equal(schedule.runAt, '2028-11-27T12:00:00.000Z')
    assert.equal(context.warnings.length, 1)
    assert.match(
      context.warnings[0] ?? '',
      /^run_at is far ahead: Mon 27 Nov 2028 at 09:00 \(America\/Sao_Paulo\), in about 2 years/,
    )
  })

  it('rejects a run_at beyond the horizon even in preview mode, naming the limit', () => {
    const error = catchFieldError(() => buildRunAt('2037-01-01T00:00:00Z', ctx({ preview: true })))
    assert.equal(error.field, 'run_at')
    assert.match(error.message, /more than 3650 days \(about 10 years\) ahead/)
    const short = catchFieldError(() =>
      buildRunAt('2028-01-01T00:00:00Z', ctx({ maxAheadMs: 366 * 86_400_000 })),
    )
    assert.match(short.message, /more than 366 days ahead/)
  })

  it('records a DST warning for a wall time in a gap', () => {
    const context = ctx({ timezone: 'America/New_York' })
    const schedule = buildRunAt('2027-03-14T02:30', context)
    assert.equal(schedule.runAt, '2027-03-14T07:30:00.000Z')
    assert.equal(context.warnings.length, 1)
    assert.match(context.warnings[0] ?? '', /does not exist/)
  })
})

describe('buildDelay', () => {
  it('adds the delay to now', () => {
    assert.deepEqual(buildDelay('in 2 hours', ctx()), {
      kind: 'once',
      runAt: '2026-11-27T14:00:00.000Z',
      timezone: 'America/Sao_Paulo',
      source: 'delay',
      original: 'in 2 hours',
    })
  })

  it('accepts a delay of exactly the horizon, with the far-ahead warning', () => {
    const context = ctx({ maxAheadMs: 400 * 86_400_000 })
    assert.equal(buildDelay('400d', context).runAt, '2028-01-01T12:00:00.000Z')
    assert.match(context.warnings[0] ?? '', /^delay is far ahead/)
  })

  it('rejects a delay longer than the horizon', () => {
    const error = catchFieldError(() =>
      buildDelay('367 days', ctx({ maxAheadMs: 366 * 86_400_000 })),
    )
    assert.equal(error.field, 'delay')
    assert.match(error.message, /366 days/)
    assert.match(error.hint, /run_at/)
  })

  it('takes the phrasing every takes ("half an hour", "15 minutes from now")', () => {
    assert.equal(buildDelay('half an hour', ctx()).runAt, '2026-11-27T12:30:00.000Z')
    assert.equal(buildDelay('15 minutes from now', ctx()).runAt, '2026-11-27T12:15:00.000Z')
  })

  it('rejects a bare number with a unit hint', () => {
    const error = catchFieldError(() => buildDelay('30', ctx()))
    assert.equal(error.field, 'delay')
    assert.match(error.hint, /"30m"/)
  })
})
