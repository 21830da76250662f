import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import type { ClaimedAttempt } from '../../../src/scheduler/engine/claim.ts'
import type { DeliverySettings } from '../../../src/scheduler/engine/occurrences.ts'
import { createWakeTimer, earliestPlannedRerun } from '../../../src/scheduler/engine/wake-timer.ts'
import type { ExecutionOutcome } from '../../../src/scheduler/repository/executions.ts'
import { createFixedClock } from '../../../src/time/clock.ts'

const T0 = new Date('2026-12-01T12:00:00.000Z')
/** planNextWake is not used here (the engine timing tests cover it against pg-boss's table). */
const NO_DATABASE = {
  query: () => Promise.reject(new Error('no database in this test')),
}

/** A timer on mocked setTimeout and a clock moved with it; `fired` lists the clock ms of each wake. */
function timer(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const clock = createFixedClock(T0)
  const fired: number[] = []
  const wakeTimer = createWakeTimer({
    clock,
    db: NO_DATABASE,
    queues: ['occurrence-webhook'],
    pollIntervalMs: 1_000,
    onWake: () => fired.push(clock.now().getTime() - T0.getTime()),
  })
  // A millisecond at a time, so a timer fires with the clock at its own time.
  const advance = (ms: number) => {
    if (ms === 0) t.mock.timers.tick(0)
    for (let i = 0; i < ms; i++) {
      clock.advance(1)
      t.mock.timers.tick(1)
    }
  }
  return { wakeTimer, fired, advance }
}

const at = (ms: number) => new Date(T0.getTime() + ms)

describe('createWakeTimer', () => {
  it('fires at once on start, and not before it', (t) => {
    const { wakeTimer, fired, advance } = timer(t)
    wakeTimer.wake(at(10))
    advance(100)
    assert.deepEqual(fired, [], 'a wake before start does nothing')
    wakeTimer.start()
    advance(0)
    assert.deepEqual(fired, [100])
  })

  it('fires a little after the time asked for, once', (t) => {
    const { wakeTimer, fired, advance } = timer(t)
    wakeTimer.start()
    advance(0)
    fired.length = 0
    wakeTimer.wake(at(50))
    advance(51)
    assert.deepEqual(fired, [], 'not before the due time plus the slack')
    advance(1)
    assert.deepEqual(fired, [52])
    advance(1_000)
    assert.deepEqual(fired, [52])
  })

  it('only ever moves earlier: a later wake never postpones one already set', (t) => {
    const { wakeTimer, fired, advance } = timer(t)
    wakeTimer.start()
    advance(0)
    fired.length = 0
    wakeTimer.wake(at(300))
    wakeTimer.wake(at(100))
    wakeTimer.wake(at(500))
    advance(1_000)
    assert.deepEqual(fired, [102])
  })

  it('fires at once for a time already past', (t) => {
    const { wakeTimer, fired, advance } = timer(t)
    wakeTimer.start()
    advance(0)
    fired.length = 0
    advance(200)
    wakeTimer.wake(at(50))
    advance(0)
    assert.deepEqual(fired, [200])
  })

  it('clears its timer on stop and ignores every wake after it', (t) => {
    const { wakeTimer, fired, advance } = timer(t)
    wakeTimer.start()
    advance(0)
    fired.length = 0
    wakeTimer.wake(at(100))
    wakeTimer.stop()
    wakeTimer.wake(at(150))
    wakeTimer.wake()
    advance(1_000)
    assert.deepEqual(fired, [])
  })
})

const DELIVERY: DeliverySettings = {
  retryDelaySeconds: 5,
  retryDelayMaxSeconds: 600,
  retentionSeconds: 3_600,
}

function finished(attemptNumber: number, maxAttempts: number, outcome: Partial<ExecutionOutcome>) {
  const attempt = {
    attempt: attemptNumber,
    job: { maxAttempts },
    bossJob: { data: {} },
  } as ClaimedAttempt
  return {
    attempt,
    outcome: {
      status: 'failed',
      finishedAt: at(0),
      durationMs: 1,
      requestSummary: {},
      ...outcome,
    } as ExecutionOutcome,
  }
}

describe('earliestPlannedRerun', () => {
  it('is the earliest retry pg-boss may start: retry delay × 2^(attempt − 1) after the finish', () => {
    const batch = [finished(2, 3, {}), finished(1, 3, { finishedAt: at(4_000) })]
    assert.deepEqual(earliestPlannedRerun(batch, DELIVERY), at(9_000))
  })

  it('takes a deferred re-run at its own time', () => {
    const batch = [finished(1, 3, { deferUntil: at(2_500) }), finished(1, 3, {})]
    assert.deepEqual(earliestPlannedRerun(batch, DELIVERY), at(2_500))
  })

  it('is null when the batch planned nothing: successes, final attempts, no-retry failures', () => {
    const batch = [
      finished(1, 3, { status: 'succeeded' }),
      finished(3, 3, {}),
      finished(1, 3, { retryable: false }),
    ]
    assert.equal(earliestPlannedRerun(batch, DELIVERY), null)
  })
})
