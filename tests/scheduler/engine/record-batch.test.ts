import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { waitUntil } from '../../helpers/engine-wait.ts'
import { createWebhookJobs } from '../../helpers/scheduler.ts'

const engine = useEngineTest('engine_record_batch')

describe('recording outcomes in batches', () => {
  it('records a burst of mixed outcomes exactly: rows, job statuses and pg-boss states', async () => {
    // Paths ending in /fail answer 500 on the first attempt only, so they need a retry.
    const failedOnce = new Set<string>()
    engine.receiver.respond = (req) => {
      if (req.path.endsWith('/fail') && !failedOnce.has(req.path)) {
        failedOnce.add(req.path)
        return { status: 500 }
      }
      return { status: 200 }
    }
    // Due together, or as close to it as a loaded machine creates them: never in the past.
    const dueAt = Date.now() + 2_000
    await createWebhookJobs(
      engine.scheduler,
      120,
      () => new Date(Math.max(dueAt, Date.now() + 500)).toISOString(),
      (i) => `${engine.receiver.url}/job${i}/${i % 10 === 0 ? 'fail' : 'ok'}`,
    )
    await waitUntil(
      'every job completed',
      async () => {
        const result = await engine.scheduler.pool.query<{ n: number }>(
          `select count(*)::int as n from scheduled_jobs where status = 'completed'`,
        )
        return result.rows[0]?.n === 120
      },
      20_000,
    )
    const executions = await engine.scheduler.pool.query<{
      status: string
      attempt: number
      n: number
    }>(
      `select status, attempt, count(*)::int as n from job_executions group by status, attempt order by attempt, status`,
    )
    assert.deepEqual(executions.rows, [
      { status: 'failed', attempt: 1, n: 12 },
      { status: 'succeeded', attempt: 1, n: 108 },
      { status: 'succeeded', attempt: 2, n: 12 },
    ])
    const boss = await engine.scheduler.pool.query<{ state: string; n: number }>(
      `select state, count(*)::int as n from pgboss.job where name = 'occurrence-webhook' group by state`,
    )
    assert.deepEqual(boss.rows, [{ state: 'completed', n: 120 }])
    const running = await engine.scheduler.pool.query(
      `select 1 from job_executions where status = 'running'`,
    )
    assert.equal(running.rowCount, 0)
    assert.equal(engine.receiver.requests.length, 132)
  })

  it('records a response body with a NUL character (Postgres rejects it) as U+FFFD', async () => {
    engine.receiver.respond = (req) =>
      req.path === '/nul' ? { status: 500, body: 'bin\u0000ary' } : { status: 200 }
    const { job } = await engine.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'nul body', delay: '1s', url: `${engine.receiver.url}/nul`, max_attempts: 1 },
      { name: 'tests' },
    )
    await waitUntil(
      'the attempt is recorded',
      async () => {
        const result = await engine.scheduler.pool.query(
          `select 1 from job_executions where job_id = $1 and status <> 'running'`,
          [job.id],
        )
        return result.rowCount === 1
      },
      10_000,
    )
    const row = await engine.scheduler.pool.query<{ status: string; response_body: string }>(
      'select status, response_body from job_executions where job_id = $1',
      [job.id],
    )
    assert.deepEqual(row.rows, [{ status: 'failed', response_body: 'bin\ufffdary' }])
  })
})
