/**
 * Builds the scheduler half from config and a pool: actions, pg-boss, engine, service. main.ts and the
 * tests both use it, so what is tested is what runs.
 */
import type { PgBoss } from 'pg-boss'
import { createConfiguredDifyAction } from './actions/dify.ts'
import { createWebhookAction } from './actions/webhook.ts'
import { createWhatsAppAction } from './actions/whatsapp.ts'
import type { Config } from './config.ts'
import { createPool, type Pool } from './db/pool.ts'
import { type ClickUpService, createClickUpService } from './integrations/clickup/index.ts'
import type { DifyCatalog } from './integrations/dify/index.ts'
import { createWhatsAppFromConfig, type WhatsAppService } from './integrations/whatsapp/index.ts'
import type { Logger } from './logger.ts'
import { createRetentionMetrics, createSchedulerMetrics, type Metrics } from './metrics.ts'
import { createAddressPolicy, createOutboundClient, type HostResolver } from './outbound/index.ts'
import { createWebhookSigner } from './outbound/signing.ts'
import {
  createCallbackInput,
  createOutcomeCallbacks,
  type OutcomeCallbacks,
} from './outcomes/index.ts'
import { createActionRegistry } from './scheduler/action-registry.ts'
import {
  countDueNotStarted,
  createBoss,
  createEngine,
  createRetentionLoop,
  type Engine,
  queueName,
  type RetentionLoop,
} from './scheduler/engine/index.ts'
import { createSchedulerService, type SchedulerService } from './scheduler/service/index.ts'
import { settleReplays } from './scheduler/service/replay-settle.ts'
import { MS_PER_DAY } from './scheduler/timing/index.ts'
import type { Clock } from './time/clock.ts'

export const USER_AGENT = 'agent-tool-server/0.1 (+scheduler)'
/** A due occurrence may wait this long for a worker (e.g. all servers down) before pg-boss drops it. */
const RETENTION_SECONDS = 30 * 24 * 3600
/** How often callbacks whose worker died are looked for. */
const CALLBACK_SWEEP_INTERVAL_MS = 60_000
/** Claim transactions at once; their pool has one more connection for wake-up planning. */
const CLAIM_CONCURRENCY = 2
const CLAIM_POOL_SIZE = CLAIM_CONCURRENCY + 1
/**
 * Outcomes are recorded by one transaction at a time, each taking everything that finished meanwhile
 * (up to this many). Under load the batches grow by themselves, so every commit (a WAL flush) and
 * every statement is shared by more attempts; several smaller transactions at once cost more
 * database time per attempt.
 */
