/** What every service operation needs, built once by createSchedulerService. */

import type { Pool } from '../../db/pool.ts'
import type { CallbackInput } from '../../outcomes/callback-input.ts'
import type { Clock } from '../../time/clock.ts'
import type { ActionRegistry } from '../action-registry.ts'
import type { Engine } from '../engine/index.ts'
import type { ChangeChannel } from '../repository/job-changes.ts'

export interface SchedulerSettings {
  defaultTimezone: string
  /** Smallest gap between runs of a recurring job. */
  minIntervalMs: number
  /** How far ahead run_at, starts_at and delay may reach (MAX_SCHEDULE_AHEAD_DAYS). */
  maxAheadMs?: number
  /** Identical creates from the same API key within this window return the first job. */
  identicalRequestWindowMs: number
}

export interface ServiceContext {
  pool: Pool
  engine: Pick<
    Engine,
    | 'enqueueScheduled'
    | 'enqueueManual'
    | 'withdrawPending'
    | 'notifyPlanned'
    | 'enqueueReplay'
    | 'occurrenceState'
  >
  registry: ActionRegistry
  clock: Clock
  settings: SchedulerSettings
  /** Checks the callback fields of a create (issue 20); without it a create takes no callback. */
  callbacks?: CallbackInput
}

/** Who is asking: the API key name (or integration) and where the job comes from. */
export interface Actor {
  name: string
  /** The face the request came through, for the job's audit trail; default `api`. */
  via?: ChangeChannel
  source?: string
  sourceRef?: string | null
}
