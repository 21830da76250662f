import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  everyPhrase,
  formatDurationExact,
  humanizeDuration,
  relativePhrase,
} from '../../../src/scheduler/timing/humanize.ts'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

describe('humanizeDuration', () => {
  it('shows hours and minutes', () => {
    assert.equal(humanizeDuration(2 * H + 5 * M), '2 hours 5 minutes')
  })

  it('shows seconds alone under a minute', () => {
    assert.equal(humanizeDuration(45 * S), '45 seconds')
  })

  it('shows days and hours', () => {
    assert.equal(humanizeDuration(3 * D + 4 * H), '3 days 4 hours')
  })

  it('keeps at most two units and truncates the rest', () => {
    assert.equal(humanizeDuration(3 * D + 4 * H + 59 * M), '3 days 4 hours')
  })

  it('drops the second unit when it is zero rather than skipping to a smaller one', () => {
    assert.equal(humanizeDuration(D + 5 * M), '1 day')
  })

  it('uses singular unit names for one', () => {
    assert.equal(humanizeDuration(H + M), '1 hour 1 minute')
    assert.equal(humanizeDuration(S), '1 second')
  })

  it('ignores the sign', () => {
    assert.equal(humanizeDuration(-90 * S), '1 minute 30 seconds')
  })

  it('rounds to whole seconds and says 0 seconds for nothing', () => {
    assert.equal(humanizeDuration(0), '0 seconds')
    assert.equal(humanizeDuration(400), '0 seconds')
    assert.equal(humanizeDuration(59_600), '1 minute')
  })
})

describe('formatDurationExact', () => {
  it('lists every non-zero unit', () => {
    assert.equal(
      formatDurationExact(D + 2 * H + 3 * M + 4 * S),
      '1 day 2 hours 3 minutes 4 seconds',
    )
  })

  it('uses weeks for whole weeks', () => {
    assert.equal(formatDurationExact(14 * D), '2 weeks')
    assert.equal(formatDurationExact(8 * D), '8 days')
  })

  it('says 15 minutes for a quarter hour', () => {
    assert.equal(formatDurationExact(15 * M), '15 minutes')
  })
})

describe('everyPhrase', () => {
  it('drops the 1 for a single unit', () => {
    assert.equal(everyPhrase(H), 'hour')
    assert.equal(everyPhrase(7 * D), 'week')
  })

  it('keeps numbers for other amounts', () => {
    assert.equal(everyPhrase(15 * M), '15 minutes')
    assert.equal(everyPhrase(H + 30 * M), '1 hour 30 minutes')
  })
})

describe('relativePhrase', () => {
  const now = new Date('2026-11-27T12:00:00Z')

  it('says in … for the future', () => {
    assert.equal(relativePhrase(new Date('2026-11-27T14:05:00Z'), now), 'in 2 hours 5 minutes')
  })

  it('says … ago for the past', () => {
    assert.equal(relativePhrase(new Date('2026-11-27T11:55:00Z'), now), '5 minutes ago')
  })

  it('says now within a second', () => {
    assert.equal(relativePhrase(new Date('2026-11-27T12:00:00.500Z'), now), 'now')
  })
})
