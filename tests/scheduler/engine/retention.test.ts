/**
 * The retention pass (engine/retention.ts) on real rows and a fixed clock: what goes (old executions,
 * finished jobs past their retention), what always stays (K1–K6 in repository/retention.ts), bounded
 * batches, one replica at a time, a prompt stop, and its log line and metrics.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, beforeEach, describe, it } from 'node:test'
import pg from 'pg'
import { runMigrations } from '../../../src/db/migrate.ts'
import { withTransaction } from '../../../src/db/pool.ts'
import { createMetrics, createRetentionMetrics } from '../../../src/metrics.ts'
import {
  createRetentionLoop,
  RETENTION_LOCK_KEY,
  type RetentionSettings,
  runRetentionPass,
} from '../../../src/scheduler/engine/retention.ts'
import { deleteJobsBatch, filterPrunableJobs } from '../../../src/scheduler/repository/retention.ts'
import { createFixedClock } from '../../../src/time/clock.ts'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts'
import { waitUntil } from '../../helpers/engine-wait.ts'
import { captureLogs } from '../../helpers/log-capture.ts'

const DAY = 86_400_000
const NOW = new Date('2026-12-01T12:00:00Z')
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY)
const SETTINGS: RetentionSettings = {
  executionRetentionDays: 90,
  executionsKeptPerJob: 5,
  jobRetentionDays: 180,
}

let database: TestDatabase
let pool: pg.Pool
const clock = createFixedClock(NOW)
const logs = captureLogs('info')

before(async () => {
  database = await createTestDatabase('engine_retention')
  pool = new pg.Pool({ connectionString: database.connectionString, max: 6 })
  await runMigrations(pool, logs.logger)
})
after(async () => {
  await pool.end()
  await database.drop()
})
beforeEach(async () => {
  await pool.query(
    'truncate job_executions, scheduled_jobs, job_changes, clickup_rule_tasks, clickup_rules',
  )
})

interface JobSeed {
  status?: string
  createdAt?: Date
  updatedAt?: Date
}

async function insertJob(seed: JobSeed = {}): Promise<string> {
  const id = randomUUID()
  const createdAt = seed.createdAt ?? daysAgo(400)
  await pool.query(
    `insert into scheduled_jobs (id, name, status, action_kind, action_params, schedule, timezone,
       content_hash, created_by, created_at, updated_at)
     values ($1, 'job', $2, 'webhook', '{}', '{}', 'UTC', 'h', 'test', $3, $4)`,
    [id, seed.status ?? 'scheduled', createdAt, seed.updatedAt ?? createdAt],
  )
  return id
}

interface ExecutionSeed {
  startedAt: Date
  status?: string
  reports?: string
}

async function insertExecution(jobId: string, seed: ExecutionSeed): Promise<string> {
  const id = randomUUID()
  await pool.query(
    `insert into job_executions (id, job_id, boss_job_id, occurrence_at, attempt, status, started_at,
       lateness_ms, reports_execution_id)
     values ($1, $2, $1, $3, 1, $4, $3, 0, $5)`,
    [id, jobId, seed.startedAt, seed.status ?? 'succeeded', seed.reports ?? null],
  )
  return id
}

/** `count` executions of the job, one a day, the newest `newestDaysAgo` days ago; oldest first. */
async function insertDaily(jobId: string, count: number, newestDaysAgo: number) {
  const values = Array.from({ length: count }, (_, i) => daysAgo(newestDaysAgo + count - 1 - i))
  const result = await pool.query<{ id: string }>(
    `insert into job_executions (id, job_id, boss_job_id, occurrence_at, attempt, status, started_at,
       lateness_ms)
     select id, $1, id, t, 1, 'succeeded', t, 0
     from (select gen_random_uuid() as id, t, n from unnest($2::timestamptz[]) with ordinality as u(t, n)) g
     order by n
     returning id`,
    [jobId, values],
  )
  return result.rows.map((r) => r.id)
}

async function executionIds(jobId: string): Promise<Set<string>> {
  const result = await pool.query<{ id: string }>(
    'select id from job_executions where job_id = $1',
    [jobId],
  )
  return new Set(result.rows.map((r) => r.id))
}

