/**
 * Execution ids name their attempt (migration 009): the first attempt of an occurrence uses its pg-boss
 * id, a retry an id derived from (pg-boss id, attempt). The redelivery look-ups must still find every
 * attempt of an occurrence, rows written before the migration (random ids) included.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { runMigrations } from '../../../src/db/migrate.ts'
import { executionIdFor } from '../../../src/scheduler/engine/boss.ts'
import {
  abandonRunningAttempts,
  findSucceededOccurrences,
  writeClaims,
} from '../../../src/scheduler/repository/claims.ts'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts'
import { captureLogs } from '../../helpers/log-capture.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let database: TestDatabase
let pool: pg.Pool

before(async () => {
  database = await createTestDatabase('execution_ids')
  pool = new pg.Pool({ connectionString: database.connectionString })
  await runMigrations(pool, captureLogs().logger)
})
after(async () => {
  await pool.end()
  await database.drop()
})

async function insertJob(): Promise<string> {
  const id = randomUUID()
  await pool.query(
    `insert into scheduled_jobs (id, name, action_kind, action_params, schedule, timezone, content_hash, created_by)
     values ($1, 'ids test', 'webhook', '{}', '{}', 'UTC', 'hash', 'test')`,
    [id],
  )
  return id
}

/** Writes an execution row as the claim would (or, with a random id, as before migration 009). */
async function insertExecution(
  jobId: string,
  bossJobId: string,
  attempt: number,
  status: string,
  id = executionIdFor(bossJobId, attempt),
): Promise<string> {
  await pool.query(
    `insert into job_executions (id, job_id, boss_job_id, occurrence_at, attempt, status, started_at, lateness_ms)
     values ($1, $2, $3, now(), $4, $5, now(), 0)`,
    [id, jobId, bossJobId, attempt, status],
  )
  return id
}

async function statusOf(id: string): Promise<string | undefined> {
  const result = await pool.query('select status from job_executions where id = $1', [id])
  return result.rows[0]?.status
}

describe('executionIdFor', () => {
  it("is the occurrence's pg-boss id for the first attempt", () => {
    const boss = randomUUID()
    assert.equal(executionIdFor(boss, 1), boss)
  })

  it('derives a distinct, stable UUID for every later attempt', () => {
    const boss = randomUUID()
    const ids = [2, 3, 4].map((attempt) => executionIdFor(boss, attempt))
    for (const id of ids) assert.match(id, UUID)
    assert.equal(new Set([boss, ...ids]).size, 4)
    assert.deepEqual(
      [2, 3, 4].map((attempt) => executionIdFor(boss, attempt)),
      ids,
    )
    assert.notEqual(executionIdFor(randomUUID(), 2), ids[0])
  })
})

describe('attempt look-ups of redelivered occurrences', () => {
  it('close running attempts whatever their id: first, retried, or from before migration 009', async () => {
    const jobId = await insertJob()
    const [first, retried, legacy, other] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
    const firstRow = await insertExecution(jobId, first, 1, 'running')
    await insertExecution(jobId, retried, 1, 'failed')
    const retriedRow = await insertExecution(jobId, retried, 2, 'running')
    const legacyRow = await insertExecution(jobId, legacy, 1, 'running', randomUUID())
    const otherRow = await insertExecution(jobId, other, 1, 'running')

    const closed = await abandonRunningAttempts(pool, [first, retried, legacy], new Date())

    assert.equal(closed, 3)
    assert.equal(await statusOf(firstRow), 'failed')
    assert.equal(await statusOf(retriedRow), 'failed')
    assert.equal(await statusOf(legacyRow), 'failed')
    assert.equal(await statusOf(otherRow), 'running', "another occurrence's attempt is left alone")
  })

  it('find occurrences with a succeeded attempt, legacy rows included', async () => {
    const jobId = await insertJob()
    const [first, retried, legacy, failedOnly] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ]
    await insertExecution(jobId, first, 1, 'succeeded')
    await insertExecution(jobId, retried, 1, 'failed')
    await insertExecution(jobId, retried, 2, 'succeeded')
    await insertExecution(jobId, legacy, 1, 'succeeded', randomUUID())
    await insertExecution(jobId, failedOnly, 1, 'failed')

    const found = await findSucceededOccurrences(pool, [first, retried, legacy, failedOnly])

    assert.deepEqual([...found].sort(), [first, retried, legacy].sort())
  })

  it('a claim that opens the same attempt twice writes one row and fails nothing', async () => {
    const jobId = await insertJob()
    const boss = randomUUID()
    const claim = () =>
      writeClaims(
        pool,
        [
          {
            id: executionIdFor(boss, 1),
            jobId,
            bossJobId: boss,
            occurrenceAt: '2026-11-27T08:00:00.000Z',
            manual: false,
            attempt: 1,
            latenessMs: 0,
          },
        ],
        [
          {
            id: jobId,
            generation: 1,
            runIncrement: 1,
            nextRunAt: undefined,
            plannedIncrement: 0,
            lastExecutionId: executionIdFor(boss, 1),
          },
        ],
        new Date(),
        randomUUID(),
      )
    assert.deepEqual(await claim(), [])
    assert.deepEqual(await claim(), [])
    const rows = await pool.query('select id from job_executions where boss_job_id = $1', [boss])
    assert.deepEqual(
      rows.rows.map((r) => r.id),
      [boss],
    )
  })
})
