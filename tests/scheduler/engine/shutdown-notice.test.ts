import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createShutdownNotice } from '../../../src/scheduler/engine/run-attempt.ts'

describe('createShutdownNotice', () => {
  it('calls every subscribed listener once on abort, and none that unsubscribed', () => {
    const { notice, abort } = createShutdownNotice()
    const calls: string[] = []
    notice.onAbort(() => calls.push('a'))
    const unsubscribe = notice.onAbort(() => calls.push('b'))
    notice.onAbort(() => calls.push('c'))
    unsubscribe()
    assert.equal(notice.aborted, false)
    abort()
    abort()
    assert.equal(notice.aborted, true)
    assert.deepEqual(calls, ['a', 'c'])
  })

  it('lets a listener unsubscribe another while the abort is running', () => {
    const { notice, abort } = createShutdownNotice()
    const calls: string[] = []
    let second: () => void = () => {}
    notice.onAbort(() => {
      calls.push('first')
      second()
    })
    second = notice.onAbort(() => calls.push('second'))
    abort()
    // The listeners were read before any ran, so the second still hears it.
    assert.deepEqual(calls, ['first', 'second'])
  })
})
