/**
 * Applies the numbered SQL files in sql/ with postgres-migrations. Its advisory lock makes concurrent
 * replicas safe: the second waits, then finds nothing left to do. Files are never edited once landed
 * (the runner checks their hashes); a fix is a new file.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import { migrate } from 'postgres-migrations'
import type { Logger } from '../logger.ts'
import { type Queryable, withClient } from './pool.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../sql/', import.meta.url))

/** File names of every migration this code knows, in order. */
export function listMigrationFiles(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /^\d+_[a-z0-9_]+\.sql$/.test(name))
    .sort()
}

export async function runMigrations(
  pool: pg.Pool,
  logger: Logger,
  dir = MIGRATIONS_DIR,
): Promise<void> {
  // The lock is session-level, so the whole run must stay on one connection, not the pool.
  const applied = await withClient(pool, (client) =>
    migrate({ client }, dir, { logger: (msg) => logger.debug({ migration: msg }, 'migrate') }),
  )
  if (applied.length > 0) {
    logger.info({ applied: applied.map((m) => m.fileName) }, 'applied database migrations')
  }
}

/**
 * Throws unless every known migration is recorded as applied. postgres-migrations records its own
 * bootstrap as id 0, so our files are ids 1..n.
 */
export async function assertMigrationsApplied(
  db: Queryable,
  expected: readonly string[],
): Promise<void> {
  const result = await db.query<{ count: string }>(
    'select count(*)::text as count from migrations where id > 0',
  )
  const applied = Number(result.rows[0]?.count ?? 0)
  if (applied < expected.length) {
    throw new Error(`${applied} of ${expected.length} migrations applied`)
  }
}
