/** Gives each test file its own fresh database on the server named by DATABASE_URL (or the embedded one from global setup). */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export interface TestDatabase {
  name: string
  connectionString: string
  /** Drops the database; safe to call twice. */
  drop(): Promise<void>
}

export function adminConnectionString(): string {
  const url = process.env.DATABASE_URL
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: run tests through `npm test` (its global setup starts a database).',
    )
  }
  return url
}

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString)
  url.pathname = `/${database}`
  return url.toString()
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminConnectionString() })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30)
  const name = `ats_test_${safeLabel}_${randomBytes(4).toString('hex')}`
  await adminQuery(`create database ${name}`)
  let dropped = false
  return {
    name,
    connectionString: withDatabase(adminConnectionString(), name),
    async drop() {
      if (dropped) return
      dropped = true
      await adminQuery(`drop database if exists ${name} with (force)`)
    },
  }
}
