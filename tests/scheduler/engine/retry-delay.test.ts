import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { earliestRetryDelayMs } from '../../../src/scheduler/engine/occurrences.ts'

const settings = {
  retryDelaySeconds: 5,
  retryDelayMaxSeconds: 600,
  retentionSeconds: 3_600,
}

describe('earliestRetryDelayMs', () => {
  it('doubles from the retry delay with each failed attempt', () => {
    assert.equal(earliestRetryDelayMs(1, settings), 5_000)
    assert.equal(earliestRetryDelayMs(2, settings), 10_000)
    assert.equal(earliestRetryDelayMs(3, settings), 20_000)
  })

  it('stops at the maximum delay', () => {
    assert.equal(earliestRetryDelayMs(10, settings), 600_000)
    assert.equal(earliestRetryDelayMs(40, settings), 600_000)
  })

  it('counts a retry delay below one second as one second, as pg-boss does', () => {
    assert.equal(earliestRetryDelayMs(1, { ...settings, retryDelaySeconds: 0 }), 1_000)
  })
})
