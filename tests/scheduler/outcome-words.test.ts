import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  describeAttempt,
  describeLastRun,
  formatElapsed,
} from '../../src/scheduler/outcome-words.ts'
import type { ExecutionRecord } from '../../src/scheduler/repository/executions.ts'

const job = { timezone: 'America/Sao_Paulo', maxAttempts: 3, actionKind: 'webhook' }
const due = new Date('2026-12-08T12:00:00Z')

function execution(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    jobId: '00000000-0000-4000-8000-000000000002',
    bossJobId: '00000000-0000-4000-8000-000000000001',
    occurrenceAt: due,
    manual: false,
    attempt: 1,
    status: 'succeeded',
    startedAt: new Date(due.getTime() + 12),
    finishedAt: new Date(due.getTime() + 97),
    latenessMs: 12,
    durationMs: 85,
    requestSummary: null,
    responseStatus: 200,
    responseHeaders: null,
    responseBody: null,
    responseTruncated: false,
    output: null,
    errorClass: null,
    errorMessage: null,
    reportsExecutionId: null,
    ...overrides,
  }
}

describe('describeAttempt', () => {
  it('tells when a run happened in the job zone, how late, and what the target answered', () => {
    assert.equal(
      describeAttempt(execution(), job),
      'Ran Tue 8 Dec 2026 at 09:00 (America/Sao_Paulo), 12 ms late; the URL answered HTTP 200 in 85 ms.',
    )
  })

  it('says a failed attempt will be retried, with the error', () => {
    const failed = execution({
      status: 'failed',
      responseStatus: 503,
      durationMs: 1500,
      errorClass: 'http_status',
      errorMessage: 'The URL answered HTTP 503.',
    })
    assert.equal(
      describeAttempt(failed, job),
      'Attempt 1 of 3 for the run due Tue 8 Dec 2026 at 09:00 (America/Sao_Paulo) failed after 1.5 s (HTTP 503) with http_status: The URL answered HTTP 503. Attempt 2 of 3 follows.',
    )
  })

  it('says when the last attempt failed, and when a failure is never retried', () => {
    const last = execution({
      status: 'failed',
      attempt: 3,
      errorClass: 'timeout',
      errorMessage: 'timed out',
    })
    assert.match(describeAttempt(last, job), /timeout: timed out\. That was the last attempt\.$/)
    const blocked = execution({
      status: 'failed',
      errorClass: 'blocked',
      errorMessage: 'private address',
    })
    assert.match(describeAttempt(blocked, job), /It is not retried automatically\.$/)
  })

  it('describes running, manual and deferred attempts', () => {
    assert.match(
      describeAttempt(execution({ status: 'running', finishedAt: null, durationMs: null }), job),
      /^Started Tue 8 Dec 2026 at 09:00 \(America\/Sao_Paulo\) \(attempt 1 of 3 for the run due .*, 12 ms late\) and is still running\.$/,
    )
    assert.match(describeAttempt(execution({ manual: true }), job), /^Ran on request Tue 8 Dec/)
    const deferred = execution({
      status: 'failed',
      errorClass: 'deferred',
      errorMessage: 'Waiting for a WhatsApp send slot at 2026-12-08T12:00:10.000Z.',
    })
    assert.match(
      describeAttempt(deferred, { ...job, actionKind: 'whatsapp' }),
      /was deferred: Waiting/,
    )
  })

  it('names a later successful attempt and times beyond a minute', () => {
    const retried = execution({
      attempt: 2,
      startedAt: new Date(due.getTime() + 65_000),
      durationMs: 61_000,
    })
    assert.match(
      describeAttempt(retried, job),
      /^Attempt 2 of 3 for the run due Tue 8 Dec 2026 at 09:00 \(America\/Sao_Paulo\) succeeded at Tue 8 Dec 2026 at 09:01:05 .* in 1 minute 1 second\.$/,
    )
    assert.equal(formatElapsed(999), '999 ms')
    assert.equal(formatElapsed(12_400), '12 s')
  })
})

describe('describeLastRun', () => {
  it('gives the reason a run failed: attempt, error class and message', () => {
    const last = {
      id: 'x',
      status: 'failed',
      attempt: 1,
      occurrenceAt: due,
      finishedAt: due,
      responseStatus: null,
      errorClass: 'blocked',
      errorMessage: 'The address is private.',
    }
    assert.equal(
      describeLastRun(last, job),
      'the run due Tue 8 Dec 2026 at 09:00 (America/Sao_Paulo) failed on attempt 1 of 3 and was not retried with blocked: The address is private.',
    )
  })
})
