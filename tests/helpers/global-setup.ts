/**
 * node:test global setup: without DATABASE_URL, start one embedded PostgreSQL for the whole run and
 * export its URL to the test files (they run in child processes that inherit this environment).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/db/embedded.ts'

let embedded: EmbeddedPostgres | undefined
let dataRoot: string | undefined

export async function globalSetup() {
  if (process.env.DATABASE_URL) return
  dataRoot = await mkdtemp(path.join(tmpdir(), 'ats-test-pg-'))
  const { chmod } = await import('node:fs/promises')
  // As root the server runs as the postgres user, which must be able to enter this folder.
  await chmod(dataRoot, 0o777)
  embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataRoot, 'data'),
    port: 15_432 + Math.floor(Math.random() * 1000),
    logger: pino({ level: 'error' }),
  })
  process.env.DATABASE_URL = embedded.connectionString
}

export async function globalTeardown() {
  await embedded?.stop()
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true })
}
