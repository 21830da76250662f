import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type BuildContext,
  bothClocks,
  checkNotTooFar,
  PAST_TOLERANCE_MS,
} from '../../../src/scheduler/timing/context.ts'
import { catchFieldError } from './problem.ts'

const ctx: BuildContext = {
  now: new Date('2026-11-27T12:00:00Z'),
  timezone: 'America/Sao_Paulo',
  minIntervalMs: 60_000,
  preview: false,
  warnings: [],
}

describe('timing context helpers', () => {
  it('shows an instant in UTC and in the zone', () => {
    assert.equal(
      bothClocks(ctx.now, 'America/Sao_Paulo'),
      '2026-11-27T12:00:00.000Z (UTC), 2026-11-27T09:00:00-03:00 in America/Sao_Paulo',
    )
  })

  it('allows an instant exactly 366 days ahead without a warning', () => {
    const context = { ...ctx, warnings: [] }
    assert.doesNotThrow(() => checkNotTooFar('run_at', new Date('2027-11-28T12:00:00Z'), context))
    assert.deepEqual(context.warnings, [])
  })

  it('warns about an instant more than a year ahead', () => {
    const context = { ...ctx, warnings: [] }
    checkNotTooFar('run_at', new Date('2027-11-28T12:00:01Z'), context)
    assert.match(context.warnings[0] ?? '', /Check the year with the user/)
  })

  it('rejects an instant beyond the horizon, naming the latest allowed time', () => {
    const context = { ...ctx, maxAheadMs: 366 * 86_400_000, warnings: [] }
    const error = catchFieldError(() =>
      checkNotTooFar('starts_at', new Date('2027-11-28T12:00:01Z'), context),
    )
    assert.equal(error.field, 'starts_at')
    assert.match(error.message, /366 days/)
    assert.match(error.message, /2027-11-28T09:00:00-03:00/)
    assert.match(error.hint, /cron/)
    assert.match(error.hint, /run_at: "2027-11-27T09:00"/)
  })

  it('tolerates one second of lateness', () => {
    assert.equal(PAST_TOLERANCE_MS, 1000)
  })
})
