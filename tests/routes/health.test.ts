import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { assertMigrationsApplied, listMigrationFiles, runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { readJson } from '../helpers/http.ts'
import { captureLogs } from '../helpers/log-capture.ts'

let database: TestDatabase
let pool: pg.Pool

before(async () => {
  database = await createTestDatabase('health')
  pool = createPool({ connectionString: database.connectionString, logger: captureLogs().logger })
})
after(async () => {
  await pool.end()
  await database.drop()
})

function readiness(db: pg.Pool) {
  return [
    { name: 'database', check: async () => void (await db.query('select 1')) },
    { name: 'migrations', check: () => assertMigrationsApplied(db, listMigrationFiles()) },
  ]
}

describe('GET /healthz', () => {
  it('answers 200 while the process is alive', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/healthz')
    assert.equal(res.status, 200)
    assert.equal((await readJson(res)).status, 'ok')
  })
})

describe('GET /readyz', () => {
  it('answers 503 naming the migrations check before migrations ran', async () => {
    const { app } = buildTestApp({ readiness: readiness(pool) })
    const res = await app.request('/readyz')
    assert.equal(res.status, 503)
    const body = await readJson(res)
    assert.equal(body.status, 'not_ready')
    assert.equal(body.checks.database.ok, true)
    assert.equal(body.checks.migrations.ok, false)
  })

  it('answers 200 when the database is reachable and migrated', async () => {
    await runMigrations(pool, captureLogs().logger)
    const { app } = buildTestApp({ readiness: readiness(pool) })
    const res = await app.request('/readyz')
    assert.equal(res.status, 200)
    const body = await readJson(res)
    assert.deepEqual(body.checks, { database: { ok: true }, migrations: { ok: true } })
  })

  it('answers 503 naming the database when it cannot be reached', async () => {
    // Port 1 on loopback refuses connections at once: a database that is down.
    const down = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 500,
    })
    try {
      const { app } = buildTestApp({ readiness: readiness(down) })
      const res = await app.request('/readyz')
      assert.equal(res.status, 503)
      const body = await readJson(res)
      assert.equal(body.checks.database.ok, false)
      assert.match(body.checks.database.error, /ECONNREFUSED|connect/)
    } finally {
      await down.end()
    }
  })

  it('reports a check that hangs as timed out', async () => {
    const { app } = buildTestApp({
      readiness: [{ name: 'workers', check: () => new Promise(() => {}) }],
    })
    const res = await app.request('/readyz')
    assert.equal(res.status, 503)
    assert.match((await readJson(res)).checks.workers.error, /timed out/)
  })
})

describe('GET /metrics', () => {
  it('exposes request counts and durations by route template and status', async () => {
    const { app } = buildTestApp()
    await app.request('/time', { headers: authHeader })
    await app.request('/time')
    await app.request('/missing')
    const res = await app.request('/metrics')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/)
    const text = await res.text()
    assert.match(text, /http_requests_total\{method="GET",route="\/time",status="200"\} 1/)
    assert.match(text, /http_requests_total\{method="GET",route="\/time",status="401"\} 1/)
    assert.match(text, /http_requests_total\{method="GET",route="unmatched",status="404"\} 1/)
    assert.match(
      text,
      /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/time",status="200"\}/,
    )
  })
})
