/**
 * Every environment variable the server reads, parsed once with zod into a frozen Config.
 * Only main.ts calls loadConfig; nothing else reads process.env.
 */
import { z } from 'zod'
import { type DifyConfig, normaliseDifyApiUrl, parseDifyApps } from './integrations/dify/index.ts'
import { parseAllowlist } from './outbound/index.ts'
import { parseSigningSecrets } from './outbound/signing.ts'
import { DEFAULT_MAX_AHEAD_DAYS, isValidTimezone } from './scheduler/timing/index.ts'

export const DEFAULT_PORT = 8000
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000
export const DEFAULT_DATABASE_STARTUP_TIMEOUT_MS = 60_000
export const DEFAULT_EMBEDDED_PG_PORT = 5544
export const DEFAULT_EMBEDDED_PG_DIR = '.data/postgres'

export const DEFAULT_MIN_INTERVAL_SECONDS = 10
export const DEFAULT_IDEMPOTENCY_WINDOW_SECONDS = 600
export const DEFAULT_EXECUTION_RETENTION_DAYS = 90
export const DEFAULT_EXECUTIONS_KEPT_PER_JOB = 20
export const DEFAULT_JOB_RETENTION_DAYS = 180
/** A hundred years: the largest retention that is still a number of days rather than a typo. */
const MAX_RETENTION_DAYS = 36_500
const MIN_RETENTION_DAYS = 7

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export interface ApiKey {
  /** A label for logs and dedupe scopes; never the key itself. */
  name: string
  key: string
}

export interface Config {
  port: number
  /** Interface to listen on. */
  host: string
  /** True when HOST was given; otherwise an empty API_KEYS forces 127.0.0.1. */
  hostExplicit: boolean
  /** Absolute base URL agents use, without a trailing slash. */
  publicUrl: string
  /** Empty means: start an embedded PostgreSQL. */
  databaseUrl: string | null
  apiKeys: readonly ApiKey[]
  defaultTimezone: string
  logLevel: (typeof LOG_LEVELS)[number]
  bodyLimitBytes: number
  shutdownTimeoutMs: number
  /** How long start-up waits for the database to answer before giving up. */
  databaseStartupTimeoutMs: number
  metricsRequireAuth: boolean
  embeddedPostgres: { dataDir: string; port: number }
  scheduler: SchedulerConfig
  webhook: WebhookConfig
  dify: DifyConfig
  whatsapp: WhatsAppConfig
  clickup: ClickUpConfig
  retention: RetentionConfig
}

/** How long history is kept (engine/retention.ts); 0 days = forever. */
export interface RetentionConfig {
  executionRetentionDays: number
  executionsKeptPerJob: number
  jobRetentionDays: number
}

export interface ClickUpConfig {
  /** Null without CLICKUP_API_TOKEN: every ClickUp route and worker is then absent. */
  apiToken: string | null
  apiUrl: string
  /** Secret of a webhook made by hand (not through POST /clickup/webhooks); null if none. */
  webhookSecret: string | null
  reconcileIntervalMinutes: number
}

export interface SchedulerConfig {
  /** false: this replica serves the API only and runs no attempts. */
  workersEnabled: boolean
  minIntervalSeconds: number
  /** How far ahead run_at, starts_at and delay may reach; beyond one year they get a warning. */
  maxScheduleAheadDays: number
  idempotencyWindowSeconds: number
  pollIntervalMs: number
  batchSize: number
  maxInFlight: number
  retryDelaySeconds: number
  retryDelayMaxSeconds: number
  /** How often attempts of dead processes are looked for (the sweeper) and pg-boss does its upkeep. */
  superviseIntervalSeconds: number
  /**
   * How long a replica's lease lasts without renewal: once it has lapsed that long (the replica died
   * or lost the database alone), its running attempts are closed as abandoned and retried.
   */
  attemptExpiryGraceSeconds: number
}

