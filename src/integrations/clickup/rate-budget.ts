/**
 * ClickUp's per-token rate limit, shared by every replica through PostgreSQL (like the WhatsApp
 * limiter): each response's X-RateLimit-Remaining / X-RateLimit-Reset are recorded, each request
 * takes one from what is left, and a replica that finds nothing left waits for the reset instead of
 * drawing another 429 for everyone. Times come from the database clock, so replicas agree.
 */
import { createHash } from 'node:crypto'
import type { Queryable } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'

/** When a 429 carries no reset time, assume the window ends this far away. */
const UNKNOWN_RESET_MS = 5_000

export interface RateBudget {
  /**
   * Takes one request from the shared budget: 0 to go now, else the ms until the window resets.
   * Never throws: without the database the call goes ahead (ClickUp still answers 429s).
   */
  take(): Promise<number>
  /** Records what a response says about the budget (a 429 empties it). Never throws. */
  record(status: number, headers: Headers): Promise<void>
}

export function createRateBudget(db: Queryable, token: string, logger: Logger): RateBudget {
  // Rows are keyed by a hash: the token itself is a secret and is never stored.
  const key = createHash('sha256').update(token).digest('hex').slice(0, 32)
  return {
    async take() {
      // Below zero means others are already waiting for this window; once it has passed the
      // budget is unknown again until the next response says what it is.
      const result = await db
        .query<{ remaining: number | null; reset_in_ms: string }>(
          `update clickup_rate_budget
            set remaining = case when reset_at > clock_timestamp() then remaining - 1 else remaining end
          where token_key = $1
        returning remaining,
                  greatest(0, ceil(extract(epoch from reset_at - clock_timestamp()) * 1000))::bigint
                    as reset_in_ms`,
          [key],
        )
        .catch((err: Error) => {
          // The budget only spares ClickUp needless 429s: an unreadable one must not stop a call
          // (e.g. withdrawing a webhook whose secret could not be stored during an outage).
          logger.warn({ err: { message: err.message } }, 'could not read the ClickUp rate limit')
          return { rows: [] }
        })
      const row = result.rows[0]
      if (!row || row.remaining === null || row.remaining >= 0) return 0
      return Number(row.reset_in_ms)
    },
    async record(status, headers) {
      const reset = resetSeconds(headers.get('x-ratelimit-reset'))
      const remaining = Number(headers.get('x-ratelimit-remaining'))
      if (status !== 429 && (reset === null || !Number.isSafeInteger(remaining))) return
      try {
        await db.query(
          `insert into clickup_rate_budget as b (token_key, remaining, reset_at)
           values ($1, $2, coalesce(to_timestamp($3::double precision),
                                    clock_timestamp() + $4 * interval '1 millisecond'))
           on conflict (token_key) do update
             set remaining = case when b.reset_at = excluded.reset_at
                                  then least(b.remaining, excluded.remaining)
                                  else excluded.remaining end,
                 reset_at = excluded.reset_at, updated_at = now()
           where b.reset_at is null or excluded.reset_at >= b.reset_at`,
          [key, status === 429 ? 0 : remaining, reset, UNKNOWN_RESET_MS],
        )
      } catch (err) {
        logger.warn(
          { err: { message: (err as Error).message } },
          'could not record the ClickUp rate limit',
        )
      }
    },
  }
}

/** X-RateLimit-Reset as Unix seconds (ClickUp sends seconds; milliseconds are tolerated), or null. */
function resetSeconds(value: string | null): number | null {
  const n = Number(value)
  if (!value || !Number.isFinite(n) || n <= 0) return null
  return n > 1e12 ? n / 1000 : n
}