async function jobExists(id: string): Promise<boolean> {
  const result = await pool.query('select 1 from scheduled_jobs where id = $1', [id])
  return (result.rowCount ?? 0) > 0
}

const pass = (settings: Partial<RetentionSettings> = {}, batchSize = 1_000) =>
  runRetentionPass({
    pool,
    clock,
    logger: logs.logger,
    settings: { ...SETTINGS, ...settings },
    batchSize,
    pauseMs: 0,
  })

describe('runRetentionPass: executions', () => {
  it('deletes executions past the retention and keeps each job’s newest ones', async () => {
    const job = await insertJob()
    const old = await insertDaily(job, 12, 100) // 111 … 100 days ago
    const recent = await insertDaily(job, 3, 10) // 12 … 10 days ago
    const small = await insertJob()
    const smallRows = await insertDaily(small, 4, 300) // fewer than kept: all stay
    const report = await pass()
    // Newest 5: the 3 recent ones and the 2 newest old ones.
    assert.deepEqual(await executionIds(job), new Set([...old.slice(-2), ...recent]))
    assert.deepEqual(await executionIds(small), new Set(smallRows))
    assert.equal(report.executionsDeleted, 10)
    assert.equal(report.jobsDeleted, 0)
  })

  it('keeps the summary’s execution, running ones and runs a callback row reports', async () => {
    const job = await insertJob()
    const old = await insertDaily(job, 10, 150)
    const [summary, reported] = [old[0], old[1]] as [string, string]
    await pool.query('update scheduled_jobs set last_execution_id = $2 where id = $1', [
      job,
      summary,
    ])
    const running = await insertExecution(job, { startedAt: daysAgo(200), status: 'running' })
    const callback = await insertExecution(job, { startedAt: daysAgo(1), reports: reported })
    const newest = await insertDaily(job, 4, 2)
    await pass()
    assert.deepEqual(
      await executionIds(job),
      new Set([summary, reported, running, callback, ...newest]),
    )
  })

  it('deletes an old callback row and then the run it reported, in the same pass', async () => {
    const job = await insertJob()
    const run = await insertExecution(job, { startedAt: daysAgo(120) })
    const callback = await insertExecution(job, { startedAt: daysAgo(119), reports: run })
    const newest = await insertDaily(job, 5, 1)
    const report = await pass()
    assert.deepEqual(await executionIds(job), new Set(newest))
    assert.equal(report.executionsDeleted, 2)
    assert.ok(!(await executionIds(job)).has(callback))
  })

  it('keeps every execution with EXECUTION_RETENTION_DAYS=0', async () => {
    const job = await insertJob()
    const rows = await insertDaily(job, 20, 500)
    const report = await pass({ executionRetentionDays: 0 })
    assert.deepEqual(await executionIds(job), new Set(rows))
    assert.equal(report.executionsDeleted, 0)
  })

  it('deletes in batches of at most batchSize rows, each its own statement', async () => {
    const job = await insertJob()
    await insertDaily(job, 2_505, 100)
    const report = await pass({}, 1_000)
    assert.equal(report.executionsDeleted, 2_500)
    // 1,000 + 1,000 + 500: never more than a batch at once.
    assert.equal(report.batches, 3)
    assert.equal((await executionIds(job)).size, 5)
  })
})

