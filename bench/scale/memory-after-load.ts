/**
 * Where the server's memory is after the create load (investigation aid): measureCreatePath with
 * the memory-report.ts preload, then the heap breakdown it wrote. Usage: tsx bench/scale/memory-after-load.ts
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createBenchDatabase } from '../setup.ts'
import { measureCreatePath, PRODUCTION_NODE_ARGS } from './create-load.ts'
import { ROOT } from './processes.ts'

const file = `/tmp/memory-report-${process.pid}.json`
const database = await createBenchDatabase()
try {
  const results = await measureCreatePath({
    databaseUrl: database.url,
    log: (m) => process.stderr.write(`[memory] ${m}\n`),
    quick: true,
    skipHello: true,
    seconds: Number(process.env.BENCH_CREATE_SECONDS ?? 10),
    serverNodeArgs: [
      ...(process.env.BENCH_PLAIN_NODE === '1' ? [] : PRODUCTION_NODE_ARGS),
      '--expose-gc',
      '--import',
      path.join(ROOT, 'bench/scale/memory-report.ts'),
    ],
    serverEnv: { MEMORY_REPORT_FILE: file },
  })
  process.stdout.write(`${JSON.stringify(results.server)}\n`)
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    usage: unknown
    afterGc: unknown
    spaces: unknown
  }
  process.stdout.write(
    `before a full GC ${JSON.stringify(report.usage)}\nafter it ${JSON.stringify(report.afterGc)}\n${JSON.stringify(report.spaces)}\n`,
  )
} finally {
  await database.drop()
}