const RECORD_BATCH_SIZE = 500
const RECORD_CONCURRENCY = 1

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
  /** Present only when CLICKUP_API_TOKEN is set; call start() after engine.start(). */
  clickup: ClickUpService | null
  /** The Dify apps behind listDifyApps; null without DIFY_APPS. */
  difyCatalog: DifyCatalog | null
  /** The service behind the direct WhatsApp tools; null without EVOLUTION_*. */
  whatsapp: WhatsAppService | null
  /** Callbacks when runs settle; call start() after engine.start(). */
  callbacks: OutcomeCallbacks
  /** The hourly retention pass (one replica at a time); call start() after engine.start(). */
  retention: RetentionLoop
  stop(graceMs: number): Promise<void>
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const { config, pool, logger, clock } = options
  let stopping: Promise<void> | undefined
  const claimPool = createPool({
    connectionString: options.connectionString,
    max: CLAIM_POOL_SIZE,
    applicationName: 'agent-tool-server:claims',
    logger,
  })
  const policy = createAddressPolicy({ allowlist: config.webhook.allowlist })
  const signer = createWebhookSigner(config.webhook.signingKeys)
  if (!signer.signs) {
    logger.info(
      'webhook calls and callbacks are unsigned: set WEBHOOK_SIGNING_SECRET (whsec_…) to sign them',
    )
  }
  const outbound = createOutboundClient({ policy, userAgent: USER_AGENT, lookup: options.lookup })
  // Registered only when DIFY_APPS names an app; its key lookups and client live in the action.
  const dify = createConfiguredDifyAction({
    config: config.dify,
    userAgent: USER_AGENT,
    logger: logger.child({ component: 'dify' }),
  })
  // Registered only when EVOLUTION_* is set; the direct WhatsApp tools share this service.
  const whatsapp = createWhatsAppFromConfig(config.whatsapp, {
    pool,
    logger,
    dedupeWindowSeconds: config.scheduler.idempotencyWindowSeconds,
  })
  const registry = createActionRegistry([
    createWebhookAction({
      outbound,
      policy,
      lookup: options.lookup,
      maxResponseBytes: config.webhook.responseBodyLimitBytes,
      defaultTimeoutSeconds: config.webhook.defaultTimeoutSeconds,
      signer,
    }),
    ...(dify ? [dify] : []),
    ...(whatsapp ? [createWhatsAppAction(whatsapp)] : []),
  ])
  const boss = createBoss({
    connectionString: options.connectionString,
    logger: logger.child({ component: 'pg-boss' }),
    superviseIntervalSeconds: config.scheduler.superviseIntervalSeconds,
  })
  const schedulerMetrics = createSchedulerMetrics(options.metrics.registry, () =>
    countDueNotStarted(
      pool,
      registry.kinds().map(queueName),
      new Date(clock.now().getTime() - 1_000),
    ),
  )
  // A callback runs through its target's action, under that action's default attempt timeout (0 for
  // an action not configured: no callback can name it).
  const actionTimeoutSeconds = (kind: string) => registry.get(kind)?.defaultTimeoutSeconds ?? 0
  const callbacks = createOutcomeCallbacks({
    pool,
    boss,
    registry,
    clock,
    logger: logger.child({ component: 'callbacks' }),
    runWorkers: config.scheduler.workersEnabled,
    sweepIntervalMs: options.sweepIntervalMs ?? CALLBACK_SWEEP_INTERVAL_MS,
    settings: {
      retryDelaySeconds: config.scheduler.retryDelaySeconds,
      retryDelayMaxSeconds: config.scheduler.retryDelayMaxSeconds,
      expiryGraceSeconds: config.scheduler.attemptExpiryGraceSeconds,
      timeoutSeconds: {
        url: actionTimeoutSeconds('webhook'),
        conversation: actionTimeoutSeconds('dify'),
        whatsapp: actionTimeoutSeconds('whatsapp'),
      },
    },
  })
  const engine = createEngine({
    pool,
    claimPool,
    boss,
    registry,
    clock,
    logger: logger.child({ component: 'engine' }),
    settings: {
      runWorkers: config.scheduler.workersEnabled,
      // Finding attempts of dead processes is the sweeper's (no longer pg-boss's expiry), on the
      // cadence SUPERVISE_INTERVAL_SECONDS names for it.
      sweepIntervalMs: options.sweepIntervalMs ?? config.scheduler.superviseIntervalSeconds * 1000,
      leasePeriodSeconds: config.scheduler.attemptExpiryGraceSeconds,
      dispatch: {
        pollIntervalMs: config.scheduler.pollIntervalMs,
        batchSize: config.scheduler.batchSize,
        claimConcurrency: CLAIM_CONCURRENCY,
        maxInFlight: config.scheduler.maxInFlight,
        recordBatchSize: RECORD_BATCH_SIZE,
        recordConcurrency: RECORD_CONCURRENCY,
      },
      delivery: {
        retryDelaySeconds: config.scheduler.retryDelaySeconds,
        retryDelayMaxSeconds: config.scheduler.retryDelayMaxSeconds,
        retentionSeconds: RETENTION_SECONDS,
      },
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
      maxAheadMs: config.scheduler.maxScheduleAheadDays * MS_PER_DAY,
      identicalRequestWindowMs: config.scheduler.idempotencyWindowSeconds * 1000,
    },
    callbacks: createCallbackInput({
      policy,
      lookup: options.lookup,
      dify: dify ? { catalog: dify.catalog, defaultUser: config.dify.defaultUser } : null,
      whatsapp,
    }),
  })
  const retention = createRetentionLoop({
    pool,
    clock,
    logger: logger.child({ component: 'retention' }),
    settings: config.retention,
    metrics: createRetentionMetrics(options.metrics.registry),
  })
  // ClickUp rules drive jobs through the service; its queues run on the same pg-boss.
  const clickupToken = config.clickup.apiToken
  const clickup: ClickUpService | null = clickupToken
    ? createClickUpService({
        config: {
          apiUrl: config.clickup.apiUrl,
          apiToken: clickupToken,
          webhookSecret: config.clickup.webhookSecret,
          reconcileIntervalMinutes: config.clickup.reconcileIntervalMinutes,
          publicUrl: config.publicUrl,
        },
        pool,
        boss,
        scheduler: service,
        registry,
        clock,
        logger: logger.child({ component: 'clickup' }),
        runWorkers: config.scheduler.workersEnabled,
      })
    : null

  // The parts are built; now they are wired together.
  engine.registerHooks({
    onClaimed: (attempt) => {
      if (attempt.attempt === 1 && !attempt.bossJob.data.deferred) {
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
  // ClickUp write-backs, callbacks and replays' job statuses commit with the outcome they report (a
  // crash cannot lose one).
  engine.registerHooks({
    onRecording: async (tx, finished) => {
      await clickup?.queueWritebacks(tx, finished)
      await callbacks.onRecording(tx, finished)
      await settleReplays(tx, finished, clock.now())
    },
    onAbandoned: async (tx, closed) => {
      await clickup?.queueAbandonedWritebacks(tx, closed)
      await callbacks.onAbandoned(tx, closed)
    },
  })
  return {
    boss,
    engine,
    service,
    registry,
    clickup,
    difyCatalog: dify?.catalog ?? null,
    whatsapp,
    callbacks,
    retention,
    stop(graceMs) {
      // Idempotent: main's shutdown and a test's cleanup may both call it.
      stopping ??= (async () => {
        await retention.stop()
        await clickup?.stop()
        await callbacks.stop()
        await engine.stop(graceMs)
        await claimPool.end()
        await outbound.close()
        await dify?.close()
      })()
      return stopping
    },
  }
}
