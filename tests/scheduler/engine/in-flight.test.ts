import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitUntil } from '../../helpers/engine-wait.ts'
import { startTestScheduler, type TestScheduler } from '../../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts'

let scheduler: TestScheduler
let receiver: WebhookReceiver

before(async () => {
  // A batch larger than one launch slice (25) and a limit just above it: the second claimer may only
  // take what is left while the first one is still launching its batch.
  scheduler = await startTestScheduler('engine_in_flight', {
    env: { SCHEDULER_BATCH_SIZE: '40', SCHEDULER_MAX_IN_FLIGHT: '45' },
  })
  receiver = await startWebhookReceiver()
})
after(async () => {
  await scheduler.close()
  await receiver.close()
})

describe('attempts in flight', () => {
  it('never runs more than SCHEDULER_MAX_IN_FLIGHT at once, and runs every occurrence once', async () => {
    const jobs = 120
    let open = 0
    let most = 0
    receiver.respond = () => {
      open += 1
      most = Math.max(most, open)
      setTimeout(() => {
        open -= 1
      }, 300)
      return { status: 200, delayMs: 300 }
    }
    const runAt = new Date(Date.now() + 3_000).toISOString()
    for (let i = 0; i < jobs; i++) {
      await scheduler.runtime.service.createJob(
        'webhook',
        { name: `slow ${i}`, run_at: runAt, url: `${receiver.url}/slow/${i}` },
        { name: 'tests' },
      )
    }
    await receiver.waitFor(jobs, 20_000)
    await waitUntil(
      'every attempt recorded',
      async () => {
        const result = await scheduler.pool.query<{ n: number }>(
          `select count(*)::int as n from job_executions where status = 'succeeded'`,
        )
        return result.rows[0]?.n === jobs
      },
      10_000,
    )
    assert.ok(most <= 45, `at most 45 requests were open at once, saw ${most}`)
    assert.ok(most >= 40, `the limit was used, not one batch at a time (saw ${most})`)
    const paths = receiver.requests.map((r) => r.path)
    assert.equal(new Set(paths).size, jobs)
  })
})
