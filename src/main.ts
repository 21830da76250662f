/**
 * The composition root: config → database (embedded when DATABASE_URL is unset) → migrations → HTTP.
 * Stops in reverse order on SIGTERM/SIGINT.
 */
// First: on a too old Node.js this stops with a clear message before any dependency loads.
import './node-version.ts'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { startEmbeddedPostgres } from './db/embedded.ts'
import { assertMigrationsApplied, listMigrationFiles, runMigrations } from './db/migrate.ts'
import { createPool } from './db/pool.ts'
import { waitForDatabase } from './db/wait.ts'
import { createApiKeyVerifier } from './http/auth.ts'
import { createLogger } from './logger.ts'
import { createMetrics } from './metrics.ts'
import { createRuntime } from './runtime.ts'
import { createShutdown, type StopStep } from './shutdown.ts'
import { systemClock } from './time/clock.ts'

/** Signals closer together than this are one request to stop, delivered twice. */
const DUPLICATE_SIGNAL_WINDOW_MS = 1_000

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`agent-tool-server: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  const logger = createLogger({ level: config.logLevel })
  if (config.apiKeys.length === 0) {
    logger.warn(
      { host: config.host },
      'API_KEYS is empty: every tool is open to anyone who can reach this server. ' +
        (config.hostExplicit
          ? 'HOST was set explicitly, so it listens there anyway.'
          : 'Listening on 127.0.0.1 only.') +
        ' Set API_KEYS (e.g. `openssl rand -hex 32`) before exposing it.',
    )
  }

  const stopSteps: StopStep[] = []
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({ ...config.embeddedPostgres, logger })
  const connectionString = embedded?.connectionString ?? config.databaseUrl ?? ''
  const pool = createPool({ connectionString, logger })
  stopSteps.push({ name: 'database pool', stop: () => pool.end() })
  if (embedded) stopSteps.push({ name: 'embedded postgres', stop: embedded.stop })

  const metrics = createMetrics()
  const migrationFiles = listMigrationFiles()
  try {
    await waitForDatabase(pool, { timeoutMs: config.databaseStartupTimeoutMs, logger })
    await runMigrations(pool, logger)
  } catch (err) {
    logger.fatal({ err }, 'start-up failed')
    for (const step of stopSteps) await step.stop().catch(() => {})
    process.exit(1)
  }

  const runtime = createRuntime({
    config,
    pool,
    connectionString,
    logger,
    clock: systemClock,
    metrics,
  })
  try {
    await runtime.engine.start()
    await runtime.callbacks.start()
    await runtime.clickup?.start()
    runtime.retention.start()
  } catch (err) {
    logger.fatal({ err }, 'the scheduling engine could not start')
    for (const step of stopSteps) await step.stop().catch(() => {})
    process.exit(1)
  }
  // Stops before the pool: running attempts finish (bounded) and are recorded first.
  stopSteps.unshift({ name: 'scheduler', stop: () => runtime.stop(config.shutdownTimeoutMs) })

  const shutdown = createShutdown({
    steps: stopSteps,
    timeoutMs: config.shutdownTimeoutMs,
    logger,
  })
  const app = createApp({
    config,
    logger,
    clock: systemClock,
    metrics,
    apiKeys: createApiKeyVerifier(config.apiKeys),
    registry: runtime.registry,
    scheduler: runtime.service,
    clickup: runtime.clickup,
    dashboard: { pool, keys: config.apiKeys },
    difyCatalog: runtime.difyCatalog,
    whatsapp: runtime.whatsapp,
    readiness: [
      shutdown.readiness,
      { name: 'database', check: async () => void (await pool.query('select 1')) },
      { name: 'migrations', check: () => assertMigrationsApplied(pool, migrationFiles) },
      { name: 'workers', check: async () => runtime.engine.checkHealth() },
    ],
  })
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server
  server.once('listening', () =>
    logger.info(
      { host: config.host, port: config.port, public_url: config.publicUrl },
      'listening',
    ),
  )
  shutdown.serve(server)
  server.once('error', (err) => {
    logger.fatal({ err }, 'HTTP server failed')
    void shutdown.run('http server error').then(() => process.exit(1))
  })
  let firstSignalAt: number | undefined
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (firstSignalAt !== undefined) {
        // Ctrl-C reaches every process of the group and npm relays it too, so one keypress can
        // arrive twice; only a later signal means "stop now".
        if (Date.now() - firstSignalAt < DUPLICATE_SIGNAL_WINDOW_MS) return
        logger.warn({ signal }, 'second signal: exiting now')
        process.exit(1)
      }
      firstSignalAt = Date.now()
      void shutdown.run(signal).then(() => process.exit(0))
    })
  }
}

await main()
