/**
 * Statements and round trips per create (investigation aid): starts the server with the
 * count-statements.ts preload, sends N creates one at a time, and prints the statements sent per
 * create (background statements of the engine over the same seconds are in the counts too; they
 * do not scale with N). Usage: tsx bench/scale/statements-per-create.ts [N] [server checkout]
 */

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createBenchDatabase } from '../setup.ts'
import { createBodyMaker } from './create-bodies.ts'
import { freePort, ROOT, startNodeChild, waitForHttp } from './processes.ts'

const n = Number(process.argv[2] ?? 300)
const root = process.argv[3] ?? ROOT
const key = `bench-${randomBytes(16).toString('hex')}`
const file = process.env.STATEMENT_COUNT_FILE ?? `/tmp/statement-counts-${process.pid}.json`
const database = await createBenchDatabase()
const port = await freePort()
const server = startNodeChild(
  'src/main.ts',
  {
    DATABASE_URL: database.url,
    API_KEYS: `bench:${key}`,
    WEBHOOK_ALLOWLIST: '127.0.0.1/32',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    STATEMENT_COUNT_FILE: file,
  },
  { nodeArgs: ['--import', path.join(ROOT, 'bench/scale/count-statements.ts')], cwd: root },
)
const snapshot = async () => {
  server.child.kill('SIGUSR2')
  await new Promise((r) => setTimeout(r, 300))
  return JSON.parse(readFileSync(file, 'utf8')) as {
    counts: Record<string, number>
    millis: Record<string, number>
  }
}
try {
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, server)
  const bodies = createBodyMaker('count', 'http://127.0.0.1:9', 0)
  const before = await snapshot()
  const statuses: Record<number, number> = {}
  for (let i = 0; i < n; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/jobs/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: bodies.next(),
    })
    await res.arrayBuffer()
    statuses[res.status] = (statuses[res.status] ?? 0) + 1
  }
  const after = await snapshot()
  let total = 0
  let totalMs = 0
  const rows: [string, number, number][] = []
  for (const [text, count] of Object.entries(after.counts)) {
    const delta = count - (before.counts[text] ?? 0)
    const ms = (after.millis[text] ?? 0) - (before.millis[text] ?? 0)
    if (delta > 0) rows.push([text, delta, ms])
    total += delta
    totalMs += ms
  }
  rows.sort((a, b) => b[1] - a[1])
  process.stdout.write(
    `${n} creates one at a time, answers ${JSON.stringify(statuses)}; per create: statements, ms waiting for PostgreSQL\n`,
  )
  for (const [text, count, ms] of rows) {
    process.stdout.write(
      `${(count / n).toFixed(2).padStart(6)} ${(ms / n).toFixed(3).padStart(7)}  ${text}\n`,
    )
  }
  process.stdout.write(
    `${(total / n).toFixed(2).padStart(6)} ${(totalMs / n).toFixed(3).padStart(7)}  total\n`,
  )
} finally {
  await server.stop()
  await database.drop()
}
