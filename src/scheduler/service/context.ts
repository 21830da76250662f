/** What every service operation needs, built once by createSchedulerService. */
import type { ActionRegistry } from '../../actions/registry.ts'
import type { Pool } from '../../db/pool.ts'
import type { Clock } from '../../time/clock.ts'
import type { Engine } from '../engine/index.ts'

export interface SchedulerSettings {
  defaultTimezone: string
  /** Smallest gap between runs of a recurring job. */
  minIntervalMs: number
  /** Identical creates from the same API key within this window return the first job. */
  identicalRequestWindowMs: number
}

export interface ServiceContext {
  pool: Pool
  engine: Pick<Engine, 'enqueueScheduled' | 'enqueueManual' | 'withdrawPending' | 'notifyPlanned'>
  registry: ActionRegistry
  clock: Clock
  settings: SchedulerSettings
}

/** Who is asking: the API key name (or integration) and where the job comes from. */
export interface Actor {
  name: string
  source?: string
  sourceRef?: string | null
}
