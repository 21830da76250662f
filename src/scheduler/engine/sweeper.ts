/**
 * Finds attempts whose process is gone (engine/lease.ts), closes them as abandoned and hands their
 * occurrences back to pg-boss, which retries them (or fails them after the last attempt); settles the
 * job when that was its last occurrence.
 *
 * Invariant S1: an attempt is closed here only when its process's lease has lapsed (L1), judged by a
 * process that has held its own lease for a whole period (L2), never its own (L3). Its closing, pg-boss's
 * fail of the attempt ({id, retryCount}: a redelivery already under way is left alone), the job it
 * settles and the abandon hook's writes commit together.
 */
import type { PgBoss } from 'pg-boss'
import { bossDb } from '../../db/boss-db.ts'
import type { Pool } from '../../db/pool.ts'
import { withTransaction } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { Clock } from '../../time/clock.ts'
import { pruneLapsedLeases } from '../repository/leases.ts'
import {
  type AbandonedAttempt,
  settleAbandonedJobs,
  sweepAbandonedAttempts,
} from '../repository/outcomes.ts'
import { type OccurrenceData, queueName } from './boss.ts'
import type { EngineHooks } from './hooks.ts'
import type { ProcessLease } from './lease.ts'

export interface SweeperDeps {
  pool: Pool
  boss: PgBoss
  clock: Clock
  logger: Logger
  intervalMs: number
  lease: ProcessLease
  /** How long a lease lasts without renewal: the sweeper judges others only after holding its own that long (L2). */
  leasePeriodMs: number
  /** Attempts claimed before leases existed: closed this long after their timeout. */
  legacyGraceMs: number
  /** Read at every sweep, so hooks registered after construction apply. */
  hooks: Readonly<EngineHooks>
}

/**
 * The pg-boss retry count the attempt ran as. A replay (retryExecution) is a pg-boss job of its own
 * whose first try continues its run's numbering after `previous_attempts`; for every other
 * occurrence attempt N is retry N − 1.
 */
async function retryCountOf(
  boss: PgBoss,
  db: ReturnType<typeof bossDb>,
  attempt: AbandonedAttempt,
): Promise<number> {
  if (attempt.attempt === 1) return 0
  const [job] = await boss.findJobs<OccurrenceData>(queueName(attempt.actionKind), {
    id: attempt.bossJobId,
    db,
  })
  return attempt.attempt - 1 - (job?.data.previous_attempts ?? 0)
}

/** Gives the closed attempts back to pg-boss: a retry when attempts are left, else a failure. */
async function failInBoss(
  boss: PgBoss,
  tx: Parameters<typeof bossDb>[0],
  closed: readonly AbandonedAttempt[],
) {
  const db = bossDb(tx)
  const byQueue = new Map<string, { id: string; retryCount: number }[]>()
  for (const attempt of closed) {
    const queue = queueName(attempt.actionKind)
    const targets = byQueue.get(queue) ?? []
    targets.push({ id: attempt.bossJobId, retryCount: await retryCountOf(boss, db, attempt) })
    byQueue.set(queue, targets)
  }
  for (const [queue, targets] of byQueue)
    await boss.fail(queue, targets, { abandoned: true }, { db })
}

export function createSweeper(deps: SweeperDeps) {
  let timer: NodeJS.Timeout | undefined
  let sweeping: Promise<void> | undefined
  let stopping = false

  async function sweep() {
    // L2: right after start or after an outage, every other process first gets a period to renew.
    const judgeLeases = deps.lease.heldForMs() >= deps.leasePeriodMs
    try {
      const closed = await withTransaction(deps.pool, async (tx) => {
        const now = deps.clock.now()
        const rows = await sweepAbandonedAttempts(
          tx,
          now,
          deps.legacyGraceMs,
          deps.lease.processId,
          judgeLeases,
        )
        if (rows.length > 0) {
          await failInBoss(deps.boss, tx, rows)
          await settleAbandonedJobs(
            tx,
            rows.map((r) => r.id),
            now,
          )
          await deps.hooks.onAbandoned?.(tx, rows)
        }
        await pruneLapsedLeases(tx)
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
