import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { header, sleep } from '../../helpers/engine-wait.ts'
import { startTestScheduler, type TestScheduler } from '../../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts'

let planner: TestScheduler
let receiver: WebhookReceiver

before(async () => {
  // A replica that plans but runs nothing: as if every worker were down.
  planner = await startTestScheduler('engine_catch_up', { env: { WORKERS_ENABLED: 'false' } })
  receiver = await startWebhookReceiver()
})
after(async () => {
  await planner.close()
  await receiver.close()
})

describe('runs missed while no worker was up', () => {
  it('are coalesced into one late run, after which the schedule continues on its rhythm', async () => {
    const { job } = await planner.runtime.service.createJob(
      'webhook',
      { name: 'every second', every: '1s', url: `${receiver.url}/tick`, max_runs: 10 },
      { name: 'tests' },
    )
    const firstDue = new Date(job.next_run_at ?? '').getTime()
    // Three more occurrences fall due while nothing runs.
    await sleep(Math.max(0, firstDue - Date.now()) + 3_300)
    const worker = await startTestScheduler('engine_catch_up_worker', {
      database: planner.database,
    })
    try {
      await receiver.waitFor(3, 6_000)
      const [late, second, third] = receiver.requests
      assert.ok(late && second && third)
      // The missed occurrence runs once, late; the next ones keep the 1 s rhythm from the start.
      assert.equal(header(late, 'x-occurrence-at'), new Date(firstDue).toISOString())
      const secondDue = new Date(header(second, 'x-occurrence-at')).getTime()
      const thirdDue = new Date(header(third, 'x-occurrence-at')).getTime()
      assert.ok(secondDue > late.at - 50, 'the next run is not another missed one')
      assert.equal((secondDue - firstDue) % 1_000, 0, 'still anchored on the first run')
      assert.equal(thirdDue - secondDue, 1_000)
      assert.ok(second.at - late.at > 200, 'no burst of catch-up calls')
    } finally {
      await worker.close()
    }
  })
})
