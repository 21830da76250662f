/**
 * Closes attempts left `running` by a process that died on its final attempt (pg-boss will not
 * redeliver those), and settles the job when that was its last occurrence.
 *
 * Invariant S1: an attempt is closed here only well after pg-boss would have expired it (its timeout
 * plus the expiry grace plus three supervise passes), so a pending redelivery is never pre-empted;
 * its closing, the job it settles and the abandon hook's writes commit together.
 */
import type { Pool } from '../../db/pool.ts'
import { withTransaction } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { Clock } from '../../time/clock.ts'
import { settleAbandonedJobs, sweepStaleAttempts } from '../repository/outcomes.ts'
import type { EngineHooks } from './hooks.ts'

export interface SweeperDeps {
  pool: Pool
  clock: Clock
  logger: Logger
  intervalMs: number
  /** Beyond the attempt timeout: longer than pg-boss's expiry, so a redelivery is never pre-empted. */
  graceMs: number
  /** Read at every sweep, so hooks registered after construction apply. */
  hooks: Readonly<EngineHooks>
}

export function createSweeper(deps: SweeperDeps) {
  let timer: NodeJS.Timeout | undefined
  let sweeping: Promise<void> | undefined
  let stopping = false

  async function sweep() {
    try {
      const closed = await withTransaction(deps.pool, async (tx) => {
        const rows = await sweepStaleAttempts(tx, deps.clock.now(), deps.graceMs)
        if (rows.length > 0) {
          await settleAbandonedJobs(
            tx,
            rows.map((r) => r.id),
            deps.clock.now(),
          )
          await deps.hooks.onAbandoned?.(tx, rows)
        }
        return rows
      })
      if (closed.length > 0)
        deps.logger.warn({ executions: closed.map((r) => r.id) }, 'closed abandoned attempts')
    } catch (err) {
      deps.logger.warn({ err: { message: (err as Error).message } }, 'sweep failed; will retry')
    }
  }

  function schedule() {
    if (stopping) return
    timer = setTimeout(() => {
      sweeping = sweep().finally(() => {
        sweeping = undefined
        schedule()
      })
    }, deps.intervalMs)
    timer.unref()
  }

  return {
    start: schedule,
    async stop() {
      stopping = true
      clearTimeout(timer)
      await sweeping
    },
  }
}
