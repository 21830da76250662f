/**
 * WhatsApp end to end through the scheduler: real engines, a real database and the fake Evolution.
 * A due job sends and records its message id; a maybe-delivered send is never retried; and a burst
 * of due messages run by two engine instances on one database is spread by the shared limiter.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { executionRows, sleep, waitUntil } from '../helpers/engine-wait.ts'
import { type FakeEvolution, startFakeEvolution } from '../helpers/fake-evolution.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

const NUMBER = '5511999999999'
const GAP_MS = 300
/** setTimeout and HTTP add a few ms between a slot and the request's arrival. */
const TIMER_TOLERANCE_MS = 25

let fake: FakeEvolution
let engineA: TestScheduler
let engineB: TestScheduler

before(async () => {
  fake = await startFakeEvolution({ version: '2.3.6' })
  const env = {
    EVOLUTION_API_URL: fake.url,
    EVOLUTION_API_KEY: fake.apiKey,
    EVOLUTION_API_INSTANCE: fake.instance,
    WHATSAPP_MIN_GAP_SECONDS: String(GAP_MS / 1000),
    // Attempt timeout 4 s → at most 2 s of waiting inline; slots further away are deferred.
    WHATSAPP_TIMEOUT_SECONDS: '2',
    SCHEDULER_BATCH_SIZE: '2',
    SCHEDULER_MAX_IN_FLIGHT: '3',
  }
  engineA = await startTestScheduler('whatsapp_e2e', { env })
  engineB = await startTestScheduler('whatsapp_e2e', { env, database: engineA.database })
})
after(async () => {
  await engineB?.close()
  await engineA?.close()
  await fake?.close()
})

const create = (input: Record<string, unknown>) =>
  engineA.runtime.service.createJob('whatsapp', { name: 'Remind Ana', ...input }, { name: 'tests' })

async function finishedJob(jobId: string) {
  return waitUntil(`job ${jobId} settled`, async () => {
    const { job } = await engineA.runtime.service.getJob(jobId)
    return job.status === 'completed' || job.status === 'failed' ? job : null
  })
}

describe('whatsapp jobs through the scheduler', () => {
  it('sends a due message and records its message id', async () => {
    const created = await create({ delay: '1s', to: '+55 11 99999-9999', message: 'Due now' })
    const job = await finishedJob(created.job.id)
    assert.equal(job.status, 'completed')
    const delivered = fake.delivered.find((m) => m.text === 'Due now')
    assert.ok(delivered)
    assert.equal(delivered.number, NUMBER)
    const { executions } = await engineA.runtime.service.listExecutions(created.job.id, {})
    assert.equal(executions.length, 1)
    const execution = await engineA.runtime.service.getExecution(executions[0]?.id ?? '')
    assert.deepEqual(execution.execution.output, {
      message_id: delivered.id,
      status: 'PENDING',
      remote_jid: `${NUMBER}@s.whatsapp.net`,
    })
    assert.equal(execution.execution.response_status, 201)
  })

  it('records a 400 after delivery as uncertain and never sends it again', async () => {
    fake.queueFault('send', { kind: 'after_delivery' })
    const created = await create({
      delay: '1s',
      to: NUMBER,
      message: 'Maybe twice?',
      max_attempts: 3,
    })
    const job = await finishedJob(created.job.id)
    assert.equal(job.status, 'failed')
    await sleep(2_500) // past RETRY_DELAY_SECONDS: a retry would have sent by now
    assert.equal(fake.delivered.filter((m) => m.text === 'Maybe twice?').length, 1)
    const rows = await executionRows(engineA.pool, created.job.id)
    assert.deepEqual(
      rows.map((r) => [r.status, r.error_class]),
      [['failed', 'uncertain_delivery']],
    )
  })

  it('spreads a burst due at once over two engines, never two sends inside the gap', async () => {
    const runAt = new Date(Date.now() + 2_000).toISOString()
    const sentBefore = fake.requestsTo('send').length
    const jobs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        create({ run_at: runAt, to: NUMBER, message: `Burst ${i}` }),
      ),
    )
    for (const created of jobs)
      assert.equal((await finishedJob(created.job.id)).status, 'completed')
    const arrivals = fake
      .requestsTo('send')
      .slice(sentBefore)
      .map((r) => r.at)
      .sort((a, b) => a - b)
    assert.equal(arrivals.length, 8)
    for (let i = 1; i < arrivals.length; i++) {
      const gap = (arrivals[i] ?? 0) - (arrivals[i - 1] ?? 0)
      assert.ok(gap >= GAP_MS - TIMER_TOLERANCE_MS, `sends ${i - 1} and ${i} only ${gap} ms apart`)
    }
    let deferrals = 0
    for (const created of jobs) {
      const rows = await executionRows(engineA.pool, created.job.id)
      assert.equal(rows.filter((r) => r.status === 'succeeded').length, 1)
      deferrals += rows.filter((r) => r.error_class === 'deferred').length
      const { job } = await engineA.runtime.service.getJob(created.job.id)
      assert.equal(job.run_count, 1)
    }
    // 8 sends ≥ 300 ms apart take over 2 s, past the 2 s inline budget: some were deferred.
    assert.ok(deferrals > 0)
    const ranOn = (engine: TestScheduler) =>
      engine.logs.lines().filter((l) => l.msg === 'attempt finished' && String(l.job_id).length > 0)
        .length
    assert.ok(ranOn(engineA) > 0 && ranOn(engineB) > 0, 'both engines ran attempts')
  })
})
