/** What every dashboard route needs, built once by createDashboard. */

import type { ApiKey } from '../config.ts'
import type { Pool } from '../db/pool.ts'
import type { ClickUpService } from '../integrations/clickup/index.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { ActionRegistry } from '../scheduler/action-registry.ts'
import type { SchedulerService } from '../scheduler/service/index.ts'
import type { Clock } from '../time/clock.ts'
import type { ToolRegistry } from '../tools/index.ts'
import type { CookieSettings } from './session/middleware.ts'
import type { SessionManager } from './session/sessions.ts'
import type { StaticAssets } from './static.ts'

export interface DashboardDeps {
  pool: Pool
  /** API_KEYS: each teammate logs in with their own named key. */
  keys: readonly ApiKey[]
  publicUrl: string
  defaultTimezone: string
  /** Reads for the pages (job detail, lists, overview). */
  scheduler: SchedulerService
  /** Changes go through the agent tools' own handlers, so they mean the same on every face. */
  tools: ToolRegistry
  metrics: Metrics
  registry: ActionRegistry
  clickup: ClickUpService | null
  clock: Clock
  logger: Logger
}

export interface UiContext extends DashboardDeps {
  assets: StaticAssets
  sessions: SessionManager
  cookie: CookieSettings
}
