/** Builds the WhatsApp service from configuration: Evolution client, Postgres limiter and service. */
import type { WhatsAppConfig } from '../../config.ts'
import type { Pool } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import { createEvolutionClient } from '../evolution/index.ts'
import { createWhatsAppLimiter } from './limiter.ts'
import { createWhatsAppService, type WhatsAppService } from './service.ts'

/** A direct send waits at most this long for its slot, so the answer stays well inside Dify's 60 s. */
export const DIRECT_MAX_WAIT_MS = 15_000

export interface WhatsAppSetupDeps {
  pool: Pool
  logger: Logger
  /** Identical direct sends from one API key within this window are not sent twice. */
  dedupeWindowSeconds: number
  /** Tests may pin the limiter's jitter. */
  random?: () => number
}

/** Null when EVOLUTION_* is not configured: then no WhatsApp action or tool is registered. */
export function createWhatsAppFromConfig(
  config: WhatsAppConfig,
  deps: WhatsAppSetupDeps,
): WhatsAppService | null {
  if (!config.evolution) return null
  const requestTimeoutMs = config.timeoutSeconds * 1000
  const client = createEvolutionClient({
    baseUrl: config.evolution.apiUrl,
    apiKey: config.evolution.apiKey,
    instance: config.evolution.instance,
    timeoutMs: requestTimeoutMs,
  })
  const limiter = createWhatsAppLimiter({
    pool: deps.pool,
    instance: config.evolution.instance,
    limits: {
      minGapMs: config.minGapSeconds * 1000,
      maxPerMinute: config.maxPerMinute,
      maxPerDay: config.maxPerDay,
    },
    random: deps.random,
  })
  return createWhatsAppService({
    client,
    limiter,
    logger: deps.logger.child({ component: 'whatsapp' }),
    settings: {
      requestTimeoutMs,
      directMaxWaitMs: DIRECT_MAX_WAIT_MS,
      dedupeWindowMs: deps.dedupeWindowSeconds * 1000,
    },
  })
}
