/**
 * A claimed batch is launched in slices while the next claim proceeds (dispatcher.ts). Stopping the
 * engine in the middle of such a launch must still start every claimed attempt and wait for it: the
 * claim is committed, so an attempt left unlaunched would sit `running` until pg-boss's expiry.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createWebhookJobs,
  startTestScheduler,
  type TestScheduler,
} from '../../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts'

let scheduler: TestScheduler
let receiver: WebhookReceiver

before(async () => {
  // One claim of 500 is launched in twenty slices of 25, one event-loop turn apart.
  scheduler = await startTestScheduler('engine_shutdown_launch', {
    env: { SCHEDULER_BATCH_SIZE: '500', SCHEDULER_MAX_IN_FLIGHT: '500' },
  })
  receiver = await startWebhookReceiver()
})
after(async () => {
  await scheduler.close()
  await receiver.close()
})

describe('engine stop during a launch', () => {
  it('starts every claimed attempt, waits for it and leaves nothing running', async () => {
    const jobs = 500
    // Stop as the first request arrives: the first slice is out, most of the others are not yet.
    // (Usually the pass that claimed the batch has ended by then, so only the wait for the launches
    // keeps stop() from returning early.)
    let stopped: Promise<void> | undefined
    let stoppedWhenSeen = -1
    receiver.respond = (_req, index) => {
      if (index === 0) {
        stoppedWhenSeen = receiver.requests.length
        stopped = scheduler.runtime.engine.stop(10_000)
      }
      return { status: 200, body: '{"ok":true}', delayMs: 50 }
    }
    const runAt = new Date(Date.now() + 3_000).toISOString()
    const ids = await createWebhookJobs(
      scheduler,
      jobs,
      runAt,
      (i) => `${receiver.url}/launch/${i}`,
    )
    const deadline = Date.now() + 15_000
    while (!stopped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    assert.ok(stopped, 'the first request arrived')
    await stopped
    assert.ok(
      stoppedWhenSeen < jobs,
      `stop began before every request was sent (${stoppedWhenSeen})`,
    )

    const rows = await scheduler.pool.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from job_executions where job_id = any($1::uuid[])
       group by status order by status`,
      [ids],
    )
    const claimed = rows.rows.reduce((sum, r) => sum + r.n, 0)
    assert.ok(claimed > 25, `a whole batch was claimed before the stop (${claimed})`)
    assert.deepEqual(rows.rows, [{ status: 'succeeded', n: claimed }])
    assert.equal(receiver.requests.length, claimed)
  })
})
