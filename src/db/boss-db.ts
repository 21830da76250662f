/**
 * pg-boss's database interface over one of our clients: pg-boss statements given `{ db: bossDb(tx) }`
 * run inside our transaction, so they commit or roll back with our own writes.
 */
import { createHash } from 'node:crypto'
import type { Queryable } from './pool.ts'

export function bossDb(db: Queryable) {
  return { executeSql: (text: string, values?: unknown[]) => db.query(text, values) }
}

/**
 * The same, with every statement named after a hash of its text, so PostgreSQL parses and plans it
 * once per connection. Only for call sites whose statement text is fixed per queue (pg-boss's
 * insert): every distinct text stays prepared in each connection for its lifetime.
 */
export function preparedBossDb(db: Queryable) {
  return {
    executeSql: (text: string, values?: unknown[]) =>
      db.query({
        name: `boss-${createHash('sha1').update(text).digest('base64url')}`,
        text,
        ...(values ? { values } : {}),
      }),
  }
}
