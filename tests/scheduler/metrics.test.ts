import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/time/clock.ts'
import { buildTestApp } from '../helpers/app.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

let scheduler: TestScheduler
let receiver: WebhookReceiver

before(async () => {
  scheduler = await startTestScheduler('scheduler_metrics')
  receiver = await startWebhookReceiver()
})
after(async () => {
  await scheduler.close()
  await receiver.close()
})

async function waitForExecutions(jobId: string, count: number) {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const { executions } = await scheduler.runtime.service.listExecutions(jobId, {})
    if (executions.filter((e) => e.status !== 'running').length >= count) return executions
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`job ${jobId} did not reach ${count} finished executions`)
}

describe('scheduler metrics', () => {
  it('counts executions by outcome and observes lateness and duration', async () => {
    receiver.respond = (_req, index) => ({ status: index === 0 ? 200 : 500 })
    const ok = await scheduler.runtime.service.createJob(
      'webhook',
      { name: 'ok', delay: '1s', url: `${receiver.url}/a` },
      { name: 'tests' },
    )
    await waitForExecutions(ok.job.id, 1)
    const bad = await scheduler.runtime.service.createJob(
      'webhook',
      { name: 'bad', delay: '1s', url: `${receiver.url}/b`, max_attempts: 1 },
      { name: 'tests' },
    )
    await waitForExecutions(bad.job.id, 1)
    const { app } = buildTestApp({
      runtime: scheduler.runtime,
      metrics: scheduler.metrics,
      clock: systemClock,
    })
    const text = await (await app.request('/metrics')).text()
    assert.match(text, /scheduler_executions_total\{action="webhook",outcome="succeeded"\} 1/)
    assert.match(text, /scheduler_executions_total\{action="webhook",outcome="failed"\} 1/)
    assert.match(text, /scheduler_fire_lateness_seconds_count\{action="webhook"\} 2/)
    assert.match(text, /scheduler_attempt_duration_seconds_count\{action="webhook"\} 2/)
    assert.match(text, /scheduler_due_not_started 0/)
  })

  it('reports due but unstarted occurrences while no worker runs them', async () => {
    const idle = await startTestScheduler('scheduler_metrics_idle', {
      env: { WORKERS_ENABLED: 'false' },
    })
    try {
      await idle.runtime.service.createJob(
        'webhook',
        { name: 'late', delay: '1s', url: `${receiver.url}/c` },
        { name: 'tests' },
      )
      await new Promise((r) => setTimeout(r, 2_100))
      const text = await idle.metrics.registry.metrics()
      assert.match(text, /scheduler_due_not_started 1/)
      assert.equal(receiver.requests.filter((r) => r.path === '/c').length, 0)
    } finally {
      await idle.close()
    }
  })
})
