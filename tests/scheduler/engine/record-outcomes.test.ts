/**
 * How the engine records what an action asks for beyond ok/failed: `retryable: false` settles the
 * occurrence without a retry, `deferUntil` runs the same occurrence again later without using up a
 * retry. Uses a scripted action kind so the mechanism is tested apart from any real action.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { z } from '@hono/zod-openapi'
import type pg from 'pg'
import { runMigrations } from '../../../src/db/migrate.ts'
import { createPool } from '../../../src/db/pool.ts'
import type {
  ActionDefinition,
  ActionResult,
  ExecutionContext,
} from '../../../src/scheduler/action-contract.ts'
import { createActionRegistry } from '../../../src/scheduler/action-registry.ts'
import { createBoss, queueName } from '../../../src/scheduler/engine/boss.ts'
import { createEngine, type Engine } from '../../../src/scheduler/engine/index.ts'
import {
  createSchedulerService,
  type SchedulerService,
} from '../../../src/scheduler/service/index.ts'
import { systemClock } from '../../../src/time/clock.ts'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts'
import { executionRows, sleep, waitUntil } from '../../helpers/engine-wait.ts'
import { captureLogs } from '../../helpers/log-capture.ts'

type Script = (ctx: ExecutionContext, call: number) => ActionResult | Promise<ActionResult>
interface Call {
  script: string
  ctx: ExecutionContext
  at: number
}

const scripts: Record<string, Script> = {}
const calls: Call[] = []
const callsOf = (script: string) => calls.filter((c) => c.script === script)

const scripted: ActionDefinition<{ script: string }, Record<string, never>> = {
  kind: 'scripted',
  tool: {
    path: '/jobs/scripted',
    operationId: 'scheduleScripted',
    summary: 'test',
    description: 'A scripted test action.',
  },
  fields: { script: z.string() },
  toolFields: { script: z.string().describe('The script.') },
  requiredFields: ['script'],
  defaultTimeoutSeconds: 30,
  prepare: async (input) => ({ params: { script: String(input.script) }, secrets: {} }),
  prepareUpdate: async (_input, current) => current,
  describe: (params) => `script ${params.script}`,
  async execute({ params }, ctx) {
    const call = callsOf(params.script).length + 1
    calls.push({ script: params.script, ctx, at: Date.now() })
    const script = scripts[params.script]
    return script ? script(ctx, call) : { ok: true, requestSummary: {} }
  },
}

/** Recording-hook test: refusals left, and each refused write's view of the execution from outside. */
const hook = { refusalsLeft: 0, statusSeenWhenRefused: [] as (string | undefined)[] }

const logs = captureLogs()
let database: TestDatabase
let pool: pg.Pool
let engine: Engine
let service: SchedulerService

before(async () => {
  database = await createTestDatabase('engine_record_outcomes')
  pool = createPool({ connectionString: database.connectionString, logger: logs.logger })
  await runMigrations(pool, logs.logger)
  await pool.query('create table hook_marks (execution_id uuid primary key, status text not null)')
  const registry = createActionRegistry([scripted])
  const boss = createBoss({
    connectionString: database.connectionString,
    logger: logs.logger,
    superviseIntervalSeconds: 1,
  })
  engine = createEngine({
    pool,
    claimPool: pool,
    boss,
    registry,
    clock: systemClock,
    logger: logs.logger,
    settings: {
      runWorkers: true,
      sweepIntervalMs: 60_000,
      leasePeriodSeconds: 60,
      dispatch: {
        pollIntervalMs: 100,
        batchSize: 10,
        claimConcurrency: 2,
        maxInFlight: 10,
        recordBatchSize: 50,
        recordConcurrency: 2,
      },
      delivery: {
        retryDelaySeconds: 1,
        retryDelayMaxSeconds: 1,
        retentionSeconds: 3_600,
      },
    },
  })
  engine.registerHooks({
    // Marks every finished attempt of a `hooked` job in the recording transaction, or refuses to.
    async onRecording(tx, finished) {
      for (const { attempt, outcome } of finished) {
        // The database refuses every record of a `refused` job (a division by zero stands for any
        // statement it rejects).
        if (attempt.job.actionParams.script === 'refused') await tx.query('select 1 / 0')
        if (attempt.job.actionParams.script !== 'hooked') continue
        if (hook.refusalsLeft > 0) {
          hook.refusalsLeft -= 1
          const seen = await pool.query<{ status: string }>(
            'select status from job_executions where id = $1',
            [attempt.executionId],
          )
          hook.statusSeenWhenRefused.push(seen.rows[0]?.status)
          throw new Error('the hook refused this batch')
        }
        await tx.query('insert into hook_marks (execution_id, status) values ($1, $2)', [
          attempt.executionId,
          outcome.status,
        ])
      }
    },
  })
  service = createSchedulerService({
    pool,
    engine,
    registry,
    clock: systemClock,
    settings: {
      defaultTimezone: 'UTC',
      minIntervalMs: 1_000,
      identicalRequestWindowMs: 0,
    },
  })
  await engine.start()
})
after(async () => {
  await engine?.stop(1_000)
  await pool?.end()
  await database?.drop()
})

