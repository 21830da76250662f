/** Waits for the database at start-up, so a server that starts before Postgres (compose, reboot) does not die. */
import type { Logger } from '../logger.ts'
import type { Queryable } from './pool.ts'

export async function waitForDatabase(
  db: Queryable,
  {
    timeoutMs,
    logger,
    intervalMs = 1_000,
  }: { timeoutMs: number; logger: Logger; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query('select 1')
      return
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      if (Date.now() + intervalMs > deadline) {
        throw new Error(`The database did not answer within ${timeoutMs} ms: ${message}`, {
          cause: err,
        })
      }
      logger.warn({ attempt, error: message }, 'database not reachable yet; retrying')
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
    }
  }
}
