import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseTiming, parseTimingForPreview } from '../../../src/scheduler/timing/schedule.ts'
import type { TimingInput, TimingOptions } from '../../../src/scheduler/timing/types.ts'
import { catchFieldError, catchProblem } from './problem.ts'

const options: TimingOptions = {
  now: new Date('2026-11-27T12:00:00Z'),
  defaultTimezone: 'America/Sao_Paulo',
  minIntervalMs: 60_000,
}

const parse = (input: TimingInput) => parseTiming(input, options)

describe('parseTiming', () => {
  it('builds a once schedule from run_at in the default zone', () => {
    assert.deepEqual(parse({ run_at: '2026-12-01T09:00' }), {
      schedule: {
        kind: 'once',
        runAt: '2026-12-01T12:00:00.000Z',
        timezone: 'America/Sao_Paulo',
        source: 'run_at',
        original: '2026-12-01T09:00',
      },
      warnings: [],
    })
  })

  it('treats a run_at with offset as absolute whatever the zone', () => {
    const { schedule } = parse({ run_at: '2026-12-01T09:00:00Z', timezone: 'Asia/Tokyo' })
    assert.equal(schedule.kind === 'once' && schedule.runAt, '2026-12-01T09:00:00.000Z')
    assert.equal(schedule.timezone, 'Asia/Tokyo')
  })

  it('builds a once schedule from delay', () => {
    const { schedule } = parse({ delay: '1h 30m' })
    assert.equal(schedule.kind === 'once' && schedule.runAt, '2026-11-27T13:30:00.000Z')
    assert.equal(schedule.kind === 'once' && schedule.source, 'delay')
  })

  it('builds an interval schedule from every', () => {
    const { schedule } = parse({ every: '2 hours', max_runs: 3 })
    assert.equal(schedule.kind, 'interval')
    assert.equal(schedule.kind === 'interval' && schedule.startsAt, '2026-11-27T14:00:00.000Z')
    assert.equal(schedule.kind === 'interval' && schedule.maxRuns, 3)
  })

  it('builds a cron schedule in a canonicalised zone', () => {
    const { schedule } = parse({ cron: '0 9 * * MON-FRI', timezone: 'europe/berlin' })
    assert.equal(schedule.kind, 'cron')
    assert.equal(schedule.timezone, 'Europe/Berlin')
    assert.equal(schedule.kind === 'cron' && schedule.startsAt, '2026-11-30T08:00:00.000Z')
  })

  it('accepts Etc/UTC and stores UTC', () => {
    assert.equal(parse({ delay: '1h', timezone: 'Etc/UTC' }).schedule.timezone, 'UTC')
  })

  it('treats null and empty strings as not given', () => {
    const { schedule } = parse({
      run_at: null,
      delay: '',
      every: '15m',
      cron: null,
      timezone: '',
      max_runs: null,
    })
    assert.equal(schedule.kind, 'interval')
    assert.equal(schedule.timezone, 'America/Sao_Paulo')
  })

  it('produces plain JSON that survives a round trip', () => {
    for (const input of [{ run_at: '2026-12-01T09:00' }, { every: '15m' }, { cron: '0 9 * * *' }]) {
      const { schedule } = parse(input)
      assert.deepEqual(JSON.parse(JSON.stringify(schedule)), schedule)
    }
  })

  it('rejects an unknown timezone on field timezone', () => {
    const error = catchFieldError(() => parse({ delay: '1h', timezone: 'Mars/Olympus' }))
    assert.equal(error.field, 'timezone')
    assert.match(error.hint, /America\/Sao_Paulo or Europe\/Berlin/)
  })

  it('rejects a request with no timing', () => {
    assert.equal(catchFieldError(() => parse({ timezone: 'UTC' })).field, 'run_at')
  })

  it('rejects a request with two timings', () => {
    const problem = catchProblem(() => parse({ run_at: '2026-12-01T09:00', cron: '0 9 * * *' }))
    assert.match(problem.detail, /run_at and cron/)
  })

  it('rejects recurring-only fields with delay', () => {
    const error = catchFieldError(() => parse({ delay: '1h', ends_at: '2026-12-01T00:00' }))
    assert.equal(error.field, 'ends_at')
    assert.match(error.message, /every or cron/)
  })

  it('rejects a bad max_runs', () => {
    assert.equal(catchFieldError(() => parse({ every: '1h', max_runs: 0 })).field, 'max_runs')
  })

  it('rejects a past run_at with the current time in the message', () => {
    const error = catchFieldError(() => parse({ run_at: '2026-11-27T08:00' }))
    assert.match(error.message, /2026-11-27T09:00:00-03:00 in America\/Sao_Paulo/)
    assert.match(error.hint, /delay/)
  })

  it('returns DST warnings with the schedule', () => {
    const { schedule, warnings } = parse({
      run_at: '2027-11-07T01:30',
      timezone: 'America/New_York',
    })
    assert.equal(schedule.kind === 'once' && schedule.runAt, '2027-11-07T05:30:00.000Z')
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /happens twice/)
  })

  it('rejects an interval shorter than the configured minimum', () => {
    const error = catchFieldError(() =>
      parseTiming({ every: '5m' }, { ...options, minIntervalMs: 600_000 }),
    )
    assert.match(error.message, /minimum interval of 10 minutes/)
  })

  it('validates the timezone before anything else', () => {
    assert.equal(catchFieldError(() => parse({ timezone: 'Nope' })).field, 'timezone')
  })
})

describe('parseTimingForPreview', () => {
  it('returns a past run_at instead of throwing', () => {
    const { schedule } = parseTimingForPreview({ run_at: '2026-11-27T08:00' }, options)
    assert.equal(schedule.kind === 'once' && schedule.runAt, '2026-11-27T11:00:00.000Z')
  })

  it('returns an interval that ends before its first run', () => {
    const { schedule } = parseTimingForPreview(
      { every: '1h', ends_at: '2026-11-27T09:30' },
      options,
    )
    assert.equal(schedule.kind === 'interval' && schedule.endsAt, '2026-11-27T12:30:00.000Z')
  })

  it('still throws for syntax errors', () => {
    assert.equal(
      catchFieldError(() => parseTimingForPreview({ delay: 'soon' }, options)).field,
      'delay',
    )
  })
})