export interface WebhookConfig {
  /** Hostnames (`api.internal`, `*.corp.example`) and CIDRs admitted despite the SSRF guard. */
  allowlist: readonly string[]
  defaultTimeoutSeconds: number
  responseBodyLimitBytes: number
  /**
   * Keys of WEBHOOK_SIGNING_SECRET in the order given (the first is the current one); empty =
   * deliveries go out unsigned. Non-enumerable: no log or JSON of the config shows them.
   */
  signingKeys: readonly Buffer[]
}

export interface WhatsAppConfig {
  /** Null unless EVOLUTION_API_URL, EVOLUTION_API_KEY and EVOLUTION_API_INSTANCE are all set. */
  evolution: { apiUrl: string; apiKey: string; instance: string } | null
  /** Smallest gap between two sends of the instance; each gap is randomised up to twice this. */
  minGapSeconds: number
  maxPerMinute: number
  maxPerDay: number
  /** Timeout of one Evolution request. */
  timeoutSeconds: number
}

const emptyToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value

const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional())
const integerIn = (min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  )
/**
 * 0 (forever) or at least MIN_RETENTION_DAYS: a shorter retention could delete a run, or the job,
 * that a callback still being delivered reads (5 tries, each up to RETRY_DELAY_MAX_SECONDS ≤ a day
 * apart, plus WhatsApp send-slot waits).
 */
const retentionDays = (fallback: number) =>
  integerIn(0, MAX_RETENTION_DAYS, fallback).refine(
    (days) => days === 0 || days >= MIN_RETENTION_DAYS,
    `must be 0 (keep forever) or at least ${MIN_RETENTION_DAYS} days: a shorter retention could delete a run whose retries or callback are still under way`,
  )
const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  )

