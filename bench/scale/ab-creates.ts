/**
 * Paired A/B of the create path between two checkouts (investigation aid, not part of a bench run):
 * the server runs from checkout A, then B, then B, then A…, each on a fresh database, with the same
 * client; reports per version the medians and the median of the paired B/A ratios of server CPU
 * per create (what a shared machine disturbs least), creates/s at 50 in flight and p99 at 200/s.
 *   BENCH_CHECKOUTS='{"before":"/work/a","after":"/work/b"}' BENCH_PAIRS=3 npx tsx bench/scale/ab-creates.ts
 * Each checkout needs node_modules. BENCH_CREATE_SECONDS sets the phase length (default 8).
 * Or two server settings of one checkout: BENCH_VARIANTS='{"plain":{},"small":{"nodeArgs":
 * ["--max-semi-space-size=4"],"env":{"MALLOC_ARENA_MAX":"2"}}}' (a variant may also name a root;
 * without nodeArgs a variant gets create-load.ts's PRODUCTION_NODE_ARGS, and its env is added to
 * PRODUCTION_ENV: a plain node is {"nodeArgs":[],"env":{"MALLOC_ARENA_MAX":""}}).
 */

import { createBenchDatabase } from '../setup.ts'
import { median, round } from '../stats.ts'
import { loadSnapshot, measureCreatePath } from './create-load.ts'

interface Run {
  cpuMs: number
  pgMs: number
  perSecond: number
  openP99: number
  idleRssMb: number
  peakRssMb: number
}

interface Variant {
  root?: string
  nodeArgs?: string[]
  env?: Record<string, string>
}

const checkouts: [string, Variant][] = process.env.BENCH_VARIANTS
  ? Object.entries(JSON.parse(process.env.BENCH_VARIANTS) as Record<string, Variant>)
  : Object.entries(JSON.parse(process.env.BENCH_CHECKOUTS ?? '{}') as Record<string, string>).map(
      ([name, root]) => [name, { root }],
    )
if (checkouts.length !== 2) {
  throw new Error('BENCH_CHECKOUTS or BENCH_VARIANTS needs exactly two entries')
}
const pairs = Number(process.env.BENCH_PAIRS ?? 3)
const seconds = Number(process.env.BENCH_CREATE_SECONDS ?? 8)

async function once(variant: Variant): Promise<Run> {
  const database = await createBenchDatabase()
  try {
    const r = await measureCreatePath({
      databaseUrl: database.url,
      ...(variant.root ? { serverRoot: variant.root } : {}),
      ...(variant.nodeArgs ? { serverNodeArgs: variant.nodeArgs } : {}),
      ...(variant.env ? { serverEnv: variant.env } : {}),
      quick: true,
      skipHello: true,
      seconds,
      ...(process.env.BENCH_LOG_LEVEL ? { logLevel: process.env.BENCH_LOG_LEVEL } : {}),
    })
    const closed = r.creates.find((p) => p.name === 'closed c=50')
    const open = r.creates.find((p) => p.name === 'open 200/s')
    return {
      cpuMs: closed?.serverCpuMsPerRequest ?? Number.NaN,
      pgMs: closed?.postgresCpuMsPerRequest ?? Number.NaN,
      perSecond: closed?.perSecond ?? Number.NaN,
      openP99: open?.p99Ms ?? Number.NaN,
      idleRssMb: r.server.idleRssMb,
      peakRssMb: r.server.loadPeakRssMb,
    }
  } finally {
    await database.drop()
  }
}

const runs = new Map<string, Run[]>(checkouts.map(([name]) => [name, []]))
const ratios: Record<keyof Run, number[]> = {
  cpuMs: [],
  pgMs: [],
  perSecond: [],
  openP99: [],
  idleRssMb: [],
  peakRssMb: [],
}
for (let pair = 0; pair < pairs; pair++) {
  const order = pair % 2 === 0 ? checkouts : [...checkouts].reverse()
  const got: Record<string, Run> = {}
  for (const [name, variant] of order) {
    const run = await once(variant)
    got[name] = run
    runs.get(name)?.push(run)
    process.stderr.write(
      `pair ${pair + 1} ${name}: ${JSON.stringify(run)} load ${loadSnapshot()}\n`,
    )
  }
  const [a, b] = checkouts.map(([name]) => got[name] as Run) as [Run, Run]
  for (const key of Object.keys(ratios) as (keyof Run)[]) ratios[key].push(b[key] / a[key])
}
for (const [name, list] of runs) {
  process.stdout.write(
    `${name}: server CPU ${round(median(list.map((r) => r.cpuMs)), 3)} ms/create, PostgreSQL ${round(median(list.map((r) => r.pgMs)), 3)} ms/create, ${round(median(list.map((r) => r.perSecond)))} creates/s at 50 in flight, p99 at 200/s ${round(median(list.map((r) => r.openP99)))} ms, RSS idle ${round(median(list.map((r) => r.idleRssMb)))} MB, peak ${round(median(list.map((r) => r.peakRssMb)))} MB\n`,
  )
}
const [nameA, nameB] = checkouts.map(([name]) => name)
for (const key of Object.keys(ratios) as (keyof Run)[]) {
  const values = ratios[key]
  process.stdout.write(
    `${key} ${nameB}/${nameA}: median ${round(median(values), 3)} (range ${round(Math.min(...values), 3)}–${round(Math.max(...values), 3)})\n`,
  )
}
