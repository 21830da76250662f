import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitUntil } from '../../helpers/engine-wait.ts'
import { startTestScheduler, type TestScheduler } from '../../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts'

let scheduler: TestScheduler
let receiver: WebhookReceiver

before(async () => {
  // Small batches and room, so the two parallel claimers must share the in-flight limit.
  scheduler = await startTestScheduler('engine_in_flight', {
    env: { SCHEDULER_BATCH_SIZE: '3', SCHEDULER_MAX_IN_FLIGHT: '5' },
  })
  receiver = await startWebhookReceiver()
})
after(async () => {
  await scheduler.close()
  await receiver.close()
})

describe('attempts in flight', () => {
  it('never runs more than SCHEDULER_MAX_IN_FLIGHT at once, and runs every occurrence once', async () => {
    let open = 0
    let most = 0
    const server = receiver
    server.respond = () => {
      open += 1
      most = Math.max(most, open)
      setTimeout(() => {
        open -= 1
      }, 150)
      return { status: 200, delayMs: 150 }
    }
    const runAt = new Date(Date.now() + 1_500).toISOString()
    for (let i = 0; i < 24; i++) {
      await scheduler.runtime.service.createJob(
        'webhook',
        { name: `slow ${i}`, run_at: runAt, url: `${receiver.url}/slow/${i}` },
        { name: 'tests' },
      )
    }
    await receiver.waitFor(24, 15_000)
    await waitUntil(
      'every attempt recorded',
      async () => {
        const result = await scheduler.pool.query<{ n: number }>(
          `select count(*)::int as n from job_executions where status = 'succeeded'`,
        )
        return result.rows[0]?.n === 24
      },
      10_000,
    )
    assert.ok(most <= 5, `at most 5 requests were open at once, saw ${most}`)
    assert.ok(most >= 4, `the limit was used, not just one at a time (saw ${most})`)
    const paths = receiver.requests.map((r) => r.path)
    assert.equal(new Set(paths).size, 24)
  })
})
