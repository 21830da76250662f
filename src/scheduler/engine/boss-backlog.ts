/**
 * Reads of pg-boss's job table the engine needs and pg-boss has no API for: when the next occurrence
 * becomes fetchable (the dispatcher's exact wake-up) and how many are due but not started (a metrics
 * gauge). Both cover scheduled, retried, manual and deferred occurrences alike, and both are served
 * by pg-boss's index on (name, state, blocked, start_after) over live jobs.
 */
import type { Queryable } from '../../db/pool.ts'
import { BOSS_SCHEMA } from './boss.ts'

/** Earliest start_after in (after, before] of a waiting occurrence in these queues; null when none. */
export async function findNextStart(
  db: Queryable,
  queues: readonly string[],
  after: Date,
  before: Date,
): Promise<Date | null> {
  const result = await db.query<{ at: Date | null }>({
    name: 'engine-next-start',
    text: `select min(start_after) as at from ${BOSS_SCHEMA}.job
     where name = any($1::text[]) and state in ('created', 'retry') and not blocked
       and start_after > $2 and start_after <= $3`,
    values: [queues, after, before],
  })
  return result.rows[0]?.at ?? null
}

/** Occurrences in these queues whose start time is before `before` and that no worker has taken. */
export async function countDueNotStarted(
  db: Queryable,
  queues: readonly string[],
  before: Date,
): Promise<number> {
  const result = await db.query<{ n: number }>(
    `select count(*)::int as n from ${BOSS_SCHEMA}.job
     where name = any($1::text[]) and state in ('created', 'retry') and not blocked and start_after < $2`,
    [queues, before],
  )
  return result.rows[0]?.n ?? 0
}
