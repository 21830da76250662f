/**
 * Two engines on one database (two replicas): every occurrence is delivered exactly once, and both
 * replicas take part in the work.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { header, sleep, waitUntil } from '../../helpers/engine-wait.ts'
import type { TestScheduler } from '../../helpers/scheduler.ts'

const actor = { name: 'tests' }
const ONCE_JOBS = 30
const INTERVAL_RUNS = 4

let second: TestScheduler
const engine = useEngineTest('engine_replicas', {
  async setUp(started) {
    second = await started.startScheduler('engine_replicas_b', {
      database: started.scheduler.database,
    })
  },
})

/** Attempts each engine finished, from its own log. */
function attemptsLogged(scheduler: TestScheduler): number {
  return scheduler.logs.lines().filter((line) => line.msg === 'attempt finished').length
}

describe('engine replicas', () => {
  it('delivers each of 34 occurrences exactly once with two engines on one database', async () => {
    const base = Date.now() + 1_000
    const created: string[] = []
    // Half the jobs are created through each replica; due times spread over the next 2 s.
    for (let i = 0; i < ONCE_JOBS; i++) {
      const via = i % 2 === 0 ? engine.scheduler : second
      // Never in the past, however slowly the creates go on a loaded machine.
      const dueAt = Math.max(base + Math.floor((i * 1_000) / ONCE_JOBS), Date.now() + 300)
      const runAt = new Date(dueAt).toISOString()
      const { job } = await via.runtime.service.createJob(
        'webhook',
        { name: `replica once ${i}`, run_at: runAt, url: `${engine.receiver.url}/once/${i}` },
        actor,
      )
      created.push(job.id)
    }
    const { job: interval } = await engine.scheduler.runtime.service.createJob(
      'webhook',
      {
        name: 'replica interval',
        every: '1s',
        max_runs: INTERVAL_RUNS,
        url: `${engine.receiver.url}/interval`,
      },
      actor,
    )
    created.push(interval.id)
    const expected = ONCE_JOBS + INTERVAL_RUNS

    await engine.receiver.waitFor(expected, 15_000)
    await waitUntil('the interval job to complete', async () => {
      const { job } = await second.runtime.service.getJob(interval.id)
      return job.status === 'completed'
    })
    // Room for a late duplicate to show up.
    await sleep(1_500)

    const perOccurrence = new Map<string, number>()
    for (const request of engine.receiver.requests) {
      const key = `${header(request, 'x-job-id')}|${header(request, 'x-occurrence-at')}`
      perOccurrence.set(key, (perOccurrence.get(key) ?? 0) + 1)
    }
    const duplicates = [...perOccurrence].filter(([, count]) => count > 1)
    assert.deepEqual(duplicates, [], 'some occurrences were delivered more than once')
    assert.equal(engine.receiver.requests.length, expected)
    assert.equal(perOccurrence.size, expected)
    assert.deepEqual(
      [...new Set(engine.receiver.requests.map((r) => header(r, 'x-job-id')))].sort(),
      [...created].sort(),
    )

    const rows = await engine.scheduler.pool.query<{
      status: string
      attempt: number
      count: string
    }>(`select status, attempt, count(*) from job_executions group by status, attempt`)
    assert.deepEqual(
      rows.rows.map((r) => [r.status, r.attempt, Number(r.count)]),
      [['succeeded', 1, expected]],
    )
    const byJob = await engine.scheduler.pool.query<{ status: string; count: string }>(
      `select status, count(*) from scheduled_jobs group by status`,
    )
    assert.deepEqual(
      byJob.rows.map((r) => [r.status, Number(r.count)]),
      [['completed', expected - INTERVAL_RUNS + 1]],
    )

    const [a, b] = [attemptsLogged(engine.scheduler), attemptsLogged(second)]
    assert.equal(a + b, expected)
    assert.ok(a > 0 && b > 0, `work was not shared: ${a} and ${b} attempts`)
  })
})