describe('runRetentionPass: finished jobs', () => {
  it('deletes finished jobs past JOB_RETENTION_DAYS with their executions and changes', async () => {
    const ids: Record<string, string> = {}
    for (const status of ['completed', 'cancelled', 'failed']) {
      ids[status] = await insertJob({ status, updatedAt: daysAgo(200) })
      await insertDaily(ids[status] as string, 3, 201)
      await pool.query(
        `insert into job_changes (job_id, changed_at, actor, via, change) values ($1, $2, 'k', 'api', 'create')`,
        [ids[status], daysAgo(300)],
      )
    }
    const report = await pass()
    for (const id of Object.values(ids)) assert.equal(await jobExists(id), false)
    const left = await pool.query('select count(*)::int as n from job_executions')
    assert.equal(left.rows[0].n, 0)
    const changes = await pool.query('select count(*)::int as n from job_changes')
    assert.equal(changes.rows[0].n, 0)
    assert.equal(report.jobsDeleted, 3)
    assert.equal(report.executionsDeleted, 9)
  })

  it('never deletes active or paused jobs, however old', async () => {
    const scheduled = await insertJob({ status: 'scheduled', updatedAt: daysAgo(400) })
    const paused = await insertJob({ status: 'paused', updatedAt: daysAgo(400) })
    await pass()
    assert.equal(await jobExists(scheduled), true)
    assert.equal(await jobExists(paused), true)
  })

  it('keeps finished jobs with anything recent: an update, a change, an execution, a running one', async () => {
    const finishedRecently = await insertJob({ status: 'completed', updatedAt: daysAgo(30) })
    const replayedRecently = await insertJob({ status: 'failed', updatedAt: daysAgo(200) })
    await pool.query(
      `insert into job_changes (job_id, changed_at, actor, via, change) values ($1, $2, 'k', 'api', 'replay')`,
      [replayedRecently, daysAgo(1)],
    )
    const ranRecently = await insertJob({ status: 'completed', updatedAt: daysAgo(200) })
    await insertExecution(ranRecently, { startedAt: daysAgo(2) })
    const stillRunning = await insertJob({ status: 'failed', updatedAt: daysAgo(200) })
    await insertExecution(stillRunning, { startedAt: daysAgo(250), status: 'running' })
    await pass()
    for (const id of [finishedRecently, replayedRecently, ranRecently, stillRunning]) {
      assert.equal(await jobExists(id), true, id)
    }
  })

  it('keeps the job a ClickUp task link points to', async () => {
    const linked = await insertJob({ status: 'completed', updatedAt: daysAgo(300) })
    const rule = randomUUID()
    await pool.query(
      `insert into clickup_rules (id, name, trigger_status, run_at_field, action) values ($1, 'r', 'ready', 'now', 'webhook')`,
      [rule],
    )
    await pool.query(
      `insert into clickup_rule_tasks (rule_id, task_id, job_id) values ($1, 't1', $2)`,
      [rule, linked],
    )
    await pass()
    assert.equal(await jobExists(linked), true)
  })

  it('keeps finished jobs forever with JOB_RETENTION_DAYS=0', async () => {
    const job = await insertJob({ status: 'completed', updatedAt: daysAgo(3_000) })
    const report = await pass({ jobRetentionDays: 0 })
    assert.equal(await jobExists(job), true)
    assert.equal(report.jobsDeleted, 0)
  })

  it('deletes a job with more executions than a batch over several transactions', async () => {
    const job = await insertJob({ status: 'completed', updatedAt: daysAgo(200) })
    await insertDaily(job, 2_300, 200)
    const report = await pass({ executionRetentionDays: 0 }, 1_000)
    assert.equal(await jobExists(job), false)
    assert.equal(report.executionsDeleted, 2_300)
    assert.equal(report.batches, 3)
  })
})

describe('deleteJobsBatch', () => {
  it('re-checks after locking: a replay committed since the first look keeps the job', async () => {
    const job = await insertJob({ status: 'failed', updatedAt: daysAgo(200) })
    const cutoff = daysAgo(180)
    assert.deepEqual(await filterPrunableJobs(pool, [job], cutoff), [job])
    await pool.query(
      `insert into job_changes (job_id, changed_at, actor, via, change) values ($1, $2, 'k', 'api', 'replay')`,
      [job, NOW],
    )
    const result = await withTransaction(pool, (tx) => deleteJobsBatch(tx, [job], cutoff, 1_000))
    assert.equal(result.jobsDeleted, 0)
    assert.equal(await jobExists(job), true)
  })

  it('skips a job another transaction holds locked (a replay or claim under way)', async () => {
    const job = await insertJob({ status: 'completed', updatedAt: daysAgo(200) })
    const holder = await pool.connect()
    try {
      await holder.query('begin')
      await holder.query('select 1 from scheduled_jobs where id = $1 for update', [job])
      const result = await withTransaction(pool, (tx) =>
        deleteJobsBatch(tx, [job], daysAgo(180), 1_000),
      )
      assert.equal(result.jobsDeleted, 0)
      await holder.query('rollback')
    } finally {
      holder.release()
    }
    assert.equal(await jobExists(job), true)
  })
})

