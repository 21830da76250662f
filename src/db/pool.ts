/** The pg pool and the narrow query interface repositories take, so a transaction client fits too. */
import pg from 'pg'
import type { Logger } from '../logger.ts'

export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
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

/** Runs `work` in one transaction on one client; rolls back on any error and rethrows it. */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (tx: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}
