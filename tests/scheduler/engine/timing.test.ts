/**
 * The engine fires on time: once, delay, interval and second-level cron jobs reach a real receiver
 * within 150 ms of their due time, and interval occurrences stay anchored to the first run (no drift).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'
import {
  arrivalLatenessMs,
  executionRows,
  header,
  sleep,
  waitUntil,
} from '../../helpers/engine-wait.ts'
import type { ReceivedRequest } from '../../helpers/webhook-receiver.ts'

const MAX_LATENESS_MS = 150
const actor = { name: 'tests' }

const engine = useEngineTest('engine_timing', {
  // Warm-up: one job through the whole path (timer, claim, HTTP client), so the first measured
  // job does not pay one-off start-up costs (module loading, JIT, the first connection).
  async setUp(started) {
    await started.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'warm-up', delay: '1s', url: `${started.receiver.url}/warm` },
      actor,
    )
    await started.receiver.waitFor(1, 5_000)
  },
})

async function waitForJobStatus(jobId: string, status: string) {
  return waitUntil(`job ${jobId} to be ${status}`, async () => {
    const { job } = await engine.scheduler.runtime.service.getJob(jobId)
    return job.status === status ? job : null
  })
}

/** Every request arrived within MAX_LATENESS_MS of the occurrence it carries. */
function assertArrivalsOnTime(requests: readonly ReceivedRequest[]) {
  for (const request of requests) {
    const lateness = arrivalLatenessMs(request)
    assert.ok(
      lateness >= 0 && lateness < MAX_LATENESS_MS,
      `arrived ${lateness} ms after ${header(request, 'x-occurrence-at')}`,
    )
  }
}

async function assertExecutionsOnTime(jobId: string, expected: number) {
  const rows = await waitUntil(`${expected} finished executions`, async () => {
    const found = await executionRows(engine.scheduler.pool, jobId)
    return found.length === expected && found.every((r) => r.status !== 'running') ? found : null
  })
  for (const row of rows) {
    assert.equal(row.status, 'succeeded')
    assert.equal(row.attempt, 1)
    assert.ok(row.lateness_ms < MAX_LATENESS_MS, `execution lateness ${row.lateness_ms} ms`)
    const early = row.occurrence_at.getTime() - row.started_at.getTime()
    assert.ok(early <= 0, `recorded as started ${early} ms before its due time`)
  }
  return rows
}

describe('engine timing', () => {
  it('fires one-time jobs due a few milliseconds apart each on time, not at the next poll', async () => {
    // The poll interval here is 200 ms; an occurrence that falls due while a pass is claiming the
    // previous one must still wake the loop at once.
    const target = await engine.startReceiver()
    // A slow target: no attempt finishes (which would also wake the loop) before the others are due.
    target.respond = () => ({ status: 200, delayMs: 400 })
    const base = Date.now() + 1_500
    for (let i = 0; i < 12; i++) {
      await engine.scheduler.runtime.service.createJob(
        'webhook',
        {
          name: `close ${i}`,
          run_at: new Date(base + i * 7).toISOString(),
          url: `${target.url}/close`,
        },
        actor,
      )
    }
    const requests = await target.waitFor(12, 6_000)
    assertArrivalsOnTime(requests)
  })

  it('fires a run_at job 1.5 s ahead once, within 150 ms of run_at', async () => {
    const target = await engine.startReceiver()
    const runAt = new Date(Date.now() + 1_500).toISOString()
    const { job } = await engine.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'once on time', run_at: runAt, url: `${target.url}/once` },
      actor,
    )
    assert.equal(job.next_run_at, runAt)
    const [request] = await target.waitFor(1, 5_000)
    assert.ok(request)
    assert.equal(header(request, 'x-occurrence-at'), runAt)
    assert.equal(header(request, 'x-job-id'), job.id)
    assertArrivalsOnTime(target.requests)
    await assertExecutionsOnTime(job.id, 1)
    await waitForJobStatus(job.id, 'completed')
    await sleep(500)
    assert.equal(target.requests.length, 1, 'a once job fired more than once')
  })

  it('fires a delay job at creation time plus the delay, within 150 ms', async () => {
    const target = await engine.startReceiver()
    const before = Date.now()
    const { job } = await engine.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'delay on time', delay: '2s', url: `${target.url}/delay` },
      actor,
    )
    const due = Date.parse(job.next_run_at ?? '')
    assert.ok(due >= before + 2_000 && due <= Date.now() + 2_000, 'due time is not now + 2 s')
    const [request] = await target.waitFor(1, 6_000)
    assert.ok(request)
    assert.equal(Date.parse(header(request, 'x-occurrence-at')), due)
    assertArrivalsOnTime(target.requests)
    await assertExecutionsOnTime(job.id, 1)
    await waitForJobStatus(job.id, 'completed')
  })

  it('runs an every-1s job with max_runs 3 exactly three times, 1000 ms apart, then completes it', async () => {
    const target = await engine.startReceiver()
    const { job } = await engine.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'interval anchored', every: '1s', max_runs: 3, url: `${target.url}/every` },
      actor,
    )
    const first = Date.parse(job.next_run_at ?? '')
    await target.waitFor(3, 8_000)
    const completed = await waitForJobStatus(job.id, 'completed')
    assert.equal(completed.run_count, 3)
    assert.equal(completed.next_run_at, null)
    // Nothing after the third run.
    await sleep(1_500)
    assert.equal(target.requests.length, 3)
    const occurrences = target.requests.map((r) => Date.parse(header(r, 'x-occurrence-at')))
    assert.deepEqual(occurrences, [first, first + 1_000, first + 2_000])
    assertArrivalsOnTime(target.requests)
    const rows = await assertExecutionsOnTime(job.id, 3)
    assert.deepEqual(
      rows.map((r) => r.occurrence_at.getTime()),
      occurrences,
    )
  })

  it('fires a six-field cron every 2 s on even seconds, on time, and stops at max_runs', async () => {
    const target = await engine.startReceiver()
    const { job } = await engine.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'cron seconds', cron: '*/2 * * * * *', max_runs: 3, url: `${target.url}/cron` },
      actor,
    )
    const first = Date.parse(job.next_run_at ?? '')
    assert.equal(first % 2_000, 0, 'first cron tick is not on an even second')
    await target.waitFor(3, 10_000)
    await waitForJobStatus(job.id, 'completed')
    await sleep(2_200)
    assert.equal(target.requests.length, 3, 'cron ran past max_runs')
    const occurrences = target.requests.map((r) => Date.parse(header(r, 'x-occurrence-at')))
    assert.deepEqual(occurrences, [first, first + 2_000, first + 4_000])
    assertArrivalsOnTime(target.requests)
    await assertExecutionsOnTime(job.id, 3)
  })
})