describe('createRetentionLoop', () => {
  const loopOf = (overrides: { pauseMs?: number; batchSize?: number } = {}) =>
    createRetentionLoop({
      pool,
      clock,
      logger: logs.logger,
      settings: SETTINGS,
      batchSize: overrides.batchSize ?? 1_000,
      pauseMs: overrides.pauseMs ?? 0,
    })

  it('skips the pass while another replica holds the lock', async () => {
    const job = await insertJob()
    await insertDaily(job, 10, 100)
    const other = await pool.connect()
    try {
      await other.query('select pg_advisory_lock($1)', [RETENTION_LOCK_KEY])
      assert.equal(await loopOf().runOnce(), null)
      assert.equal((await executionIds(job)).size, 10)
      await other.query('select pg_advisory_unlock($1)', [RETENTION_LOCK_KEY])
    } finally {
      other.release()
    }
  })

  it('lets only one of two replicas prune at once', async () => {
    const job = await insertJob()
    await insertDaily(job, 60, 100)
    // Slow passes (a pause after each of several batches) overlap for sure.
    const [a, b] = [
      loopOf({ pauseMs: 100, batchSize: 10 }),
      loopOf({ pauseMs: 100, batchSize: 10 }),
    ]
    const reports = await Promise.all([a.runOnce(), b.runOnce()])
    assert.equal(reports.filter((r) => r === null).length, 1)
    assert.equal(reports.find((r) => r !== null)?.executionsDeleted, 55)
  })

  it('stops a pass under way promptly when stopped', async () => {
    const job = await insertJob()
    await insertDaily(job, 205, 100)
    const loop = loopOf({ pauseMs: 5_000, batchSize: 10 })
    const running = loop.runOnce()
    let stopAt = 0
    try {
      await waitUntil('the first batch', async () => (await executionIds(job)).size < 205, 5_000)
    } finally {
      stopAt = performance.now()
      await loop.stop()
    }
    assert.ok(performance.now() - stopAt < 1_000, 'stop waited for the pause')
    const report = await running
    assert.ok(report && report.executionsDeleted < 200, 'the pass went on after stop')
    assert.ok(logs.lines().some((l) => l.msg === 'retention pass stopped early'))
  })

  it('runs passes on its timer once started', async () => {
    const job = await insertJob()
    await insertDaily(job, 10, 100)
    const loop = createRetentionLoop({
      pool,
      clock,
      logger: logs.logger,
      settings: SETTINGS,
      pauseMs: 0,
      firstPassDelayMs: 10,
    })
    loop.start()
    try {
      await waitUntil('a pass', async () => (await executionIds(job)).size === 5, 5_000)
    } finally {
      await loop.stop()
    }
  })
})

describe('retention reporting', () => {
  it('logs one line per pass and counts rows by table and pass duration', async () => {
    const job = await insertJob()
    await insertDaily(job, 8, 100)
    const gone = await insertJob({ status: 'cancelled', updatedAt: daysAgo(365) })
    await insertDaily(gone, 2, 365)
    const metrics = createMetrics({ collectProcess: false })
    const own = captureLogs('info')
    await runRetentionPass({
      pool,
      clock,
      logger: own.logger,
      settings: SETTINGS,
      metrics: createRetentionMetrics(metrics.registry),
      pauseMs: 0,
    })
    const lines = own.lines().filter((l) => l.msg === 'retention pass done')
    assert.equal(lines.length, 1)
    assert.equal(lines[0]?.executions_deleted, 5)
    assert.equal(lines[0]?.jobs_deleted, 1)
    assert.equal(typeof lines[0]?.duration_ms, 'number')
    const text = await metrics.registry.metrics()
    assert.match(text, /scheduler_retention_rows_deleted_total\{table="job_executions"\} 5/)
    assert.match(text, /scheduler_retention_rows_deleted_total\{table="scheduled_jobs"\} 1/)
    assert.match(text, /scheduler_retention_pass_duration_seconds_count 1/)
  })
})