const envSchema = z.object({
  PORT: integerIn(1, 65_535, DEFAULT_PORT),
  HOST: optionalString,
  PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({
        protocol: /^https?$/,
        error: 'must be an absolute http(s) URL, e.g. http://tools:8000',
      })
      .optional(),
  ),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  API_KEYS: z.preprocess(emptyToUndefined, z.string().optional()),
  DEFAULT_TIMEZONE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        isValidTimezone,
        'must be an IANA time zone such as UTC or America/Sao_Paulo (not an abbreviation such as EST or CET)',
      )
      .default('UTC'),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  BODY_LIMIT_BYTES: integerIn(1024, 100 * 1024 * 1024, DEFAULT_BODY_LIMIT_BYTES),
  SHUTDOWN_TIMEOUT_MS: integerIn(0, 600_000, DEFAULT_SHUTDOWN_TIMEOUT_MS),
  DATABASE_STARTUP_TIMEOUT_MS: integerIn(0, 600_000, DEFAULT_DATABASE_STARTUP_TIMEOUT_MS),
  METRICS_REQUIRE_AUTH: booleanFlag(false),
  WORKERS_ENABLED: booleanFlag(true),
  MIN_INTERVAL_SECONDS: integerIn(1, 86_400, DEFAULT_MIN_INTERVAL_SECONDS),
  MAX_SCHEDULE_AHEAD_DAYS: integerIn(1, 36_500, DEFAULT_MAX_AHEAD_DAYS),
  IDEMPOTENCY_WINDOW_SECONDS: integerIn(0, 86_400, DEFAULT_IDEMPOTENCY_WINDOW_SECONDS),
  SCHEDULER_POLL_INTERVAL_MS: integerIn(50, 60_000, 1_000),
  SCHEDULER_BATCH_SIZE: integerIn(1, 1_000, 500),
  SCHEDULER_MAX_IN_FLIGHT: integerIn(1, 10_000, 1_000),
  RETRY_DELAY_SECONDS: integerIn(1, 3_600, 5),
  RETRY_DELAY_MAX_SECONDS: integerIn(1, 86_400, 600),
  SUPERVISE_INTERVAL_SECONDS: integerIn(1, 3_600, 30),
  ATTEMPT_EXPIRY_GRACE_SECONDS: integerIn(1, 3_600, 60),
  EXECUTION_RETENTION_DAYS: retentionDays(DEFAULT_EXECUTION_RETENTION_DAYS),
  EXECUTIONS_KEPT_PER_JOB: integerIn(0, 100_000, DEFAULT_EXECUTIONS_KEPT_PER_JOB),
  JOB_RETENTION_DAYS: retentionDays(DEFAULT_JOB_RETENTION_DAYS),
  WEBHOOK_ALLOWLIST: z.preprocess(emptyToUndefined, z.string().optional()),
  WEBHOOK_TIMEOUT_SECONDS: integerIn(1, 3_600, 30),
  WEBHOOK_RESPONSE_BODY_LIMIT_BYTES: integerIn(0, 1024 * 1024, 16 * 1024),
  WEBHOOK_SIGNING_SECRET: optionalString,
  DIFY_API_URL: optionalString,
  DIFY_APPS: optionalString,
  DIFY_DEFAULT_USER: z.preprocess(
    emptyToUndefined,
    z.string().trim().max(200, 'must be at most 200 characters').default('agent-tool-server'),
  ),
  DIFY_TIMEOUT_SECONDS: integerIn(1, 3_600, 300),
  EVOLUTION_API_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({
        protocol: /^https?$/,
        error: 'must be an absolute http(s) URL, e.g. http://evolution:8080',
      })
      .optional(),
  ),
  EVOLUTION_API_KEY: optionalString,
  EVOLUTION_API_INSTANCE: optionalString,
  WHATSAPP_MIN_GAP_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of seconds, e.g. 3 or 0.5' })
      .min(0, 'must be at least 0')
      .max(3_600, 'must be at most 3600')
      .default(3),
  ),
  WHATSAPP_MAX_PER_MINUTE: integerIn(1, 1_000, 12),
  WHATSAPP_MAX_PER_DAY: integerIn(1, 100_000, 500),
  WHATSAPP_TIMEOUT_SECONDS: integerIn(1, 600, 30),
  CLICKUP_API_TOKEN: optionalString,
  CLICKUP_API_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({
        protocol: /^https?$/,
        error: 'must be an absolute http(s) URL, e.g. https://api.clickup.com/api/v2',
      })
      .default('https://api.clickup.com/api/v2'),
  ),
  CLICKUP_WEBHOOK_SECRET: optionalString,
  CLICKUP_RECONCILE_INTERVAL_MINUTES: integerIn(0, 1_440, 15),
  EMBEDDED_PG_DIR: z.preprocess(emptyToUndefined, z.string().default(DEFAULT_EMBEDDED_PG_DIR)),
  EMBEDDED_PG_PORT: integerIn(1, 65_535, DEFAULT_EMBEDDED_PG_PORT),
})

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** `a,b` or `ops:a,dify:b`: unnamed keys get `key1`, `key2`… as their label. */
export function parseApiKeys(raw: string | undefined): ApiKey[] {
  if (!raw) return []
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':')
    const name = colon > 0 ? entry.slice(0, colon).trim() : `key${index + 1}`
    const key = colon > 0 ? entry.slice(colon + 1).trim() : entry
    if (key.length < 16) {
      throw new ConfigError(
        `API_KEYS: entry ${index + 1} (${name}) is shorter than 16 characters; use a long random key, e.g. from \`openssl rand -hex 32\``,
      )
    }
    return { name, key }
  })
  const names = new Set(keys.map((k) => k.name))
  if (names.size !== keys.length) {
    throw new ConfigError('API_KEYS: two entries share a name; give each name:key a unique name')
  }
  return keys
}

function parseWebhookAllowlist(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  try {
    parseAllowlist(entries)
  } catch (err) {
    throw new ConfigError(`WEBHOOK_ALLOWLIST: ${(err as Error).message}`)
  }
  return entries
}

