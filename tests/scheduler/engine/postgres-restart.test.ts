/**
 * The engine rides out a PostgreSQL restart with no manual action: a dedicated embedded PostgreSQL
 * (so other test files are not disturbed) is stopped for about 3 s and started again on the same data
 * folder and port; the interval job keeps running, no occurrence is recorded twice, nothing escapes.
 */
import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../src/db/embedded.ts'
import { header, sleep, waitUntil } from '../../helpers/engine-wait.ts'
import { captureLogs } from '../../helpers/log-capture.ts'
import { startTestScheduler, type TestScheduler } from '../../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts'

const actor = { name: 'tests' }
const OUTAGE_MS = 3_000

/** A free port in 18000–19000 (the embedded server must come back on the same one). */
async function freePortInRange(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = 18_000 + Math.floor(Math.random() * 1_000)
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer()
      probe.once('error', () => resolve(false))
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
    })
    if (free) return port
  }
  throw new Error('no free port in 18000-19000')
}

const postgresLogs = captureLogs('warn')
let dataRoot: string
let port: number
let postgres: EmbeddedPostgres | undefined
let scheduler: TestScheduler | undefined
let target: WebhookReceiver
/** Anything that escaped as an uncaught exception or unhandled rejection (it would crash the server). */
const escaped: unknown[] = []
const onEscape = (err: unknown) => escaped.push(err)

async function startPostgres(): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({
    dataDir: path.join(dataRoot, 'data'),
    port,
    logger: postgresLogs.logger,
  })
}

before(async () => {
  process.on('uncaughtException', onEscape)
  process.on('unhandledRejection', onEscape)
  dataRoot = await mkdtemp(path.join(tmpdir(), 'ats-pg-restart-'))
  // As root, Postgres runs as the postgres user, which must be able to enter this folder.
  await chmod(dataRoot, 0o777)
  port = await freePortInRange()
  postgres = await startPostgres()
  const { connectionString } = postgres
  scheduler = await startTestScheduler('engine_pg_restart', {
    // The embedded server's own database; this file owns the whole server, so nothing to drop.
    database: { name: 'agent_tool_server', connectionString, drop: async () => {} },
  })
  target = await startWebhookReceiver()
})
after(async () => {
  await scheduler?.close()
  await target?.close()
  await postgres?.stop()
  await rm(dataRoot, { recursive: true, force: true })
  process.off('uncaughtException', onEscape)
  process.off('unhandledRejection', onEscape)
})

describe('engine and a PostgreSQL restart', () => {
  it('keeps an every-1s job running across a 3 s PostgreSQL outage without recording an occurrence twice', async () => {
    const engine = scheduler as TestScheduler
    const { job } = await engine.runtime.service.createJob(
      'webhook',
      { name: 'through a restart', every: '1s', url: `${target.url}/restart` },
      actor,
    )
    const anchor = Date.parse(job.next_run_at ?? '')
    await target.waitFor(2, 5_000)

    await postgres?.stop()
    postgres = undefined
    const downAt = Date.now()
    await sleep(OUTAGE_MS)
    const duringOutage = target.requests.filter((r) => r.at > downAt + 500).length
    postgres = await startPostgres()
    const upAt = Date.now()

    // Executions continue: at least three occurrences due after the restart reach the receiver.
    await waitUntil(
      'occurrences due after the restart',
      () =>
        target.requests.filter((r) => Date.parse(header(r, 'x-occurrence-at')) > upAt).length >= 3,
      15_000,
    )
    await engine.runtime.service.cancelJob(job.id, { name: 'tests' })
    await sleep(500)

    assert.equal(duringOutage, 0, 'an occurrence ran while the database was down')
    const occurrences = target.requests.map((r) => header(r, 'x-occurrence-at'))
    assert.equal(new Set(occurrences).size, occurrences.length, 'an occurrence was delivered twice')
    for (const at of occurrences) {
      assert.equal((Date.parse(at) - anchor) % 1_000, 0, `${at} is off the 1 s rhythm`)
    }

    const recorded = await engine.pool.query<{ occurrence_at: Date; n: number; ok: number }>(
      `select occurrence_at, count(*)::int as n, count(*) filter (where status = 'succeeded')::int as ok
         from job_executions where job_id = $1 group by occurrence_at order by occurrence_at`,
      [job.id],
    )
    assert.deepEqual(
      recorded.rows.filter((r) => r.ok !== 1),
      [],
      'an occurrence was recorded twice or not recorded as succeeded',
    )
    assert.deepEqual(
      recorded.rows.map((r) => r.occurrence_at.toISOString()),
      [...occurrences].sort(),
    )
    const running = await engine.pool.query(
      `select count(*)::int as n from job_executions where status = 'running'`,
    )
    assert.equal(running.rows[0]?.n, 0)

    // Back on time once caught up, the engine is healthy, and a new job runs.
    const last = target.requests.at(-1)
    assert.ok(last && last.at - Date.parse(header(last, 'x-occurrence-at')) < 150)
    engine.runtime.engine.checkHealth()
    const fresh = await engine.runtime.service.createJob(
      'webhook',
      { name: 'after the restart', delay: '1s', url: `${target.url}/fresh` },
      actor,
    )
    await waitUntil('the new job to fire', () =>
      target.requests.some((r) => header(r, 'x-job-id') === fresh.job.id),
    )

    // The outage was real and was seen (and survived) by the engine.
    assert.match(
      engine.logs.text(),
      /pg-boss error|dispatch pass failed|idle database connection lost/,
    )
    assert.deepEqual(escaped, [], 'an error escaped: the server process would have crashed')
  })
})
