/** Builds the app in process for route tests, with captured logs, a fixed clock and test keys. */
import pg from 'pg'
import { type AppDeps, createApp } from '../../src/app.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import { createApiKeyVerifier } from '../../src/http/auth.ts'
import { createMetrics, type Metrics } from '../../src/metrics.ts'
import type { ReadinessCheck } from '../../src/routes/health.ts'
import { createRuntime, type Runtime } from '../../src/runtime.ts'
import { type Clock, createFixedClock } from '../../src/time/clock.ts'
import { captureLogs } from './log-capture.ts'

export const TEST_API_KEY = 'test-key-0123456789abcdef'
export const authHeader = { Authorization: `Bearer ${TEST_API_KEY}` }
/** A database URL nothing listens on: apps built without a database never touch it. */
const NO_DATABASE = 'postgres://postgres@127.0.0.1:1/none'

export function makeTestConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    API_KEYS: `tests:${TEST_API_KEY}`,
    PUBLIC_URL: 'http://tools.test:8000',
    DATABASE_URL: NO_DATABASE,
    ...env,
  })
}

export interface TestAppOptions {
  env?: Record<string, string>
  clock?: Clock
  readiness?: ReadinessCheck[]
  /** A runtime built over a real database (see scheduler helpers); default: one that is never started. */
  runtime?: Runtime
  metrics?: Metrics
}

export function buildTestApp(options: TestAppOptions = {}) {
  const config = makeTestConfig(options.env)
  const logs = captureLogs()
  const clock = options.clock ?? createFixedClock(new Date('2026-11-27T12:00:00.000Z'))
  const metrics = options.metrics ?? createMetrics({ collectProcess: false })
  const runtime =
    options.runtime ??
    createRuntime({
      config,
      pool: new pg.Pool({ connectionString: NO_DATABASE }),
      connectionString: NO_DATABASE,
      logger: logs.logger,
      clock,
      metrics,
    })
  const deps: AppDeps = {
    config,
    logger: logs.logger,
    clock,
    metrics,
    apiKeys: createApiKeyVerifier(config.apiKeys),
    readiness: options.readiness ?? [],
    registry: runtime.registry,
    scheduler: runtime.service,
    difyCatalog: runtime.difyCatalog,
    whatsapp: runtime.whatsapp,
  }
  return { app: createApp(deps), logs, clock, config, metrics, runtime }
}
