/**
 * A claimed batch is launched in slices while the next claim proceeds (in-flight.ts). Stopping the
 * engine in the middle of such a launch must still start every claimed attempt and wait for it: the
 * claim is committed, so an attempt left unlaunched would sit `running` until pg-boss's expiry.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { sleep } from '../../helpers/engine-wait.ts'
import { createWebhookJobs, type TestScheduler } from '../../helpers/scheduler.ts'

// A replica that plans but runs nothing: the jobs are all created, however slowly, before a worker
// sees any of them.
const engine = useEngineTest('engine_shutdown_launch', { env: { WORKERS_ENABLED: 'false' } })

describe('engine stop during a launch', () => {
  it('starts every claimed attempt, waits for it and leaves nothing running', async () => {
    const jobs = 500
    let worker: TestScheduler | undefined
    // Stop as the first request arrives: the first slice is out, most of the others are not yet.
    // (Usually the pass that claimed the batch has ended by then, so only the wait for the launches
    // keeps stop() from returning early.)
    let stopped: Promise<void> | undefined
    let stoppedWhenSeen = -1
    engine.receiver.respond = (_req, index) => {
      if (index === 0) {
        stoppedWhenSeen = engine.receiver.requests.length
        stopped = worker?.runtime.engine.stop(10_000)
      }
      return { status: 200, body: '{"ok":true}', delayMs: 50 }
    }
    const dueAt = Date.now() + 2_000
    const ids = await createWebhookJobs(
      engine.scheduler,
      jobs,
      () => new Date(Math.max(dueAt, Date.now() + 500)).toISOString(),
      (i) => `${engine.receiver.url}/launch/${i}`,
    )
    const lastDue = await engine.scheduler.pool.query<{ at: Date }>(
      'select max(next_run_at) as at from scheduled_jobs',
    )
    await sleep(Math.max(0, (lastDue.rows[0]?.at.getTime() ?? 0) - Date.now()) + 100)
    // One claim of all 500, launched in twenty slices of 25, one event-loop turn apart.
    worker = await engine.startScheduler('engine_shutdown_launch_worker', {
      database: engine.scheduler.database,
      env: { SCHEDULER_BATCH_SIZE: '500', SCHEDULER_MAX_IN_FLIGHT: '500' },
    })
    const deadline = Date.now() + 15_000
    while (!stopped && Date.now() < deadline) await sleep(20)
    assert.ok(stopped, 'the first request arrived')
    await stopped
    assert.ok(
      stoppedWhenSeen < jobs,
      `stop began before every request was sent (${stoppedWhenSeen})`,
    )

    const rows = await engine.scheduler.pool.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from job_executions where job_id = any($1::uuid[])
       group by status order by status`,
      [ids],
    )
    const claimed = rows.rows.reduce((sum, r) => sum + r.n, 0)
    assert.ok(claimed > 25, `a whole batch was claimed before the stop (${claimed})`)
    assert.deepEqual(rows.rows, [{ status: 'succeeded', n: claimed }])
    assert.equal(engine.receiver.requests.length, claimed)
  })
})
