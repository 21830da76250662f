import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { isTransientDatabaseError, PG_ERROR, pgErrorCode } from '../../src/db/pg-errors.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

let database: TestDatabase
let client: pg.Client

before(async () => {
  database = await createTestDatabase('pg_errors')
  client = new pg.Client({ connectionString: database.connectionString })
  await client.connect()
})
after(async () => {
  await client.end()
  await database.drop()
})

async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

describe('pgErrorCode and isTransientDatabaseError', () => {
  it('read the SQLSTATE of a statement the server refused, which is no reason to try again', async () => {
    const err = await errorOf(() => client.query('select 1 / 0'))
    assert.equal(pgErrorCode(err), '22012')
    assert.equal(isTransientDatabaseError(err), false)
  })

  it('take a deadlock for transient', async () => {
    const err = await errorOf(() =>
      client.query(`do $$ begin raise exception 'x' using errcode = '40P01'; end $$`),
    )
    assert.equal(pgErrorCode(err), PG_ERROR.deadlockDetected)
    assert.equal(isTransientDatabaseError(err), true)
  })

  it('take a server shutting the session down (57P01) for transient', async () => {
    const victim = new pg.Client({ connectionString: database.connectionString })
    victim.on('error', () => {})
    await victim.connect()
    const pid = (await victim.query('select pg_backend_pid() as pid')).rows[0]?.pid
    const pending = errorOf(() => victim.query('select pg_sleep(5)'))
    await new Promise((resolve) => setTimeout(resolve, 200))
    await client.query('select pg_terminate_backend($1)', [pid])
    const err = await pending
    await victim.end().catch(() => {})
    assert.equal(pgErrorCode(err), '57P01')
    assert.equal(isTransientDatabaseError(err), true)
  })

  it('take a refused connection (no answer, no SQLSTATE) for transient', async () => {
    const nobody = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/none' })
    const err = await errorOf(() => nobody.connect())
    assert.equal(pgErrorCode(err), undefined)
    assert.equal(isTransientDatabaseError(err), true)
  })

  it('take a bug in our own code (a TypeError) for permanent', () => {
    assert.equal(isTransientDatabaseError(new TypeError('x is undefined')), false)
  })
})
