// A throw-away database for the scale bench, migrated like a server would (our migrations, then
// pg-boss's schema and the engine's queues), so seeded rows are read by the real code.
import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createLogger } from '../../src/logger.ts'
import { createBoss, queueName } from '../../src/scheduler/engine/boss.ts'
import { type BenchDatabase, createBenchDatabase } from '../setup.ts'

/** The action kinds the seed writes (and the bench server registers). */
export const ACTION_KINDS = ['webhook', 'dify', 'whatsapp'] as const

export type ScaleDatabase = BenchDatabase

/** A new empty database with a unique name (`ats_scale_<label>_<random>`). */
export function createScaleDatabase(label: string): Promise<ScaleDatabase> {
  return createBenchDatabase(`ats_scale_${label}`)
}

/**
 * Our migrations, then pg-boss started once (it creates its schema) with the engine's queues. The
 * returned boss stays started so the seed can enqueue occurrences through the engine's own code;
 * stop it when done.
 */
export async function migrate(url: string): Promise<{ boss: PgBoss; pool: pg.Pool }> {
  const logger = createLogger({ level: 'warn', destination: process.stderr })
  const pool = createPool({ connectionString: url, logger, max: 2 })
  await runMigrations(pool, logger)
  const boss = createBoss({ connectionString: url, logger, superviseIntervalSeconds: 60 })
  await boss.start()
  for (const kind of ACTION_KINDS) await boss.createQueue(queueName(kind))
  return { boss, pool }
}
