/**
 * PostgreSQL unreachable under load: creates keep coming while the database's connections are cut
 * (a TCP proxy this test controls; the shared server is never touched). Every answer is a 201/200 or
 * a 503 with Retry-After and a problem body, never a 500; readiness says so; and after the outage
 * every job is whole (its row and its pending occurrence), none twice, and a 503'd request sent again
 * is created once.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createApp } from '../../src/app.ts'
import { createApiKeyVerifier } from '../../src/http/auth.ts'
import { systemClock } from '../../src/time/clock.ts'
import { authHeader } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { sleep, waitUntil } from '../helpers/engine-wait.ts'
import { type FakeClickUp, HAND_SECRET, startFakeClickUp } from '../helpers/fake-clickup.ts'
import type { AnyJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts'

const WORKERS = 6
const OUTAGE_MS = 2_000

let database: TestDatabase
let proxy: TcpProxy
let scheduler: TestScheduler
let fake: FakeClickUp
let app: ReturnType<typeof createApp>

before(async () => {
  database = await createTestDatabase('database_outage')
  const direct = new URL(database.connectionString)
  proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432))
  const proxied = new URL(database.connectionString)
  proxied.port = String(proxy.port)
  fake = await startFakeClickUp()
  scheduler = await startTestScheduler('database_outage', {
    database: { ...database, connectionString: proxied.toString() },
    env: {
      CLICKUP_API_TOKEN: fake.token,
      CLICKUP_API_URL: fake.url,
      CLICKUP_WEBHOOK_SECRET: HAND_SECRET,
      CLICKUP_RECONCILE_INTERVAL_MINUTES: '0',
    },
  })
  const { pool, runtime, config, logs, metrics } = scheduler
  app = createApp({
    config,
    logger: logs.logger,
    clock: systemClock,
    metrics,
    apiKeys: createApiKeyVerifier(config.apiKeys),
    registry: runtime.registry,
    scheduler: runtime.service,
    clickup: runtime.clickup,
    readiness: [{ name: 'database', check: async () => void (await pool.query('select 1')) }],
  })
})

after(async () => {
  await proxy?.restore()
  await scheduler?.close()
  await proxy?.close()
  await fake?.close()
  await database?.drop()
})

interface Sent {
  body: Record<string, unknown>
  status: number
  answer: AnyJson
  retryAfter: string | null
  type: string | null
}

async function create(body: Record<string, unknown>): Promise<Sent> {
  const res = await app.request('/jobs/webhook', {
    method: 'POST',
    headers: { ...authHeader, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return {
    body,
    status: res.status,
    answer: await res.json(),
    retryAfter: res.headers.get('retry-after'),
    type: res.headers.get('content-type'),
  }
}

describe('database outage under load', () => {
  it('answers 503 + Retry-After while the database is unreachable, never 500, and half-stores nothing', async () => {
    const sent: Sent[] = []
    let counter = 0
    let stop = false
    const worker = async () => {
      while (!stop) {
        counter += 1
        const body = {
          name: `outage job ${counter}`,
          url: 'http://127.0.0.1:9/hook',
          delay: '2h',
          dedupe_key: `outage-${counter}`,
        }
        sent.push(await create(body))
      }
    }
    const load = Array.from({ length: WORKERS }, worker)
    await sleep(800)
    await proxy.cut()
    await sleep(300)
    const readyDuringOutage = await app.request('/readyz')
    const register = await app.request('/clickup/webhooks', {
      method: 'POST',
      headers: { ...authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ team_id: '108', list_id: '901234' }),
    })
    await sleep(OUTAGE_MS - 300)
    await proxy.restore()
    await sleep(1_500)
    stop = true
    await Promise.all(load)

    const statuses = new Map<number, number>()
    for (const s of sent) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1)
    const summary = JSON.stringify([...statuses])
    assert.deepEqual(
      [...statuses.keys()].filter((status) => ![200, 201, 503].includes(status)),
      [],
      summary,
    )
    const unavailable = sent.filter((s) => s.status === 503)
    assert.ok(unavailable.length > 0, `some creates met the outage: ${summary}`)
    assert.ok(sent.filter((s) => s.status === 201).length > 10, summary)
    for (const s of unavailable) {
      assert.equal(s.type, 'application/problem+json')
      assert.equal(s.answer.type, 'urn:agent-tool-server:problem:database-unavailable')
      assert.match(s.answer.detail, /database/)
      assert.ok(Number(s.retryAfter) > 0, `Retry-After: ${s.retryAfter}`)
    }
    assert.equal(readyDuringOutage.status, 503)
    // The ClickUp webhook was created in ClickUp, its secret could not be stored: withdrawn again.
    assert.equal(register.status, 503)
    assert.equal(fake.webhooks.length, 0)
    assert.ok(fake.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/webhook/')))

    // Back: readiness recovers, and a 503'd create sent again is stored once.
    await waitUntil('ready again', async () => (await app.request('/readyz')).status === 200)
    for (const s of unavailable) {
      const again = await create(s.body)
      assert.ok([200, 201].includes(again.status), JSON.stringify(again.answer))
    }
    const jobs = await scheduler.pool.query<{ id: string; dedupe_key: string }>(
      `select id, dedupe_key from scheduled_jobs where dedupe_key like 'outage-%'`,
    )
    const keys = new Set(jobs.rows.map((row) => row.dedupe_key))
    assert.equal(keys.size, jobs.rows.length, 'no job twice')
    assert.equal(jobs.rows.length, counter, 'every request has its one job')
    // Every job is whole: its pending occurrence is in pg-boss.
    const orphans = await scheduler.pool.query(
      `select j.id from scheduled_jobs j
        where j.dedupe_key like 'outage-%'
          and not exists (select 1 from pgboss.job b
                           where b.name = 'occurrence-webhook' and b.data->>'job_id' = j.id::text)`,
    )
    assert.deepEqual(orphans.rows, [])
    const stray = await scheduler.pool.query(
      `select b.id from pgboss.job b
        where b.name = 'occurrence-webhook'
          and not exists (select 1 from scheduled_jobs j where j.id::text = b.data->>'job_id')`,
    )
    assert.deepEqual(stray.rows, [])
    assert.equal(
      scheduler.logs.lines().filter((l) => l.msg === 'unhandled error').length,
      0,
      'no 500 was logged',
    )
  })
})
