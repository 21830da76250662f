/**
 * The claim reads jobs without locking them and advances only those still at the generation it read
 * (claim.ts). These tests land a job change between that read and the write, deterministically: the
 * change is made first in another transaction and committed only once the claim is waiting for it.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { bossDb } from '../../../src/db/boss-db.ts'
import { withTransaction } from '../../../src/db/pool.ts'
import { type OccurrenceData, queueName } from '../../../src/scheduler/engine/boss.ts'
import { ClaimConflictError, claimOccurrences } from '../../../src/scheduler/engine/claim.ts'
import type { DeliverySettings } from '../../../src/scheduler/engine/occurrences.ts'
import { writeClaims } from '../../../src/scheduler/repository/claims.ts'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { sleep, waitUntil } from '../../helpers/engine-wait.ts'
import { startTestScheduler, type TestScheduler } from '../../helpers/scheduler.ts'

const DELIVERY: DeliverySettings = {
  retryDelaySeconds: 1,
  retryDelayMaxSeconds: 2,
  retentionSeconds: 3_600,
}

/** The claims this file runs itself stand for one process (no sweeper looks at them here). */
const PROCESS_ID = randomUUID()

// The schedulers are each describe's own; the file shares the receiver.
const engine = useEngineTest('engine_claim_race', { withScheduler: false })

/** Opens a transaction that bumps the job's generation (as update/pause/cancel do) and holds it. */
async function holdGenerationBump(connectionString: string, jobId: string) {
  const client = new pg.Client({ connectionString })
  await client.connect()
  await client.query('begin')
  await client.query('update scheduled_jobs set generation = generation + 1 where id = $1', [jobId])
  return {
    async commit() {
      await client.query('commit')
      await client.end()
    },
  }
}

/** Waits until `count` sessions of this database wait for a row lock (a claim reached its write). */
async function waitForLockWait(scheduler: TestScheduler, count = 1) {
  await waitUntil(
    `${count} session(s) waiting for a job row`,
    async () => {
      const result = await scheduler.pool.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
      )
      return (result.rows[0]?.n ?? 0) >= count
    },
    5_000,
    20,
  )
}

async function createDueJob(scheduler: TestScheduler, name: string) {
  const created = await scheduler.runtime.service.createJob(
    'webhook',
    { name, delay: '1s', url: `${engine.receiver.url}/${name}` },
    { name: 'tests' },
  )
  return created.job.id
}

