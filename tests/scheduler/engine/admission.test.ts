import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  createAdmissionRule,
  minimumClaim,
  ROOM_QUIET_MS,
} from '../../../src/scheduler/engine/admission.ts'
import { createFixedClock } from '../../../src/time/clock.ts'

const T0 = new Date('2026-12-01T12:00:00.000Z')
/** Batch 40, limit 45: the minimum claim while attempts run is 24 (60 % of 40). */
const SETTINGS = { batchSize: 40, maxInFlight: 45 }

function rule(settings = SETTINGS) {
  const clock = createFixedClock(T0)
  return { clock, admission: createAdmissionRule(settings, clock) }
}

describe('minimumClaim', () => {
  it('is 60 % of the batch, or of maxInFlight when that is smaller, and at least 1', () => {
    assert.equal(minimumClaim({ batchSize: 500, maxInFlight: 1000 }), 300)
    assert.equal(minimumClaim({ batchSize: 500, maxInFlight: 100 }), 60)
    assert.equal(minimumClaim({ batchSize: 40, maxInFlight: 45 }), 24)
    assert.equal(minimumClaim({ batchSize: 1, maxInFlight: 1 }), 1)
  })
})

describe('createAdmissionRule', () => {
  it('claims a whole batch when nothing is running', () => {
    const { admission } = rule()
    assert.deepEqual(admission.decide(0), { kind: 'claim', size: 40 })
  })

  it('claims only the slots left under maxInFlight', () => {
    const { admission } = rule()
    assert.deepEqual(admission.decide(10), { kind: 'claim', size: 35 })
  })

  it('answers full when every slot is in use, running or reserved', () => {
    const { admission } = rule()
    assert.deepEqual(admission.decide(45), { kind: 'full' })
    assert.deepEqual(admission.decide(50), { kind: 'full' })
  })

  it('waits for a worthwhile batch while attempts keep finishing, and looks again after the quiet time', () => {
    const { clock, admission } = rule()
    admission.noteProgress()
    clock.advance(30)
    assert.deepEqual(admission.decide(30), {
      kind: 'wait',
      recheckAt: new Date(T0.getTime() + 30 + ROOM_QUIET_MS),
    })
  })

  it('claims the few free slots when no attempt has finished and no batch was claimed', () => {
    const { admission } = rule()
    assert.deepEqual(admission.decide(30), { kind: 'claim', size: 15 })
  })

  it('claims the few free slots once nothing has progressed for the quiet time', () => {
    const { clock, admission } = rule()
    admission.noteProgress()
    clock.advance(10)
    assert.equal(admission.decide(30).kind, 'wait')
    clock.advance(ROOM_QUIET_MS - 10)
    assert.equal(admission.decide(30).kind, 'wait', 'still within the quiet time')
    clock.advance(1)
    assert.deepEqual(admission.decide(30), { kind: 'claim', size: 15 })
  })

  it('counts progress made since it last looked, however long ago (a loop run late on a starved machine)', () => {
    const { clock, admission } = rule()
    admission.noteProgress()
    clock.advance(5 * ROOM_QUIET_MS)
    assert.equal(admission.decide(30).kind, 'wait', 'the finish that woke the loop counts')
    assert.deepEqual(
      admission.decide(30),
      { kind: 'claim', size: 15 },
      'a second look with nothing new claims',
    )
  })

  it('never waits while nothing is running or reserved, however small the room', () => {
    const { admission } = rule({ batchSize: 40, maxInFlight: 10 })
    admission.noteProgress()
    assert.deepEqual(admission.decide(0), { kind: 'claim', size: 10 })
  })

  it('claims at once when the room is at least the minimum, progress or not', () => {
    const { admission } = rule()
    admission.noteProgress()
    assert.deepEqual(admission.decide(21), { kind: 'claim', size: 24 })
  })
})
