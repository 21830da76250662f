// Builds the benchmark's world: a throw-away database, the production runtime over it, and pool instrumentation.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { type Config, loadConfig } from '../src/config.ts'
import { runMigrations } from '../src/db/migrate.ts'
import { createPool } from '../src/db/pool.ts'
import { createLogger, type Logger } from '../src/logger.ts'
import { createMetrics } from '../src/metrics.ts'
import { createRuntime, type Runtime } from '../src/runtime.ts'
import { systemClock } from '../src/time/clock.ts'

export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres'

/** Engine variables a run may override from the environment (for experiments); everything else is default. */
const PASS_THROUGH = [
  'SCHEDULER_POLL_INTERVAL_MS',
  'SCHEDULER_BATCH_SIZE',
  'SCHEDULER_MAX_IN_FLIGHT',
  'SUPERVISE_INTERVAL_SECONDS',
  'WORKERS_ENABLED',
]

export interface BenchDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** A new empty database named `<prefix>_<random>`, dropped by `drop()`. */
export async function createBenchDatabase(prefix = 'ats_bench'): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  await admin(`create database ${name}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  let dropped = false
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return
      dropped = true
      await admin(`drop database if exists ${name} with (force)`)
    },
  }
}

/** Time callers waited for a pooled client, in ms (only promise-style `connect()`, i.e. transactions). */
export interface PoolProbe {
  waits: number[]
  reset(): void
}

function probePool(pool: pg.Pool): PoolProbe {
  const probe: PoolProbe = {
    waits: [],
    reset() {
      probe.waits = []
    },
  }
  const original = pool.connect.bind(pool) as (cb?: unknown) => Promise<pg.PoolClient> | undefined
  const wrapped = (cb?: unknown) => {
    if (typeof cb === 'function') return original(cb)
    const started = performance.now()
    return (original() as Promise<pg.PoolClient>).then((client) => {
      probe.waits.push(performance.now() - started)
      return client
    })
  }
  ;(pool as unknown as { connect: typeof wrapped }).connect = wrapped
  return probe
}

export interface BenchWorld {
  database: BenchDatabase
  config: Config
  /** The environment given to loadConfig (what differs from the defaults). */
  env: Record<string, string>
  pool: pg.Pool
  probe: PoolProbe
  runtime: Runtime
  logger: Logger
  close(): Promise<void>
}

export async function startWorld(
  database: BenchDatabase,
  { poolMax }: { poolMax?: number } = {},
): Promise<BenchWorld> {
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    WEBHOOK_ALLOWLIST: '127.0.0.1/32',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    // The cron case fires every second; the default minimum interval (10 s) would refuse it.
    MIN_INTERVAL_SECONDS: '1',
  }
  for (const key of PASS_THROUGH) {
    const value = process.env[key]
    if (value) env[key] = value
  }
  const config = loadConfig(env)
  // Logs go to stderr so stdout holds only the report.
  const logger = createLogger({ level: config.logLevel, destination: process.stderr })
  const pool = createPool({ connectionString: database.url, logger, max: poolMax })
  const probe = probePool(pool)
  await runMigrations(pool, logger)
  const runtime = createRuntime({
    config,
    pool,
    connectionString: database.url,
    logger,
    clock: systemClock,
    metrics: createMetrics({ collectProcess: false }),
  })
  await runtime.engine.start()
  return {
    database,
    config,
    env,
    pool,
    probe,
    runtime,
    logger,
    async close() {
      await runtime.stop(5_000)
      await pool.end()
    },
  }
}
