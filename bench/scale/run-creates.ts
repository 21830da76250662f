/**
 * `npm run bench:creates`: a fresh database, the create path measured through the HTTP API
 * (create-load.ts), a markdown table on stdout. BENCH_CREATE_SECONDS sets the phase length,
 * BENCH_LOG_LEVEL the server's LOG_LEVEL; BENCH_DATABASE_URL/DATABASE_URL the PostgreSQL server.
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
  })
  if (process.env.BENCH_JSON) {
    const { writeFileSync } = await import('node:fs')
    writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2))
  }
  process.stdout.write(`${createPathTable(results)}\n`)
} finally {
  await database.drop()
}