async function schedule(script: string, extra: Record<string, unknown> = {}) {
  const created = await service.createJob(
    'scripted',
    { name: script, delay: '1s', script, ...extra },
    { name: 'tests' },
  )
  return created.job.id
}

async function bossStates(jobId: string): Promise<string[]> {
  const result = await pool.query<{ state: string }>(
    `select state from pgboss.job where name = $1 and data->>'job_id' = $2 order by created_on`,
    [queueName('scripted'), jobId],
  )
  return result.rows.map((r) => r.state)
}

describe('recordOutcomes', () => {
  it('commits what the recording hook writes with the outcome, and nothing of either when it throws', async () => {
    hook.refusalsLeft = 2
    const jobId = await schedule('hooked', { max_attempts: 1 })
    await waitUntil(
      'job completed',
      async () => (await service.getJob(jobId)).job.status === 'completed',
      15_000,
    )
    const rows = await executionRows(pool, jobId)
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.status, 'succeeded')
    // Both refused writes rolled the outcome back: from outside it was still running each time.
    assert.deepEqual(hook.statusSeenWhenRefused, ['running', 'running'])
    const marks = await pool.query('select status from hook_marks where execution_id = $1', [
      rows[0]?.id,
    ])
    assert.deepEqual(marks.rows, [{ status: 'succeeded' }])
    assert.equal(callsOf('hooked').length, 1, 'recording again does not run the action again')
  })

  it('releases an attempt whose record the database keeps refusing, for the sweeper to retry', async () => {
    const jobId = await schedule('refused', { max_attempts: 1 })
    await waitUntil(
      'the attempt released',
      () => /the database refuses this outcome; released the attempt/.test(logs.text()),
      15_000,
    )
    const rows = await pool.query<{ status: string; process_id: string | null }>(
      'select status, process_id from job_executions where job_id = $1',
      [jobId],
    )
    // Still running, but no process vouches for it any more: the sweeper's rule for attempts
    // without a process closes it once it outlives its timeout (abandoned-attempts.test.ts).
    assert.deepEqual(rows.rows, [{ status: 'running', process_id: null }])
    assert.equal(callsOf('refused').length, 1)
  })

  it('retries a plain failure until max_attempts', async () => {
    scripts.plain = () => ({ ok: false, requestSummary: {}, errorClass: 'http_status' })
    const jobId = await schedule('plain', { max_attempts: 2 })
    await waitUntil('two attempts', () => callsOf('plain').length >= 2, 10_000)
    const job = await waitUntil('job failed', async () => {
      const { job } = await service.getJob(jobId)
      return job.status === 'failed' ? job : null
    })
    assert.equal(job.run_count, 1)
    assert.deepEqual(await bossStates(jobId), ['failed'])
  })

  it('gives up on an action that ignores its timeout, aborting its signal, and records a timeout', async () => {
    let aborted = false
    scripts.hung = (ctx) => {
      ctx.signal.addEventListener('abort', () => {
        aborted = true
      })
      return new Promise<ActionResult>(() => {})
    }
    const jobId = await schedule('hung', { max_attempts: 1, timeout_seconds: 1 })
    await waitUntil('the attempt', () => callsOf('hung').length >= 1, 10_000)
    const started = Date.now()
    await waitUntil('job failed', async () => (await service.getJob(jobId)).job.status === 'failed')
    // Timeout 1 s plus the 1 s backstop margin, from the start of the attempt.
    assert.ok(Date.now() - started >= 1_500, 'not given up before the backstop')
    assert.equal(aborted, true)
    const rows = await executionRows(pool, jobId)
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.error_class, 'timeout')
    assert.deepEqual(await bossStates(jobId), ['failed'])
  })

  it('does not retry an attempt marked retryable: false and settles the job as failed', async () => {
    scripts.final = () => ({
      ok: false,
      retryable: false,
      requestSummary: { sent: true },
      errorClass: 'uncertain_delivery',
      errorMessage: 'may have been delivered',
    })
    const jobId = await schedule('final', { max_attempts: 3 })
    await waitUntil('the attempt', () => callsOf('final').length >= 1, 10_000)
    await waitUntil('job failed', async () => (await service.getJob(jobId)).job.status === 'failed')
    // Longer than the retry delay: a retry would have run by now.
    await sleep(2_500)
    assert.equal(callsOf('final').length, 1)
    const rows = await executionRows(pool, jobId)
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.status, 'failed')
    assert.equal(rows[0]?.error_class, 'uncertain_delivery')
    assert.deepEqual(await bossStates(jobId), ['completed'])
  })

  it('runs a deferred occurrence again at deferUntil without using up a retry', async () => {
    let deferUntil = 0
    scripts.defer = (_ctx, call) => {
      if (call > 1) return { ok: true, requestSummary: {}, output: { call } }
      deferUntil = Date.now() + 1_500
      return {
        ok: false,
        requestSummary: {},
        deferUntil: new Date(deferUntil),
        errorClass: 'deferred',
        errorMessage: 'waiting for a slot',
      }
    }
    const jobId = await schedule('defer', { max_attempts: 1 })
    await waitUntil('the deferred re-run', () => callsOf('defer').length >= 2, 10_000)
    const [first, second] = callsOf('defer')
    assert.ok(first && second)
    assert.ok(second.at >= deferUntil, 'not before deferUntil')
    assert.ok(
      second.at < deferUntil + 1_000,
      `re-run ${second.at - deferUntil} ms after deferUntil`,
    )
    assert.equal(second.ctx.occurrenceAt, first.ctx.occurrenceAt)
    assert.equal(second.ctx.attempt, 1)
    const job = await waitUntil('job completed', async () => {
      const { job } = await service.getJob(jobId)
      return job.status === 'completed' ? job : null
    })
    assert.equal(job.run_count, 1, 'a deferral is not a new run')
    const rows = await executionRows(pool, jobId)
    assert.deepEqual(
      rows.map((r) => [r.status, r.error_class, r.attempt]),
      [
        ['failed', 'deferred', 1],
        ['succeeded', null, 1],
      ],
    )
    assert.deepEqual(await bossStates(jobId), ['completed', 'completed'])
  })

  it('keeps a recurring chain single when an occurrence defers', async () => {
    scripts.chain = (ctx) => {
      const deferredBefore = calls.some(
        (c) => c.script === 'chain' && c.ctx.occurrenceAt === ctx.occurrenceAt && c.ctx !== ctx,
      )
      return deferredBefore
        ? { ok: true, requestSummary: {} }
        : {
            ok: false,
            requestSummary: {},
            deferUntil: new Date(Date.now() + 300),
            errorClass: 'deferred',
          }
    }
    const created = await service.createJob(
      'scripted',
      { name: 'chain', every: '1s', max_runs: 3, script: 'chain' },
      { name: 'tests' },
    )
    const jobId = created.job.id
    const job = await waitUntil(
      'three runs completed',
      async () => {
        const { job } = await service.getJob(jobId)
        return job.status === 'completed' ? job : null
      },
      15_000,
    )
    assert.equal(job.run_count, 3)
    const rows = await executionRows(pool, jobId)
    const succeeded = rows.filter((r) => r.status === 'succeeded')
    assert.equal(succeeded.length, 3)
    assert.equal(new Set(succeeded.map((r) => r.occurrence_at.getTime())).size, 3)
    assert.equal(rows.filter((r) => r.error_class === 'deferred').length, 3)
  })
})
