/**
 * pg-boss's database interface over one of our clients: pg-boss statements given `{ db: bossDb(tx) }`
 * run inside our transaction, so they commit or roll back with our own writes.
 */
import type { Queryable } from './pool.ts'

export function bossDb(db: Queryable) {
  return { executeSql: (text: string, values?: unknown[]) => db.query(text, values) }
}