describe('a job changed while its occurrence is being claimed', () => {
  let scheduler: TestScheduler

  before(async () => {
    // No dispatcher: the test runs the claim itself.
    scheduler = await startTestScheduler('engine_claim_race', {
      env: { WORKERS_ENABLED: 'false' },
    })
  })
  after(async () => {
    await scheduler.close()
  })

  it('rolls the whole claim back, and the next claim skips the stale occurrence', async () => {
    const jobId = await createDueJob(scheduler, 'race')
    await sleep(1_300)
    const { boss } = scheduler.runtime
    const queue = queueName('webhook')
    const claim = () =>
      withTransaction(scheduler.pool, async (tx) => {
        const fetched = await boss.fetch<OccurrenceData>(queue, { batchSize: 10, db: bossDb(tx) })
        return claimOccurrences(boss, tx, queue, fetched, new Date(), DELIVERY, PROCESS_ID)
      })

    const change = await holdGenerationBump(scheduler.database.connectionString, jobId)
    const racing = claim()
    // Keep the rejection observed while the test waits.
    racing.catch(() => {})
    await waitForLockWait(scheduler)
    await change.commit()
    await assert.rejects(
      racing,
      (err) => err instanceof ClaimConflictError && err.jobIds.includes(jobId),
    )

    // Nothing of the failed claim stayed: no attempt, no run counted, the occurrence back in line.
    const executions = await scheduler.pool.query(
      'select 1 from job_executions where job_id = $1',
      [jobId],
    )
    assert.equal(executions.rowCount, 0)
    const job = await scheduler.pool.query<{ run_count: number; generation: number }>(
      'select run_count, generation from scheduled_jobs where id = $1',
      [jobId],
    )
    assert.deepEqual(job.rows[0], { run_count: 0, generation: 2 })
    const occurrence = await scheduler.pool.query<{ state: string }>(
      `select state from pgboss.job where name = $1 and data->>'job_id' = $2`,
      [queue, jobId],
    )
    assert.deepEqual(
      occurrence.rows.map((r) => r.state),
      ['created'],
    )

    const again = await claim()
    assert.equal(again.claimed.length, 0)
    assert.deepEqual(
      again.skipped.map((s) => s.reason),
      ['replaced by a newer schedule'],
    )
    assert.equal(engine.receiver.requests.filter((r) => r.path === '/race').length, 0)
  })

  it('locks job rows in id order, so two claims sharing jobs never deadlock', async () => {
    const ids = [await createDueJob(scheduler, 'order-a'), await createDueJob(scheduler, 'order-b')]
    const [low, high] = [...ids].sort()
    assert.ok(low && high)
    const url = scheduler.database.connectionString
    const connect = async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      await client.query('begin')
      // The plan a table of realistic size gets (the rows to update drive an index lookup per job),
      // so the lock order is the statement's, not the order of this tiny table's pages.
      await client.query(
        'set local enable_seqscan = off; set local enable_hashjoin = off; set local enable_mergejoin = off',
      )
      return client
    }
    const update = (id: string) => ({
      id,
      generation: 1,
      runIncrement: 1,
      nextRunAt: undefined,
      plannedIncrement: 0,
      lastExecutionId: crypto.randomUUID(),
    })
    // A third session holds the lower job. Claim A (lower first) waits for it; claim B lists the
    // jobs the other way round. Locking in list order, B would take the higher job and wait for the
    // lower one behind A, and A, once it got the lower one, would wait for B: a deadlock.
    const holder = await connect()
    const a = await connect()
    const b = await connect()
    try {
      await holder.query('select 1 from scheduled_jobs where id = $1 for update', [low])
      const now = new Date()
      const claimA = writeClaims(a, [], [update(low), update(high)], now, PROCESS_ID)
      await waitForLockWait(scheduler, 1)
      const claimB = writeClaims(b, [], [update(high), update(low)], now, PROCESS_ID)
      await waitForLockWait(scheduler, 2)
      await holder.query('commit')
      assert.deepEqual(await claimA, [])
      await a.query('commit')
      assert.deepEqual(await claimB, [])
      await b.query('commit')
    } finally {
      for (const client of [holder, a, b]) await client.end().catch(() => {})
    }
    const counts = await scheduler.pool.query<{ run_count: number }>(
      'select run_count from scheduled_jobs where id = any($1::uuid[])',
      [ids],
    )
    assert.deepEqual(
      counts.rows.map((r) => r.run_count),
      [2, 2],
    )
  })
})

describe('the dispatcher, when a claim loses such a race', () => {
  let scheduler: TestScheduler

  before(async () => {
    scheduler = await startTestScheduler('engine_claim_race_dispatch')
  })
  after(async () => {
    await scheduler.close()
  })

  it('claims again at once instead of failing the pass, and runs nothing stale', async () => {
    const jobId = await createDueJob(scheduler, 'race-dispatch')
    const change = await holdGenerationBump(scheduler.database.connectionString, jobId)
    // The occurrence falls due; the dispatcher's claim reads the job and waits for its row.
    await waitForLockWait(scheduler)
    await change.commit()

    await waitUntil(
      'the stale occurrence completed as skipped',
      async () => {
        const result = await scheduler.pool.query<{ state: string }>(
          `select state from pgboss.job where name = $1 and data->>'job_id' = $2`,
          [queueName('webhook'), jobId],
        )
        return result.rows[0]?.state === 'completed'
      },
      5_000,
    )
    assert.equal(engine.receiver.requests.filter((r) => r.path === '/race-dispatch').length, 0)
    const executions = await scheduler.pool.query(
      'select 1 from job_executions where job_id = $1',
      [jobId],
    )
    assert.equal(executions.rowCount, 0)
    const failedPasses = scheduler.logs
      .lines()
      .filter((l) => l.msg === 'dispatch pass failed; retrying on the next poll')
    assert.deepEqual(failedPasses, [])
    assert.ok(
      scheduler.logs.lines().some((l) => l.msg === 'claim raced; claiming again'),
      'the claim was retried',
    )
  })
})
