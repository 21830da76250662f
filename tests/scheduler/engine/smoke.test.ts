import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestScheduler, type TestScheduler } from '../../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts'

let scheduler: TestScheduler
let receiver: WebhookReceiver

before(async () => {
  scheduler = await startTestScheduler('engine_smoke')
  receiver = await startWebhookReceiver()
})
after(async () => {
  await scheduler.close()
  await receiver.close()
})

describe('engine smoke', () => {
  it('fires a delayed webhook once, on time, and records it', async () => {
    const created = await scheduler.runtime.service.createJob(
      'webhook',
      { name: 'ping', delay: '2s', url: `${receiver.url}/hook`, body: '{"a":1}' },
      { name: 'tests' },
    )
    const [request] = await receiver.waitFor(1, 8_000)
    const due = new Date(created.job.next_run_at ?? '').getTime()
    assert.ok(request)
    assert.equal(request.headers['x-job-id'], created.job.id)
    assert.equal(request.body, '{"a":1}')
    console.log('lateness ms', request.at - due)
    await new Promise((r) => setTimeout(r, 500))
    const job = await scheduler.runtime.service.getJob(created.job.id)
    assert.equal(job.job.status, 'completed')
    const list = await scheduler.runtime.service.listExecutions(created.job.id, {})
    assert.equal(list.executions.length, 1)
    console.log(list.executions[0])
  })
})
