// Paired A/B drains (not part of npm run bench): is engine setting B faster than A on this machine?
//
// A shared VM drifts ±30 % within minutes, so one run of each says nothing. This alternates the
// variants in one process and one database, drain after drain, and reports each variant's median and
// the median of the paired ratios. Variants are environment overrides read by loadConfig or by an
// experiment in the code, e.g.
//   BENCH_VARIANTS='{"a":{},"b":{"SCHEDULER_MAX_IN_FLIGHT":"300"}}' BENCH_PAIRS=6 npx tsx bench/compare.ts
import pg from 'pg'
import { runBulk } from './engine-scenarios.ts'
import { startReceiver } from './receiver.ts'
import { createBenchDatabase, startWorld } from './setup.ts'
import { median, postgresCpu, postgresCpuSince, round } from './stats.ts'

const N = Number(process.env.BENCH_N ?? 3_000)
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5)

interface Drain {
  perSecond: number
  /** Node and Postgres CPU per occurrence, µs. */
  cpuUs: number
  /** The Postgres part of cpuUs. */
  postgresUs: number
}

function parseVariants(): [string, Record<string, string>][] {
  const text = process.env.BENCH_VARIANTS
  if (!text) throw new Error('Set BENCH_VARIANTS, e.g. {"a":{},"b":{"SCHEDULER_BATCH_SIZE":"100"}}')
  const entries = Object.entries(JSON.parse(text) as Record<string, Record<string, string>>)
  if (entries.length < 2) throw new Error('BENCH_VARIANTS needs at least two variants')
  return entries
}

/** Runs `work` with `env` set, then puts the environment back. */
async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.keys(env).map((key) => [key, process.env[key]] as const)
  Object.assign(process.env, env)
  try {
    return await work()
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}

async function main() {
  const variants = parseVariants()
  const database = await createBenchDatabase()
  const receiver = await startReceiver()
  const monitor = new pg.Client({ connectionString: database.url })
  // Dropping the database ends this connection; that is expected, not a crash.
  monitor.on('error', () => {})
  const drains = new Map<string, Drain[]>(variants.map(([name]) => [name, []]))
  try {
    await monitor.connect()
    for (let pair = 0; pair < PAIRS; pair++) {
      for (const [name, env] of variants) {
        const drain = await withEnv(env, async () => {
          const world = await startWorld(database)
          try {
            // JIT and connections warm up in each variant's first drain, outside the measurement.
            if (pair === 0) await runBulk(world, receiver, monitor, `warm${name}`, 500, 4_000)
            await monitor.query('vacuum (analyze) job_executions, scheduled_jobs')
            const leadMs = Math.max(4_000, N * 3.5)
            const cpu = { node: process.cpuUsage(), postgres: postgresCpu() }
            // CPU is counted from just before the due time, i.e. the drain, not the creation.
            setTimeout(() => {
              cpu.node = process.cpuUsage()
              cpu.postgres = postgresCpu()
            }, leadMs - 20)
            const result = await runBulk(world, receiver, monitor, `${name}${pair}`, N, leadMs)
            const node = process.cpuUsage(cpu.node)
            const postgresUs = postgresCpuSince(cpu.postgres) * 1e6
            return {
              perSecond: result.per_second_from_first_start,
              cpuUs: (node.user + node.system + postgresUs) / N,
              postgresUs: postgresUs / N,
            }
          } finally {
            await world.close()
          }
        })
        drains.get(name)?.push(drain)
        process.stderr.write(
          `${name} pair ${pair + 1}: ${round(drain.perSecond, 0)}/s, ${round(drain.cpuUs, 0)} µs CPU per occurrence (Postgres ${round(drain.postgresUs, 0)})\n`,
        )
      }
    }
    const [baseName] = variants[0] ?? ['']
    const base = drains.get(baseName) ?? []
    for (const [name] of variants) {
      const list = drains.get(name) ?? []
      const paired = list.map((d, i) => d.perSecond / (base[i]?.perSecond ?? Number.NaN))
      const pairedCpu = list.map((d, i) => d.cpuUs / (base[i]?.cpuUs ?? Number.NaN))
      console.log(
        `${name}: median ${round(median(list.map((d) => d.perSecond)), 0)}/s (${list.map((d) => round(d.perSecond, 0)).join(', ')}), ` +
          `CPU ${round(median(list.map((d) => d.cpuUs)), 0)} µs/occurrence (Postgres ${round(median(list.map((d) => d.postgresUs)), 0)}); vs ${baseName}: rate ×${round(median(paired), 3)}, CPU ×${round(median(pairedCpu), 3)}`,
      )
    }
  } finally {
    await monitor.end().catch(() => {})
    await receiver.close()
    await database.drop()
  }
}

main().catch((err) => {
  process.stderr.write(`comparison failed: ${(err as Error).stack ?? err}\n`)
  process.exitCode = 1
})
