// A throw-away database for the scale bench, migrated like a server would (our migrations, then
// pg-boss's schema and the engine's queues), so seeded rows are read by the real code.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createLogger } from '../../src/logger.ts'
import { createBoss, queueName } from '../../src/scheduler/engine/boss.ts'

export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres'

/** The action kinds the seed writes (and the bench server registers). */
export const ACTION_KINDS = ['webhook', 'dify', 'whatsapp'] as const

export interface ScaleDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** A new empty database with a unique name (`ats_scale_<label>_<random>`). */
export async function createScaleDatabase(label: string): Promise<ScaleDatabase> {
  const name = `ats_scale_${label}_${randomBytes(3).toString('hex')}`
  await admin(`create database ${name}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  let dropped = false
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return
      dropped = true
      await admin(`drop database if exists ${name} with (force)`)
    },
  }
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
