/** What every ClickUp service operation needs: the injected dependencies plus the one API client. */
import type { PgBoss } from 'pg-boss'
import type { Pool } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { ActionRegistry } from '../../scheduler/action-registry.ts'
import type { SchedulerService } from '../../scheduler/service/index.ts'
import type { Clock } from '../../time/clock.ts'
import type { ClickUpClient } from './client.ts'

/**
 * Who creates and changes the jobs: scheduler source "clickup" also marks the jobs to write back,
 * and `via` names the face in each job's audit trail.
 */
export const ACTOR = { name: 'clickup', source: 'clickup', via: 'clickup' } as const

export interface ClickUpServiceDeps {
  config: {
    apiUrl: string
    apiToken: string
    webhookSecret: string | null
    reconcileIntervalMinutes: number
    publicUrl: string
  }
  pool: Pool
  boss: PgBoss
  scheduler: SchedulerService
  registry: ActionRegistry
  clock: Clock
  logger: Logger
  /** false: this replica serves HTTP only; another one runs the queues. */
  runWorkers: boolean
}

export interface ClickUpContext extends ClickUpServiceDeps {
  client: ClickUpClient
}
