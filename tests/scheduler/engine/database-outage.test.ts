/**
 * A database outage longer than ATTEMPT_EXPIRY_GRACE_SECONDS while attempts are in flight. The
 * attempts finish during the outage; their process is alive and keeps trying to record them. They must
 * be recorded once, as they ended, and never run again as "abandoned" (lease.ts L1–L3, record-queue.ts
 * Q1). Two replicas, both behind a TCP proxy the test cuts, so the outage hits everyone at once as a
 * real one would; the shared PostgreSQL server itself is never stopped.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pg from 'pg'
import { adminConnectionString, createTestDatabase } from '../../helpers/database.ts'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { executionRows, header, sleep, waitUntil } from '../../helpers/engine-wait.ts'
import type { TestScheduler } from '../../helpers/scheduler.ts'
import { startTcpProxy } from '../../helpers/tcp-proxy.ts'

const JOBS = 4
/** Longer than the 2 s lease period, and than the old pg-boss expiry of 2 s timeout + 2 s grace. */
const OUTAGE_MS = 8_000
const ENV = {
  ATTEMPT_EXPIRY_GRACE_SECONDS: '2',
  SUPERVISE_INTERVAL_SECONDS: '1',
  RETRY_DELAY_SECONDS: '1',
  RETRY_DELAY_MAX_SECONDS: '1',
}

const fixture = useEngineTest('engine_outage', { withScheduler: false })

describe('a database outage while attempts are in flight', () => {
  it('records each attempt once, as it ended, and runs none again', async () => {
    const database = await createTestDatabase('engine_outage')
    fixture.onCleanup(() => database.drop())
    const admin = new URL(adminConnectionString())
    const proxy = await startTcpProxy(admin.hostname, Number(admin.port || 5432))
    fixture.onCleanup(() => proxy.close())
    // Outside the proxy: the test's own view of the database, through the outage too.
    const direct = new pg.Pool({ connectionString: database.connectionString, max: 2 })
    fixture.onCleanup(() => direct.end())
    const viaProxy = new URL(database.connectionString)
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    const behindProxy = { ...database, connectionString: viaProxy.toString() }
    const replicas: TestScheduler[] = []
    for (const name of ['engine_outage_a', 'engine_outage_b']) {
      replicas.push(await fixture.startScheduler(name, { env: ENV, database: behindProxy }))
    }
    const [a] = replicas as [TestScheduler]

    const target = fixture.receiver
    target.respond = () => ({ status: 200, body: '{"ok":true}', delayMs: 1_000 })
    const ids: string[] = []
    for (let i = 0; i < JOBS; i++) {
      const { job } = await a.runtime.service.createJob(
        'webhook',
        { name: `outage ${i}`, delay: '2s', timeout_seconds: 2, url: `${target.url}/outage/${i}` },
        { name: 'tests' },
      )
      ids.push(job.id)
    }

    // The database goes away while the calls are in flight, before any of them has answered.
    await target.waitFor(1, 10_000)
    await proxy.cut()
    await sleep(OUTAGE_MS)
    await proxy.restore()

    await waitUntil(
      'every job completed',
      async () => {
        const result = await direct.query<{ n: number }>(
          `select count(*)::int as n from scheduled_jobs where id = any($1::uuid[]) and status = 'completed'`,
          [ids],
        )
        return result.rows[0]?.n === JOBS
      },
      20_000,
    )
    // Room for a second delivery to show up, had an attempt been taken for abandoned.
    await sleep(3_000)

    const perJob = new Map<string, number>()
    for (const request of target.requests) {
      const jobId = header(request, 'x-job-id')
      perJob.set(jobId, (perJob.get(jobId) ?? 0) + 1)
    }
    assert.deepEqual(
      ids.map((id) => perJob.get(id)),
      ids.map(() => 1),
      'every job was called exactly once',
    )
    for (const id of ids) {
      const rows = await executionRows(direct, id)
      assert.deepEqual(
        rows.map((r) => [r.attempt, r.status, r.error_class, r.response_status]),
        [[1, 'succeeded', null, 200]],
        `job ${id} has one attempt, recorded as it ended`,
      )
    }
    // The outage was real and the records waited it out.
    const logged = replicas.map((r) => r.logs.text()).join('\n')
    assert.match(logged, /recording a batch failed/)
    assert.doesNotMatch(logged, /closed abandoned attempts/)
  })
})
