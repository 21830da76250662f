/**
 * A CPU profile of the server under the create load (investigation aid): runs measureCreatePath
 * with `node --cpu-prof` on the server and prints the heaviest functions by self time.
 * Usage: tsx bench/scale/profile-creates.ts [profile dir]
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createBenchDatabase } from '../setup.ts'
import { createPathTable, measureCreatePath, PRODUCTION_NODE_ARGS } from './create-load.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

const dir = process.argv[2] ?? `/tmp/create-prof-${Date.now()}`
const database = await createBenchDatabase()
try {
  const results = await measureCreatePath({
    databaseUrl: database.url,
    log: (m) => process.stderr.write(`[profile] ${m}\n`),
    serverNodeArgs: [...PRODUCTION_NODE_ARGS, '--cpu-prof', `--cpu-prof-dir=${dir}`],
    seconds: Number(process.env.BENCH_CREATE_SECONDS ?? 10),
    skipHello: true,
    ...(process.env.BENCH_LOG_LEVEL ? { logLevel: process.env.BENCH_LOG_LEVEL } : {}),
  })
  process.stdout.write(`${createPathTable(results)}\n\n`)
} finally {
  await database.drop()
}

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (!file) throw new Error(`no profile in ${dir}`)
const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[] }
const self = new Map<string, number>()
const byFile = new Map<string, number>()
let total = 0
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0
  total += hits
  const { functionName, url, lineNumber } = node.callFrame
  const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/')
  const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + hits)
  const pkg = short.startsWith('src/')
    ? short
    : (short.match(/^(@[^/]+\/[^/]+|[^/]+)/)?.[1] ?? (short || functionName))
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + hits)
}
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n')
process.stdout.write(`Self time, top functions (${path.join(dir, file)}):\n${top(self, 40)}\n\n`)
process.stdout.write(`Self time by package / source file:\n${top(byFile, 30)}\n`)
