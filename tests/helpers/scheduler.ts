/** A migrated database with a started scheduler runtime, for service, route and engine tests. */
import type pg from 'pg'
import type { Config } from '../../src/config.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createMetrics, type Metrics } from '../../src/metrics.ts'
import type { HostResolver } from '../../src/outbound/index.ts'
import { createRuntime, type Runtime } from '../../src/runtime.ts'
import { type Clock, systemClock } from '../../src/time/clock.ts'
import { makeTestConfig } from './app.ts'
import { createTestDatabase, type TestDatabase } from './database.ts'
import { type CapturedLogs, captureLogs } from './log-capture.ts'

export interface TestScheduler {
  database: TestDatabase
  pool: pg.Pool
  runtime: Runtime
  config: Config
  logs: CapturedLogs
  metrics: Metrics
  /** Stops the runtime, closes the pool and drops the database. */
  close(): Promise<void>
}

export interface TestSchedulerOptions {
  /** Environment overrides; by default loopback receivers are allow-listed and retries are fast. */
  env?: Record<string, string>
  clock?: Clock
  lookup?: HostResolver
  /** Reuse a database (a second engine instance on the same data). */
  database?: TestDatabase
  sweepIntervalMs?: number
}

export const FAST_ENGINE_ENV = {
  WEBHOOK_ALLOWLIST: '127.0.0.1/32,localhost',
  SCHEDULER_POLL_INTERVAL_MS: '200',
  RETRY_DELAY_SECONDS: '1',
  RETRY_DELAY_MAX_SECONDS: '2',
  SUPERVISE_INTERVAL_SECONDS: '1',
  MIN_INTERVAL_SECONDS: '1',
}

export async function startTestScheduler(
  label: string,
  options: TestSchedulerOptions = {},
): Promise<TestScheduler> {
  const database = options.database ?? (await createTestDatabase(label))
  const logs = captureLogs()
  const config = makeTestConfig({
    ...FAST_ENGINE_ENV,
    DATABASE_URL: database.connectionString,
    ...options.env,
  })
  const pool = createPool({ connectionString: database.connectionString, logger: logs.logger })
  await runMigrations(pool, logs.logger)
  const metrics = createMetrics({ collectProcess: false })
  const runtime = createRuntime({
    config,
    pool,
    connectionString: database.connectionString,
    logger: logs.logger,
    clock: options.clock ?? systemClock,
    metrics,
    lookup: options.lookup,
    sweepIntervalMs: options.sweepIntervalMs,
  })
  await runtime.engine.start()
  await runtime.callbacks.start()
  let closed = false
  return {
    database,
    pool,
    runtime,
    config,
    logs,
    metrics,
    async close() {
      if (closed) return
      closed = true
      await runtime.stop(2_000)
      await pool.end()
      if (!options.database) await database.drop()
    },
  }
}

/**
 * Creates `count` one-time webhook jobs due at `runAt` (ISO, or a function asked before each group),
 * ten at a time: one by one, 500 took over 4 s on a loaded CI machine, longer than the lead the tests
 * gave them, so the engine began delivering before the test was ready. `urlFor(i)` names each job's
 * target. Returns the job ids.
 */
export async function createWebhookJobs(
  scheduler: TestScheduler,
  count: number,
  runAt: string | (() => string),
  urlFor: (i: number) => string,
): Promise<string[]> {
  const ids: string[] = []
  for (let start = 0; start < count; start += 10) {
    const group = Array.from({ length: Math.min(10, count - start) }, (_, k) => start + k)
    const dueAt = typeof runAt === 'string' ? runAt : runAt()
    const created = await Promise.all(
      group.map((i) =>
        scheduler.runtime.service.createJob(
          'webhook',
          { name: `job ${i}`, run_at: dueAt, url: urlFor(i) },
          { name: 'tests' },
        ),
      ),
    )
    ids.push(...created.map((c) => c.job.id))
  }
  return ids
}
