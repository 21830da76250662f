/**
 * Queuing a callback is part of the transaction that records the run's final attempt: rolled back
 * with it (a crash before commit leaves neither), and queued once however often the hook runs for
 * the same execution (a retried recording, the sweeper racing the recorder).
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { withTransaction } from '../../src/db/pool.ts'
import { CALLBACK_QUEUE } from '../../src/outcomes/index.ts'
import type { FinishedAttempt } from '../../src/scheduler/engine/index.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

let scheduler: TestScheduler

before(async () => {
  // No worker: queued callbacks stay in the queue to be counted.
  scheduler = await startTestScheduler('callback_queue', { env: { WORKERS_ENABLED: 'false' } })
})
after(async () => {
  await scheduler?.close()
})

function finished(jobId: string, executionId: string, status: 'succeeded' | 'failed', attempt = 1) {
  return {
    attempt: {
      attempt,
      executionId,
      manual: false,
      job: { id: jobId, maxAttempts: 2 },
      bossJob: { data: {} },
    },
    outcome: { status, finishedAt: new Date(), durationMs: 1, requestSummary: {} },
  } as unknown as FinishedAttempt
}

async function queued(executionId: string): Promise<number> {
  const result = await scheduler.pool.query(
    `select count(*)::int as n from pgboss.job where name = $1 and data->>'execution_id' = $2`,
    [CALLBACK_QUEUE, executionId],
  )
  return result.rows[0].n
}

describe('queueing callbacks', () => {
  it('commits with the recording transaction, once, and only for final attempts that match', async () => {
    const { job } = await scheduler.runtime.service.createJob(
      'webhook',
      {
        name: 'queued',
        delay: '1h',
        url: 'http://127.0.0.1:9/x',
        callback_url: 'http://127.0.0.1:9/cb',
        callback_on: 'failure',
      },
      { name: 'tests' },
    )
    const callbacks = scheduler.runtime.callbacks
    const execution = randomUUID()
    await assert.rejects(
      withTransaction(scheduler.pool, async (tx) => {
        await callbacks.onRecording(tx, [finished(job.id, execution, 'failed', 2)])
        throw new Error('crash before commit')
      }),
    )
    assert.equal(await queued(execution), 0)
    for (let i = 0; i < 2; i++) {
      await withTransaction(scheduler.pool, (tx) =>
        callbacks.onRecording(tx, [finished(job.id, execution, 'failed', 2)]),
      )
    }
    assert.equal(await queued(execution), 1)
    // Not final (attempt 1 of 2, a retry follows), or not wanted (a success with callback_on failure).
    const early = randomUUID()
    const success = randomUUID()
    await withTransaction(scheduler.pool, (tx) =>
      callbacks.onRecording(tx, [
        finished(job.id, early, 'failed', 1),
        finished(job.id, success, 'succeeded', 1),
      ]),
    )
    assert.equal(await queued(early), 0)
    assert.equal(await queued(success), 0)
  })
})
