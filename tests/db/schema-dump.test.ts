import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type pg from 'pg'
import { renderSchema, SCHEMA_DUMP_PATH } from '../../scripts/schema.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool, withClient } from '../../src/db/pool.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { captureLogs } from '../helpers/log-capture.ts'

let database: TestDatabase
let pool: pg.Pool
const { logger } = captureLogs()

before(async () => {
  database = await createTestDatabase('schema_dump')
  pool = createPool({ connectionString: database.connectionString, logger })
  await runMigrations(pool, logger)
})
after(async () => {
  await pool.end()
  await database.drop()
})

describe('sql/dump/schema.sql', () => {
  it('is the schema the migrations build (after a migration, run npm run schema:dump)', async () => {
    const committed = await readFile(SCHEMA_DUMP_PATH, 'utf8')
    const built = await renderSchema(pool)
    assert.equal(
      built,
      committed,
      'sql/dump/schema.sql differs from the migrations: run `npm run schema:dump` and commit it',
    )
  })

  it('shows a schema change: a new column, index or storage option changes the text', async () => {
    const before = await renderSchema(pool)
    // One connection, in a transaction rolled back at the end: the database is left as migrated.
    await withClient(pool, async (client) => {
      await client.query('begin')
      try {
        await client.query('alter table app_meta add column note text')
        assert.match(
          await renderSchema(client),
          /create table app_meta \(\n[^;]*\n {2}note text,\n/,
        )
        await client.query('create index app_meta_note_idx on app_meta (note)')
        assert.match(
          await renderSchema(client),
          /CREATE INDEX app_meta_note_idx ON public\.app_meta/,
        )
        await client.query('alter table app_meta set (fillfactor = 70)')
        assert.match(await renderSchema(client), /\) with \(fillfactor=70\);/)
      } finally {
        await client.query('rollback')
      }
    })
    assert.equal(await renderSchema(pool), before)
  })
})