/** Allow-list, timeout, body limit and signing keys; errors name an entry, never a secret. */
function parseWebhookConfig(e: {
  WEBHOOK_ALLOWLIST?: string
  WEBHOOK_TIMEOUT_SECONDS: number
  WEBHOOK_RESPONSE_BODY_LIMIT_BYTES: number
  WEBHOOK_SIGNING_SECRET?: string
}): WebhookConfig {
  let signingKeys: Buffer[]
  try {
    signingKeys = parseSigningSecrets(e.WEBHOOK_SIGNING_SECRET)
  } catch (err) {
    throw new ConfigError(`WEBHOOK_SIGNING_SECRET: ${(err as Error).message}`)
  }
  const config = {
    allowlist: Object.freeze(parseWebhookAllowlist(e.WEBHOOK_ALLOWLIST)),
    defaultTimeoutSeconds: e.WEBHOOK_TIMEOUT_SECONDS,
    responseBodyLimitBytes: e.WEBHOOK_RESPONSE_BODY_LIMIT_BYTES,
  } as WebhookConfig
  Object.defineProperty(config, 'signingKeys', {
    value: Object.freeze(signingKeys),
    enumerable: false,
  })
  return Object.freeze(config)
}

/** DIFY_APPS needs DIFY_API_URL; messages name the entry, never its key. */
function parseDifyConfig(e: {
  DIFY_API_URL?: string
  DIFY_APPS?: string
  DIFY_DEFAULT_USER: string
  DIFY_TIMEOUT_SECONDS: number
}): DifyConfig {
  let apiUrl: string | null = null
  let apps: DifyConfig['apps'] = []
  try {
    apiUrl = e.DIFY_API_URL ? normaliseDifyApiUrl(e.DIFY_API_URL) : null
  } catch (err) {
    throw new ConfigError(`DIFY_API_URL: ${(err as Error).message}`)
  }
  try {
    apps = parseDifyApps(e.DIFY_APPS)
  } catch (err) {
    throw new ConfigError(`DIFY_APPS: ${(err as Error).message}`)
  }
  if (apps.length > 0 && !apiUrl) {
    throw new ConfigError('DIFY_API_URL: required when DIFY_APPS is set, e.g. http://api:5001')
  }
  return Object.freeze({
    apiUrl,
    apps: Object.freeze(apps),
    defaultUser: e.DIFY_DEFAULT_USER,
    timeoutSeconds: e.DIFY_TIMEOUT_SECONDS,
  })
}

/** The three EVOLUTION_* variables come together or not at all (then WhatsApp is off). */
function parseWhatsAppConfig(e: {
  EVOLUTION_API_URL?: string
  EVOLUTION_API_KEY?: string
  EVOLUTION_API_INSTANCE?: string
  WHATSAPP_MIN_GAP_SECONDS: number
  WHATSAPP_MAX_PER_MINUTE: number
  WHATSAPP_MAX_PER_DAY: number
  WHATSAPP_TIMEOUT_SECONDS: number
}): WhatsAppConfig {
  const given = {
    EVOLUTION_API_URL: e.EVOLUTION_API_URL,
    EVOLUTION_API_KEY: e.EVOLUTION_API_KEY,
    EVOLUTION_API_INSTANCE: e.EVOLUTION_API_INSTANCE,
  }
  const missing = Object.keys(given).filter((name) => !given[name as keyof typeof given])
  if (missing.length > 0 && missing.length < 3) {
    throw new ConfigError(
      `${missing.join(', ')}: required when any EVOLUTION_* variable is set (URL, API key and instance name go together)`,
    )
  }
  let evolution: WhatsAppConfig['evolution'] = null
  if (e.EVOLUTION_API_URL && e.EVOLUTION_API_KEY && e.EVOLUTION_API_INSTANCE) {
    evolution = {
      apiUrl: e.EVOLUTION_API_URL.replace(/\/+$/, ''),
      instance: e.EVOLUTION_API_INSTANCE,
    } as NonNullable<WhatsAppConfig['evolution']>
    // Non-enumerable: a stray JSON.stringify or log of the config cannot show the key.
    Object.defineProperty(evolution, 'apiKey', { value: e.EVOLUTION_API_KEY, enumerable: false })
    Object.freeze(evolution)
  }
  return Object.freeze({
    evolution,
    minGapSeconds: e.WHATSAPP_MIN_GAP_SECONDS,
    maxPerMinute: e.WHATSAPP_MAX_PER_MINUTE,
    maxPerDay: e.WHATSAPP_MAX_PER_DAY,
    timeoutSeconds: e.WHATSAPP_TIMEOUT_SECONDS,
  })
}

