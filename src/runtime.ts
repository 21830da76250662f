/**
 * Builds the scheduler half from config and a pool: actions, pg-boss, engine, service. main.ts and the
 * tests both use it, so what is tested is what runs.
 */
import type { PgBoss } from 'pg-boss'
import { createActionRegistry } from './actions/registry.ts'
import { createWebhookAction } from './actions/webhook.ts'
import type { Config } from './config.ts'
import type { Pool } from './db/pool.ts'
import type { Logger } from './logger.ts'
import { createSchedulerMetrics, type Metrics } from './metrics.ts'
import { createAddressPolicy, createOutboundClient, type HostResolver } from './outbound/index.ts'
import { createBoss } from './scheduler/engine/boss.ts'
import { createEngine, type Engine } from './scheduler/engine/index.ts'
import { countOverdue } from './scheduler/repository/jobs.ts'
import { createSchedulerService, type SchedulerService } from './scheduler/service/index.ts'
import type { Clock } from './time/clock.ts'

export const USER_AGENT = 'agent-tool-server/0.1 (+scheduler)'
/** Time to record an outcome after the attempt timeout before pg-boss treats the attempt as abandoned. */
const EXPIRY_GRACE_SECONDS = 60
/** A due occurrence may wait this long for a worker (e.g. all servers down) before pg-boss drops it. */
const RETENTION_SECONDS = 30 * 24 * 3600
const SWEEP_INTERVAL_MS = 60_000

export interface RuntimeOptions {
  config: Config
  pool: Pool
  connectionString: string
  logger: Logger
  clock: Clock
  metrics: Metrics
  /** Tests inject a DNS resolver for the SSRF guard. */
  lookup?: HostResolver
  /** Tests shorten the stale-attempt sweep. */
  sweepIntervalMs?: number
}

export interface Runtime {
  boss: PgBoss
  engine: Engine
  service: SchedulerService
  registry: ReturnType<typeof createActionRegistry>
  stop(graceMs: number): Promise<void>
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const { config, pool, logger, clock } = options
  const policy = createAddressPolicy({ allowlist: config.webhook.allowlist })
  const outbound = createOutboundClient({ policy, userAgent: USER_AGENT, lookup: options.lookup })
  const registry = createActionRegistry([
    createWebhookAction({
      outbound,
      policy,
      lookup: options.lookup,
      maxResponseBytes: config.webhook.responseBodyLimitBytes,
    }),
  ])
  const boss = createBoss({
    connectionString: options.connectionString,
    logger: logger.child({ component: 'pg-boss' }),
    superviseIntervalSeconds: config.scheduler.superviseIntervalSeconds,
  })
  const schedulerMetrics = createSchedulerMetrics(options.metrics.registry, () =>
    countOverdue(pool, new Date(clock.now().getTime() - 1_000)),
  )
  const engine = createEngine({
    pool,
    boss,
    registry,
    clock,
    logger: logger.child({ component: 'engine' }),
    settings: {
      runWorkers: config.scheduler.workersEnabled,
      sweepIntervalMs: options.sweepIntervalMs ?? SWEEP_INTERVAL_MS,
      dispatch: {
        pollIntervalMs: config.scheduler.pollIntervalMs,
        batchSize: config.scheduler.batchSize,
        maxInFlight: config.scheduler.maxInFlight,
        recordRetryMs: (EXPIRY_GRACE_SECONDS / 2) * 1000,
      },
      delivery: {
        retryDelaySeconds: config.scheduler.retryDelaySeconds,
        retryDelayMaxSeconds: config.scheduler.retryDelayMaxSeconds,
        expiryGraceSeconds: EXPIRY_GRACE_SECONDS,
        retentionSeconds: RETENTION_SECONDS,
      },
    },
    onClaimed: (attempt) => {
      if (attempt.attempt === 1) {
        schedulerMetrics.lateness.observe(
          { action: attempt.job.actionKind },
          attempt.latenessMs / 1000,
        )
      }
    },
    onFinished: (attempt, outcome) => {
      schedulerMetrics.executions.inc({ action: attempt.job.actionKind, outcome: outcome.status })
      schedulerMetrics.attemptDuration.observe(
        { action: attempt.job.actionKind },
        outcome.durationMs / 1000,
      )
    },
  })
  const service = createSchedulerService({
    pool,
    engine,
    registry,
    clock,
    settings: {
      defaultTimezone: config.defaultTimezone,
      minIntervalMs: config.scheduler.minIntervalSeconds * 1000,
      identicalRequestWindowMs: config.scheduler.idempotencyWindowSeconds * 1000,
      defaultTimeoutSeconds: { webhook: config.webhook.defaultTimeoutSeconds },
    },
  })
  return {
    boss,
    engine,
    service,
    registry,
    async stop(graceMs) {
      await engine.stop(graceMs)
      await outbound.close()
    },
  }
}
