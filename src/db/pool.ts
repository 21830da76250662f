/** The pg pool and the narrow query interface repositories take, so a transaction client fits too. */
import pg from 'pg'
import type { Logger } from '../logger.ts'

export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>
  /** With a `name`, the statement is parsed once per connection (the engine's hot statements). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    config: pg.QueryConfig,
  ): Promise<pg.QueryResult<R>>
}

export type Pool = pg.Pool

export interface PoolOptions {
  connectionString: string
  max?: number
  applicationName?: string
  logger: Logger
}

export function createPool({
  connectionString,
  max = 10,
  applicationName = 'agent-tool-server',
  logger,
}: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  })
  // An idle client that loses its connection (Postgres restart) emits here; without a listener Node would crash.
  pool.on('error', (err) =>
    logger.warn({ err: { message: err.message } }, 'idle database connection lost'),
  )
  return pool
}

/**
 * Runs `work` on one checked-out client and always releases it. A connection lost while checked out
 * (Postgres restart) fails the pending query *and* emits 'error' on the client; pg-pool only listens
 * while the client is idle, so without this listener the emit would crash the process. The failed
 * query reports the error; the broken client is destroyed instead of returned to the pool.
 */
export async function withClient<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  let broken = false
  const onError = () => {
    broken = true
  }
  client.on('error', onError)
  try {
    return await work(client)
  } finally {
    client.removeListener('error', onError)
    client.release(broken)
  }
}

/** Runs `work` in one transaction on one client; rolls back on any error and rethrows it. */
export function withTransaction<T>(
  pool: pg.Pool,
  work: (tx: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN')
    try {
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    }
  })
}
