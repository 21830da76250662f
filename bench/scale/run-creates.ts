/**
 * `npm run bench:creates`: a fresh database, the create path measured through the HTTP API
 * (create-load.ts), a markdown table on stdout. BENCH_CREATE_SECONDS sets the phase length,
 * BENCH_LOG_LEVEL the server's LOG_LEVEL; BENCH_DATABASE_URL/DATABASE_URL the PostgreSQL server;
 * BENCH_SERVER_ROOT runs the server from another checkout (a before/after comparison); BENCH_JSON
 * also writes the results as JSON to that file; BENCH_PLAIN_NODE=1 starts the server without the
 * image's memory settings (PRODUCTION_NODE_ARGS, MALLOC_ARENA_MAX), as before issue 19.
 */
import { createBenchDatabase } from '../setup.ts'
import { createPathTable, loadSnapshot, measureCreatePath } from './create-load.ts'

const database = await createBenchDatabase()
const log = (m: string) => process.stderr.write(`[creates] ${m}\n`)
try {
  log(`database ${database.name}; /proc/loadavg ${loadSnapshot()}`)
  const results = await measureCreatePath({
    databaseUrl: database.url,
    log,
    ...(process.env.BENCH_LOG_LEVEL ? { logLevel: process.env.BENCH_LOG_LEVEL } : {}),
    ...(process.env.BENCH_CREATE_SECONDS
      ? { seconds: Number(process.env.BENCH_CREATE_SECONDS) }
      : {}),
    skipHello: process.env.BENCH_SKIP_HELLO === '1',
    ...(process.env.BENCH_SERVER_ROOT ? { serverRoot: process.env.BENCH_SERVER_ROOT } : {}),
    ...(process.env.BENCH_PLAIN_NODE === '1'
      ? { serverNodeArgs: [], serverEnv: { MALLOC_ARENA_MAX: '' } }
      : {}),
  })
  if (process.env.BENCH_JSON) {
    const { writeFileSync } = await import('node:fs')
    writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2))
  }
  process.stdout.write(`${createPathTable(results)}\n`)
} finally {
  await database.drop()
}
