/**
 * `npm run schema:dump`: applies the migrations to a fresh temporary database and writes the schema
 * they build to sql/dump/schema.sql. Uses the server named by DATABASE_URL (it creates and drops its
 * own database there), or an embedded PostgreSQL when DATABASE_URL is not set, like `npm test`.
 */
import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '../src/db/embedded.ts'
import { runMigrations } from '../src/db/migrate.ts'
import { createLogger } from '../src/logger.ts'
import { renderSchema, SCHEMA_DUMP_PATH } from './schema.ts'

const logger = createLogger({ level: 'warn' })

/** A port nothing listens on now (a random one could be another embedded server's). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

async function withServer<T>(work: (adminUrl: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return work(process.env.DATABASE_URL)
  const dataRoot = await mkdtemp(path.join(tmpdir(), 'ats-schema-pg-'))
  // As root the server runs as the postgres user, which must be able to enter this folder.
  await chmod(dataRoot, 0o777)
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataRoot, 'data'),
    port: await freePort(),
    logger,
  })
  try {
    return await work(embedded.connectionString)
  } finally {
    await embedded.stop()
    await rm(dataRoot, { recursive: true, force: true })
  }
}

async function main() {
  await withServer(async (adminUrl) => {
    const name = `ats_schema_dump_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    try {
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      const pool = new pg.Pool({ connectionString: url.toString(), max: 1 })
      // pool.end() resolves before its connection has closed, so the drop below may terminate it.
      pool.on('error', () => {})
      try {
        await runMigrations(pool, logger)
        await writeFile(SCHEMA_DUMP_PATH, await renderSchema(pool))
      } finally {
        await pool.end()
      }
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  })
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_DUMP_PATH.pathname)}\n`)
}

main().catch((err) => {
  process.stderr.write(`schema dump failed: ${(err as Error).stack ?? err}\n`)
  process.exitCode = 1
})
