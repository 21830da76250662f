/** Builds the app in process for route tests, with captured logs, a fixed clock and test keys. */
import { type AppDeps, createApp } from '../../src/app.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import { createApiKeyVerifier } from '../../src/http/auth.ts'
import { createMetrics } from '../../src/metrics.ts'
import type { ReadinessCheck } from '../../src/routes/health.ts'
import { type Clock, createFixedClock } from '../../src/time/clock.ts'
import { captureLogs } from './log-capture.ts'

export const TEST_API_KEY = 'test-key-0123456789abcdef'
export const authHeader = { Authorization: `Bearer ${TEST_API_KEY}` }

export function makeTestConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    API_KEYS: `tests:${TEST_API_KEY}`,
    PUBLIC_URL: 'http://tools.test:8000',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
    ...env,
  })
}

export interface TestAppOptions {
  env?: Record<string, string>
  clock?: Clock
  readiness?: ReadinessCheck[]
}

export function buildTestApp(options: TestAppOptions = {}) {
  const config = makeTestConfig(options.env)
  const logs = captureLogs()
  const clock = options.clock ?? createFixedClock(new Date('2026-11-27T12:00:00.000Z'))
  const metrics = createMetrics({ collectProcess: false })
  const deps: AppDeps = {
    config,
    logger: logs.logger,
    clock,
    metrics,
    apiKeys: createApiKeyVerifier(config.apiKeys),
    readiness: options.readiness ?? [],
  }
  return { app: createApp(deps), logs, clock, config, metrics }
}
