/**
 * Which running attempts the sweep closes as abandoned (repository/outcomes.ts, lease.ts L1–L3): those
 * of a process whose lease lapsed, or that has none; never those of a live process or of the sweeping
 * process itself; attempts claimed before leases existed by their age alone.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, beforeEach, describe, it } from 'node:test'
import pg from 'pg'
import { runMigrations } from '../../../src/db/migrate.ts'
import { releaseAttempt } from '../../../src/scheduler/repository/leases.ts'
import { sweepAbandonedAttempts } from '../../../src/scheduler/repository/outcomes.ts'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts'
import { captureLogs } from '../../helpers/log-capture.ts'

let database: TestDatabase
let pool: pg.Pool
let jobId: string
const SELF = randomUUID()
/** What the legacy rule waits beyond an attempt's timeout (30 s here). */
const LEGACY_GRACE_MS = 60_000

before(async () => {
  database = await createTestDatabase('abandoned_attempts')
  pool = new pg.Pool({ connectionString: database.connectionString })
  await runMigrations(pool, captureLogs().logger)
  jobId = randomUUID()
  await pool.query(
    `insert into scheduled_jobs (id, name, action_kind, action_params, schedule, timezone, content_hash,
       created_by, timeout_seconds)
     values ($1, 'sweep test', 'webhook', '{}', '{}', 'UTC', 'hash', 'test', 30)`,
    [jobId],
  )
})
after(async () => {
  await pool.end()
  await database.drop()
})
beforeEach(async () => {
  await pool.query('delete from job_executions')
  await pool.query('delete from engine_processes')
})

/** A lease expiring `inSeconds` from now (negative: lapsed that long ago). */
async function lease(inSeconds: number): Promise<string> {
  const id = randomUUID()
  await pool.query(
    `insert into engine_processes (id, expires_at) values ($1, now() + make_interval(secs => $2))`,
    [id, inSeconds],
  )
  return id
}

/** A running attempt of `processId` (null: claimed before leases), started `agoSeconds` ago. */
async function running(processId: string | null, agoSeconds = 1): Promise<string> {
  const id = randomUUID()
  await pool.query(
    `insert into job_executions (id, job_id, boss_job_id, occurrence_at, attempt, status, started_at,
       lateness_ms, process_id)
     values ($1, $2, $1, now(), 1, 'running', now() - make_interval(secs => $3), 0, $4)`,
    [id, jobId, agoSeconds, processId],
  )
  return id
}

async function sweep(judgeLeases = true): Promise<string[]> {
  const closed = await sweepAbandonedAttempts(pool, new Date(), LEGACY_GRACE_MS, SELF, judgeLeases)
  return closed.map((c) => c.id).sort()
}

async function row(id: string) {
  const result = await pool.query<{ status: string; error_class: string | null }>(
    'select status, error_class from job_executions where id = $1',
    [id],
  )
  return result.rows[0]
}

describe('sweepAbandonedAttempts', () => {
  it('closes the attempts of a process whose lease lapsed, and leaves a live one’s alone', async () => {
    const dead = await running(await lease(-5))
    const alive = await running(await lease(30), 3_600)
    assert.deepEqual(await sweep(), [dead])
    assert.deepEqual(await row(dead), { status: 'failed', error_class: 'abandoned' })
    assert.deepEqual(await row(alive), { status: 'running', error_class: null })
  })

  it('never closes the sweeping process’s own attempts, even with its lease lapsed', async () => {
    await pool.query(
      `insert into engine_processes (id, expires_at) values ($1, now() - interval '1 minute')`,
      [SELF],
    )
    const own = await running(SELF, 3_600)
    assert.deepEqual(await sweep(), [])
    assert.equal((await row(own))?.status, 'running')
  })

  it('closes the attempts of a process that has no lease at all', async () => {
    const orphan = await running(randomUUID())
    assert.deepEqual(await sweep(), [orphan])
  })

  it('judges no lease until the sweeping process has held its own for a period (L2)', async () => {
    const dead = await running(await lease(-5))
    const orphan = await running(randomUUID())
    assert.deepEqual(await sweep(false), [])
    assert.deepEqual(await sweep(true), [dead, orphan].sort())
  })

  it('closes an attempt without a process once it outlived its timeout plus the grace, leases or not', async () => {
    const old = await running(null, 30 + 61)
    const recent = await running(null, 30 + 59)
    assert.deepEqual(await sweep(false), [old])
    assert.equal((await row(recent))?.status, 'running')
  })

  it('treats a released attempt (its record refused) as one without a process', async () => {
    const owner = await lease(30)
    const refused = await running(owner, 30 + 61)
    assert.deepEqual(await sweep(), [], 'still vouched for by its live process')
    await releaseAttempt(pool, refused)
    assert.deepEqual(await sweep(), [refused])
  })

  it('returns what the caller needs to fail the occurrence in pg-boss and settle the job', async () => {
    const id = await running(await lease(-5))
    const [closed] = await sweepAbandonedAttempts(pool, new Date(), LEGACY_GRACE_MS, SELF, true)
    assert.deepEqual(closed, {
      id,
      jobId,
      bossJobId: id,
      attempt: 1,
      actionKind: 'webhook',
      final: false,
      source: 'api',
    })
  })
})
