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
    assert.match(error.message, /in the past/)
    assert.match(error.message, /2026-11-27T12:00:00\.000Z \(UTC\)/)
    assert.match(error.message, /2026-11-27T09:00:00-03:00 in America\/Sao_Paulo/)
    assert.match(error.hint, /delay: "10m"/)
  })

  it('returns a past run_at in preview mode instead of throwing', () => {
    const schedule = buildRunAt('2026-11-27T08:00', ctx({ preview: true }))
    assert.equal(schedule.runAt, '2026-11-27T11:00:00.000Z')
  })

  it('rejects a run_at more than 366 days ahead even in preview mode', () => {
    const error = catchFieldError(() => buildRunAt('2028-01-01T00:00:00Z', ctx({ preview: true })))
    assert.equal(error.field, 'run_at')
    assert.match(error.message, /366 days/)
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

  it('accepts exactly 366 days', () => {
    assert.equal(buildDelay('366d', ctx()).runAt, '2027-11-28T12:00:00.000Z')
  })

  it('rejects a delay longer than 366 days', () => {
    const error = catchFieldError(() => buildDelay('367 days', ctx()))
    assert.equal(error.field, 'delay')
    assert.match(error.message, /366 days/)
    assert.match(error.hint, /run_at/)
  })

  it('rejects a bare number with a unit hint', () => {
    const error = catchFieldError(() => buildDelay('30', ctx()))
    assert.equal(error.field, 'delay')
    assert.match(error.hint, /"30m"/)
  })
})
