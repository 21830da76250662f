import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { boolArray, intArray, timestampList, uuidList } from '../../src/db/batch-columns.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

let database: TestDatabase
let client: pg.Client

before(async () => {
  database = await createTestDatabase('batch_columns')
  client = new pg.Client({ connectionString: database.connectionString })
  await client.connect()
})
after(async () => {
  await client.end()
  await database.drop()
})

/** What Postgres reads from the literal, cast to `type`. */
async function read(literal: string, type: string): Promise<unknown[]> {
  const result = await client.query(`select $1::${type} as v`, [literal])
  return result.rows[0].v
}

/** What Postgres reads from the list as the engine's statements split it, cast to `type`. */
async function split(list: string, type: string): Promise<unknown[]> {
  const result = await client.query(`select string_to_array($1, ',', 'NULL')::${type} as v`, [list])
  return result.rows[0].v
}

describe('column lists and array literals', () => {
  it('uuidList: Postgres splits back the same UUIDs in the same order', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()]
    assert.deepEqual(await split(uuidList(ids), 'uuid[]'), ids)
    assert.deepEqual(await split(uuidList([ids[0] as string]), 'uuid[]'), [ids[0]])
    assert.deepEqual(await split(uuidList([]), 'uuid[]'), [])
  })

  it('intArray: integers, negatives included', async () => {
    assert.deepEqual(
      await read(intArray([0, 7, -3, 2_000_000_000]), 'int[]'),
      [0, 7, -3, 2_000_000_000],
    )
  })

  it('intArray refuses what is not an integer, instead of sending text Postgres misreads', () => {
    assert.throws(() => intArray([1, 1.5]), RangeError)
    assert.throws(() => intArray([Number.NaN]), RangeError)
  })

  it('boolArray', async () => {
    assert.deepEqual(await read(boolArray([true, false, true]), 'boolean[]'), [true, false, true])
    assert.deepEqual(await read(boolArray([false]), 'boolean[]'), [false])
    assert.deepEqual(await read(boolArray([]), 'boolean[]'), [])
  })

  it('timestampList keeps milliseconds and turns null and undefined into NULL', async () => {
    const a = new Date('2026-03-29T01:59:59.123Z')
    const b = new Date('2026-11-27T13:00:00.001Z')
    const values = (await split(
      timestampList([a, null, b.toISOString(), undefined]),
      'timestamptz[]',
    )) as (Date | null)[]
    assert.equal(values.length, 4)
    assert.equal(values[0]?.getTime(), a.getTime())
    assert.equal(values[1], null)
    assert.equal(values[2]?.getTime(), b.getTime())
    assert.equal(values[3], null)
    // A list of one NULL is not the empty list.
    assert.deepEqual(await split(timestampList([null]), 'timestamptz[]'), [null])
    assert.deepEqual(await split(timestampList([]), 'timestamptz[]'), [])
  })

  it('parallel literals unnest into rows by index', async () => {
    const ids = [randomUUID(), randomUUID()]
    const result = await client.query(
      "select * from unnest(string_to_array($1, ',')::uuid[], $2::int[], $3::boolean[]) as t(id, n, flag)",
      [uuidList(ids), intArray([1, 2]), boolArray([false, true])],
    )
    assert.deepEqual(result.rows, [
      { id: ids[0], n: 1, flag: false },
      { id: ids[1], n: 2, flag: true },
    ])
  })
})
