import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkMaxRuns,
  checkRecurringOnly,
  cleanInput,
  pickMode,
} from '../../../src/scheduler/timing/input.ts'
import type { TimingInput } from '../../../src/scheduler/timing/types.ts'
import { catchFieldError, catchProblem } from './problem.ts'

/** Examples in hints are computed from this instant (a Monday). */
const clock = { now: new Date('2026-12-07T12:00:00Z'), timezone: 'America/Sao_Paulo' }

describe('cleanInput', () => {
  it('drops missing, null, empty and blank fields and trims the rest', () => {
    const clean = cleanInput(
      {
        run_at: null,
        delay: '',
        every: '   ',
        cron: ' 0 9 * * * ',
        timezone: undefined,
      },
      clock,
    )
    assert.deepEqual(clean, { cron: '0 9 * * *' })
  })

  it('treats an empty-string max_runs as not given', () => {
    assert.deepEqual(cleanInput({ max_runs: '' as unknown as number }, clock), {})
  })

  it('rejects a non-string timing value', () => {
    const error = catchFieldError(() =>
      cleanInput({ run_at: 1_700_000_000 } as unknown as TimingInput, clock),
    )
    assert.equal(error.field, 'run_at')
    assert.match(error.message, /must be a string/)
    assert.match(error.hint, /run_at: "2026-12-08T09:00"/)
  })
})

describe('checkMaxRuns', () => {
  it('accepts positive integers', () => {
    assert.equal(checkMaxRuns(1), 1)
    assert.equal(checkMaxRuns(10), 10)
  })

  it('rejects zero, negatives, fractions and strings', () => {
    for (const value of [0, -1, 1.5, '3', Number.NaN]) {
      const error = catchFieldError(() => checkMaxRuns(value))
      assert.equal(error.field, 'max_runs')
      assert.match(error.hint, /max_runs: 10/)
    }
  })
})

describe('pickMode', () => {
  it('returns the single timing field given', () => {
    assert.equal(pickMode({ run_at: 'x' }, clock), 'run_at')
    assert.equal(pickMode({ delay: 'x' }, clock), 'delay')
    assert.equal(pickMode({ every: 'x' }, clock), 'every')
    assert.equal(pickMode({ cron: 'x' }, clock), 'cron')
  })

  it('rejects no timing on run_at with examples computed from now and says to ask the user', () => {
    const error = catchFieldError(() => pickMode({ timezone: 'UTC' }, clock))
    assert.equal(error.field, 'run_at')
    assert.match(
      error.hint,
      /run_at for a date and time \(e\.g\. "2026-12-08T09:00", read in timezone America\/Sao_Paulo\)/,
    )
    assert.match(error.hint, /ask them rather than guessing/)
    assert.match(error.hint, /delay for "in …" \(e\.g\. "15m"\)/)
    assert.match(error.hint, /every for a fixed interval \(e\.g\. "1h"\)/)
    assert.match(error.hint, /cron for fixed times \(e\.g\. "0 9 \* \* MON-FRI"\)/)
  })

  it('rejects two timing fields naming both and asking to keep one', () => {
    const problem = catchProblem(() => pickMode({ run_at: 'x', delay: '10m' }, clock))
    assert.deepEqual(
      problem.errors?.map((e) => e.field),
      ['run_at', 'delay'],
    )
    assert.match(problem.detail, /got run_at and delay/)
    assert.match(problem.errors?.[0]?.hint ?? '', /Keep only one of run_at and delay/)
  })

  it('names all fields when three are given', () => {
    const problem = catchProblem(() =>
      pickMode({ delay: '1m', every: '1h', cron: '* * * * *' }, clock),
    )
    assert.match(problem.detail, /delay, every and cron/)
  })
})

describe('checkRecurringOnly', () => {
  it('allows starts_at, ends_at and max_runs for every and cron', () => {
    const input = { starts_at: 'a', ends_at: 'b', max_runs: 2 }
    assert.doesNotThrow(() => checkRecurringOnly('every', input))
    assert.doesNotThrow(() => checkRecurringOnly('cron', input))
  })

  it('rejects them for run_at and delay, one error per field', () => {
    const problem = catchProblem(() => checkRecurringOnly('run_at', { ends_at: 'b', max_runs: 2 }))
    assert.deepEqual(
      problem.errors?.map((e) => e.field),
      ['ends_at', 'max_runs'],
    )
    assert.match(problem.detail, /ends_at and max_runs apply only to every or cron/)
    const single = catchProblem(() => checkRecurringOnly('delay', { starts_at: 'a' }))
    assert.match(single.detail, /^starts_at applies only to every or cron/)
    assert.match(
      single.errors?.[0]?.message ?? '',
      /applies only to recurring schedules \(every or cron\)/,
    )
  })
})