/** Token and secret are non-enumerable: a stray JSON.stringify or log of the config cannot show them. */
function parseClickUpConfig(e: {
  CLICKUP_API_TOKEN?: string
  CLICKUP_API_URL: string
  CLICKUP_WEBHOOK_SECRET?: string
  CLICKUP_RECONCILE_INTERVAL_MINUTES: number
}): ClickUpConfig {
  const config = {
    apiUrl: e.CLICKUP_API_URL.replace(/\/+$/, ''),
    reconcileIntervalMinutes: e.CLICKUP_RECONCILE_INTERVAL_MINUTES,
  } as ClickUpConfig
  Object.defineProperty(config, 'apiToken', {
    value: e.CLICKUP_API_TOKEN ?? null,
    enumerable: false,
  })
  Object.defineProperty(config, 'webhookSecret', {
    value: e.CLICKUP_WEBHOOK_SECRET ?? null,
    enumerable: false,
  })
  return Object.freeze(config)
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`)
  }
  const e = parsed.data
  const apiKeys = parseApiKeys(e.API_KEYS)
  const hostExplicit = e.HOST !== undefined
  // With no API keys every tool is open, so only this machine may reach it unless HOST says otherwise.
  const host = e.HOST ?? (apiKeys.length === 0 ? '127.0.0.1' : '0.0.0.0')
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  return Object.freeze({
    port: e.PORT,
    host,
    hostExplicit,
    publicUrl,
    databaseUrl: e.DATABASE_URL ?? null,
    apiKeys: Object.freeze(apiKeys),
    defaultTimezone: e.DEFAULT_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    databaseStartupTimeoutMs: e.DATABASE_STARTUP_TIMEOUT_MS,
    metricsRequireAuth: e.METRICS_REQUIRE_AUTH,
    embeddedPostgres: Object.freeze({ dataDir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT }),
    scheduler: Object.freeze({
      workersEnabled: e.WORKERS_ENABLED,
      minIntervalSeconds: e.MIN_INTERVAL_SECONDS,
      maxScheduleAheadDays: e.MAX_SCHEDULE_AHEAD_DAYS,
      idempotencyWindowSeconds: e.IDEMPOTENCY_WINDOW_SECONDS,
      pollIntervalMs: e.SCHEDULER_POLL_INTERVAL_MS,
      batchSize: e.SCHEDULER_BATCH_SIZE,
      maxInFlight: e.SCHEDULER_MAX_IN_FLIGHT,
      retryDelaySeconds: e.RETRY_DELAY_SECONDS,
      retryDelayMaxSeconds: e.RETRY_DELAY_MAX_SECONDS,
      superviseIntervalSeconds: e.SUPERVISE_INTERVAL_SECONDS,
      attemptExpiryGraceSeconds: e.ATTEMPT_EXPIRY_GRACE_SECONDS,
    }),
    webhook: parseWebhookConfig(e),
    dify: parseDifyConfig(e),
    whatsapp: parseWhatsAppConfig(e),
    clickup: parseClickUpConfig(e),
    retention: Object.freeze({
      executionRetentionDays: e.EXECUTION_RETENTION_DAYS,
      executionsKeptPerJob: e.EXECUTIONS_KEPT_PER_JOB,
      jobRetentionDays: e.JOB_RETENTION_DAYS,
    }),
  })
}
