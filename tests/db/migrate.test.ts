import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type pg from 'pg'
import { assertMigrationsApplied, listMigrationFiles, runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { captureLogs } from '../helpers/log-capture.ts'

let database: TestDatabase
let pool: pg.Pool
const { logger } = captureLogs()

before(async () => {
  database = await createTestDatabase('migrate')
  pool = createPool({ connectionString: database.connectionString, logger })
})
after(async () => {
  await pool.end()
  await database.drop()
})

async function appliedNames(): Promise<string[]> {
  const result = await pool.query<{ name: string }>(
    'select name from migrations where id > 0 order by id',
  )
  return result.rows.map((r) => r.name)
}

describe('runMigrations', () => {
  it('lists numbered sql files in order', () => {
    const files = listMigrationFiles()
    assert.ok(files.length > 0)
    assert.deepEqual([...files].sort(), files)
    for (const [i, file] of files.entries()) {
      assert.equal(Number.parseInt(file, 10), i + 1, `${file} is number ${i + 1}`)
    }
  })

  it('applies every migration to an empty database', async () => {
    await assert.rejects(assertMigrationsApplied(pool, listMigrationFiles()))
    await runMigrations(pool, logger)
    assert.equal((await appliedNames()).length, listMigrationFiles().length)
    await assertMigrationsApplied(pool, listMigrationFiles())
  })

  it('changes nothing when run again', async () => {
    const before = await pool.query('select id, hash, executed_at from migrations order by id')
    await runMigrations(pool, logger)
    const again = await pool.query('select id, hash, executed_at from migrations order by id')
    assert.deepEqual(again.rows, before.rows)
  })

  it('lets two concurrent runs both succeed on a fresh database', async () => {
    const fresh = await createTestDatabase('migrate_race')
    const a = createPool({ connectionString: fresh.connectionString, logger })
    const b = createPool({ connectionString: fresh.connectionString, logger })
    try {
      await Promise.all([runMigrations(a, logger), runMigrations(b, logger)])
      const count = await a.query<{ n: number }>(
        'select count(*)::int as n from migrations where id > 0',
      )
      assert.equal(count.rows[0]?.n, listMigrationFiles().length)
    } finally {
      await a.end()
      await b.end()
      await fresh.drop()
    }
  })

  it('moves the expiry of occurrences waiting in pg-boss to the 24 h backstop (010), nothing else', async () => {
    // A database pg-boss already runs in: its job table exists before the migration does.
    const existing = await createTestDatabase('migrate_boss')
    const db = createPool({ connectionString: existing.connectionString, logger })
    try {
      await db.query(`create schema pgboss;
        create table pgboss.job (name text, state text, expire_seconds int not null)`)
      await db.query(`insert into pgboss.job values
        ('occurrence-webhook', 'created', 62), ('occurrence-webhook', 'active', 90),
        ('occurrence-dify', 'retry', 360), ('occurrence-webhook', 'completed', 62),
        ('clickup-events', 'created', 900)`)
      await runMigrations(db, logger)
      const rows = await db.query<{ name: string; state: string; expire_seconds: number }>(
        'select name, state, expire_seconds from pgboss.job order by name, state',
      )
      assert.deepEqual(rows.rows, [
        { name: 'clickup-events', state: 'created', expire_seconds: 900 },
        { name: 'occurrence-dify', state: 'retry', expire_seconds: 86_400 },
        { name: 'occurrence-webhook', state: 'active', expire_seconds: 86_400 },
        { name: 'occurrence-webhook', state: 'completed', expire_seconds: 62 },
        { name: 'occurrence-webhook', state: 'created', expire_seconds: 86_400 },
      ])
    } finally {
      await db.end()
      await existing.drop()
    }
  })

  it('reports how many migrations are missing', async () => {
    await assert.rejects(
      assertMigrationsApplied(pool, [...listMigrationFiles(), '999_future.sql']),
      /of \d+ migrations applied/,
    )
  })
})
