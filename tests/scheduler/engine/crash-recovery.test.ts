/**
 * What happens to an attempt when its process goes away: killed outright (SIGKILL of the real server),
 * the attempt is retried by another engine and the lost one recorded as abandoned; stopped gracefully,
 * a running attempt is waited for, or aborted and recorded as shutdown when the grace runs out.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pg from 'pg'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { executionRows, header, waitUntil } from '../../helpers/engine-wait.ts'
import type { TestScheduler } from '../../helpers/scheduler.ts'
import { freePort, startServerProcess, waitForHttp } from '../../helpers/server-process.ts'

const API_KEY = 'crash-test-key-0123456789'
const actor = { name: 'tests' }
/** The lease period: short, so the attempt of a killed server is found and retried quickly. */
const FAST_RECOVERY_ENV = { ATTEMPT_EXPIRY_GRACE_SECONDS: '1' }

// Each test starts its own engines (on its own database, or one a killed server used).
const fixture = useEngineTest('engine_crash_recovery', { withScheduler: false })

function scheduler(label: string, database?: TestDatabase): Promise<TestScheduler> {
  return fixture.startScheduler(label, { env: FAST_RECOVERY_ENV, database })
}

async function finishedRows(db: pg.Pool, jobId: string, count: number, timeoutMs = 10_000) {
  return waitUntil(
    `${count} finished executions of ${jobId}`,
    async () => {
      const rows = await executionRows(db, jobId)
      return rows.length === count && rows.every((r) => r.status !== 'running') ? rows : null
    },
    timeoutMs,
  )
}

describe('engine crash recovery', () => {
  it('retries an attempt abandoned by a killed server as attempt 2 and records the first as abandoned', async () => {
    const database = await createTestDatabase('engine_crash')
    fixture.onCleanup(() => database.drop())
    const target = await fixture.startReceiver()
    // The first call hangs (the server is killed meanwhile); later ones answer at once.
    target.respond = (_req, index) => (index === 0 ? { status: 200, delayMs: 4_000 } : {})

    const port = await freePort()
    const server = startServerProcess({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.connectionString,
      API_KEYS: `ci:${API_KEY}`,
      WEBHOOK_ALLOWLIST: '127.0.0.1/32',
      SUPERVISE_INTERVAL_SECONDS: '1',
      RETRY_DELAY_SECONDS: '1',
      SCHEDULER_POLL_INTERVAL_MS: '200',
      ...FAST_RECOVERY_ENV,
    })
    fixture.onCleanup(async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL')
        await server.exited
      }
    })
    await waitForHttp(`${server.baseUrl}/healthz`)
    const response = await fetch(`${server.baseUrl}/jobs/webhook`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'survives a crash',
        delay: '1s',
        timeout_seconds: 2,
        max_attempts: 3,
        url: `${target.url}/crash`,
      }),
    })
    assert.equal(response.status, 201, server.output())
    const { job } = (await response.json()) as { job: { id: string } }

    const [firstCall] = await target.waitFor(1, 8_000)
    assert.ok(firstCall)
    server.child.kill('SIGKILL')
    assert.equal(await server.exited, 'SIGKILL')

    // The dead process left its attempt running.
    // Ended at once: the second engine's cleanup drops this database, and an idle connection left in
    // this pool would then die with an error nobody listens for (an uncaught exception).
    const probe = new pg.Pool({ connectionString: database.connectionString, max: 1 })
    const [left] = await executionRows(probe, job.id).finally(() => probe.end())
    assert.equal(left?.status, 'running')
    assert.equal(left?.attempt, 1)

    const engine = await scheduler('engine_crash_b', database)
    const [, retried] = await target.waitFor(2, 15_000)
    assert.ok(retried)
    assert.equal(header(retried, 'x-attempt'), '2')
    assert.equal(header(retried, 'x-job-id'), job.id)
    assert.equal(header(retried, 'x-occurrence-at'), header(firstCall, 'x-occurrence-at'))
    const rows = await finishedRows(engine.pool, job.id, 2)
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.status, r.error_class]),
      [
        [1, 'failed', 'abandoned'],
        [2, 'succeeded', null],
      ],
    )
    assert.equal(rows[0]?.id, left?.id)
    await waitUntil('the job to complete', async () => {
      const current = await engine.runtime.service.getJob(job.id)
      return current.job.status === 'completed'
    })
    assert.equal(target.requests.length, 2)
  })

  it('waits for a running attempt on engine stop(5000) and records it succeeded', async () => {
    const engine = await scheduler('engine_graceful')
    const target = await fixture.startReceiver()
    target.respond = () => ({ status: 200, delayMs: 1_500 })
    const { job } = await engine.runtime.service.createJob(
      'webhook',
      { name: 'graceful', delay: '1s', url: `${target.url}/graceful` },
      actor,
    )
    await target.waitFor(1, 4_000)
    const stopping = Date.now()
    await engine.runtime.engine.stop(5_000)
    const waited = Date.now() - stopping
    assert.ok(waited >= 1_200 && waited < 5_000, `stop returned after ${waited} ms`)
    const rows = await executionRows(engine.pool, job.id)
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.status, r.response_status]),
      [[1, 'succeeded', 200]],
    )
    const { job: done } = await engine.runtime.service.getJob(job.id)
    assert.equal(done.status, 'completed')
  })

  it('aborts a running attempt when engine stop(200) runs out, records it as shutdown, and the next engine runs it again without using an attempt', async () => {
    const engine = await scheduler('engine_shutdown')
    const target = await fixture.startReceiver()
    target.respond = (_req, index) => (index === 0 ? { status: 200, delayMs: 3_000 } : {})
    const { job } = await engine.runtime.service.createJob(
      'webhook',
      { name: 'cut short', delay: '1s', url: `${target.url}/cut` },
      actor,
    )
    await target.waitFor(1, 4_000)
    const stopping = Date.now()
    await engine.runtime.engine.stop(200)
    const waited = Date.now() - stopping
    assert.ok(waited < 1_500, `stop(200) took ${waited} ms`)
    const rows = await executionRows(engine.pool, job.id)
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.status, r.error_class]),
      [[1, 'failed', 'shutdown']],
    )
    const running = await engine.pool.query(
      `select count(*)::int as n from job_executions where status = 'running'`,
    )
    assert.equal(running.rows[0]?.n, 0, 'an attempt was left running')
    // Not the job's fault: it stays scheduled and another engine runs it again as attempt 1.
    assert.equal((await engine.runtime.service.getJob(job.id)).job.status, 'scheduled')

    const next = await scheduler('engine_shutdown_b', engine.database)
    const [, retried] = await target.waitFor(2, 8_000)
    assert.ok(retried)
    assert.equal(header(retried, 'x-attempt'), '1')
    const [first] = target.requests
    assert.ok(first)
    assert.equal(header(retried, 'x-occurrence-at'), header(first, 'x-occurrence-at'))
    const after = await finishedRows(next.pool, job.id, 2)
    assert.deepEqual(
      after.map((r) => [r.attempt, r.status]),
      [
        [1, 'failed'],
        [1, 'succeeded'],
      ],
    )
    assert.equal((await next.runtime.service.getJob(job.id)).job.run_count, 1)
  })
})
