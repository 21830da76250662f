// Diagnostic run (not part of npm run bench): where the engine's time goes while it drains a bulk of occurrences.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import pg from 'pg'
import { runBulk } from './engine-scenarios.ts'
import { startReceiver } from './receiver.ts'
import { createBenchDatabase, startWorld } from './setup.ts'
import { backendPids, postgresCpu, postgresCpuSince, round, summarize } from './stats.ts'

const N = Number(process.env.BENCH_N ?? 2_000)
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 1_500)
const POOL_MAX = process.env.BENCH_POOL_MAX ? Number(process.env.BENCH_POOL_MAX) : undefined

/** Client-side round trip per statement kind (pg queues per connection, so this includes that queue). */
const timings = new Map<string, number[]>()
let timing = false
const originalQuery = pg.Client.prototype.query
function statementKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 70)
}
;(pg.Client.prototype as unknown as { query: unknown }).query = function (
  this: pg.Client,
  ...args: unknown[]
) {
  const first = args[0]
  const text = typeof first === 'string' ? first : (first as { text?: string })?.text
  const result = (originalQuery as (...a: unknown[]) => unknown).apply(this, args)
  if (timing && text && result instanceof Promise) {
    const started = performance.now()
    const key = statementKey(text)
    void result.then(
      () => {
        const list = timings.get(key) ?? []
        list.push(performance.now() - started)
        timings.set(key, list)
      },
      () => {},
    )
  }
  return result
}

async function main() {
  process.stdout.on('error', () => {})
  const database = await createBenchDatabase()
  const receiver = await startReceiver()
  const monitor = new pg.Client({ connectionString: database.url })
  // Dropping the database ends this connection; that is expected, not a crash.
  monitor.on('error', () => {})
  const world = await startWorld(database, { poolMax: POOL_MAX })
  try {
    await monitor.connect()
    const monitorPid = String(
      (await monitor.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid,
    )
    // Experiments: SQL run once before the warm-up (e.g. a different index or fillfactor).
    if (process.env.BENCH_SQL) await monitor.query(process.env.BENCH_SQL)
    // Warm up (JIT, connections) with a small batch.
    // Large enough to open the receiver connections the drain will use (up to max in flight).
    await runBulk(
      world,
      receiver,
      monitor,
      'warm',
      WARM_UP,
      Number(process.env.BENCH_LEAD_MS ?? 6_000),
    )
    const loop = monitorEventLoopDelay({ resolution: 10 })
    const before = {
      node: process.cpuUsage(),
      pg: postgresCpu(),
      at: performance.now(),
      main: process.threadCpuUsage(),
    }
    // Instrument only the drain, not creation: set from the due time by a timer.
    // BENCH_LEAD_MS: more time to create the jobs, when a loaded machine needs it.
    const lead = Number(process.env.BENCH_LEAD_MS ?? Math.max(12_000, N * 6))
    const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : undefined
    profiler?.connect()
    let perf: ChildProcess | undefined
    setTimeout(() => {
      // System-wide samples of the drain (kernel, Postgres and Node), e.g. BENCH_PERF=/tmp/perf.data.
      if (process.env.BENCH_PERF)
        perf = spawn('perf', ['record', '-a', '-g', '-F', '999', '-o', process.env.BENCH_PERF], {
          stdio: 'ignore',
        })
      if (profiler)
        void profiler.post('Profiler.enable').then(() => profiler.post('Profiler.start'))
      timing = true
      loop.enable()
      before.node = process.cpuUsage()
      before.pg = postgresCpu()
      before.at = performance.now()
      before.main = process.threadCpuUsage()
    }, lead - 50)
    const ownBefore = await backendPids(monitor, database.name)
    const result = await runBulk(world, receiver, monitor, 'tp', N, lead)
    timing = false
    // Backends of the bench database at either end of the drain (its pools' connections), without
    // the monitor's own, which polls for the end of the drain and reads the results.
    const own = new Set([...ownBefore, ...(await backendPids(monitor, database.name))])
    own.delete(monitorPid)
    perf?.kill('SIGINT')
    if (profiler && process.env.BENCH_CPU_PROFILE) {
      const { profile } = await profiler.post('Profiler.stop')
      writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile))
      profiler.disconnect()
    }
    loop.disable()
    // CPU of the main thread alone: the event loop is what both sides run out of first on two cores.
    const main = process.threadCpuUsage(before.main)
    const wall = (performance.now() - before.at) / 1000
    const node = process.cpuUsage(before.node)
    const pgCpu = postgresCpuSince(before.pg)
    const pgOwnCpu = postgresCpuSince(before.pg, own)
    console.log(
      JSON.stringify({
        n: N,
        pool_max: world.pool.options.max,
        scheduler: world.config.scheduler,
        per_second_from_due: round(result.per_second_from_due, 0),
        all_started_ms: round(result.all_started_ms, 0),
        all_finished_ms: round(result.all_finished_ms, 0),
        receiver_last_ms: round(result.receiver_last_ms, 0),
        all_completed_ms: round(result.all_completed_ms, 0),
        pool_wait: summarize(world.probe.waits),
        wall_s: round(wall, 2),
        node_cpu_s: round((node.user + node.system) / 1e6, 2),
        main_thread_us_per_occurrence: round((main.user + main.system) / N, 1),
        postgres_cpu_s: round(pgCpu, 2),
        postgres_own_us_per_occurrence: round((pgOwnCpu * 1e6) / N, 1),
        event_loop_delay_ms: {
          p50: round(loop.percentile(50) / 1e6, 1),
          p99: round(loop.percentile(99) / 1e6, 1),
          max: round(loop.max / 1e6, 1),
        },
      }),
    )
    const rows = [...timings.entries()]
      .map(([key, list]) => ({ key, ...summarize(list), total: list.reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total)
      .slice(0, 20)
    console.log('| statement | calls | p50 ms | p95 ms | total ms |')
    console.log('| --- | ---: | ---: | ---: | ---: |')
    for (const r of rows) {
      console.log(
        `| ${r.key.replace(/\|/g, '/')} | ${r.n} | ${round(r.p50, 2)} | ${round(r.p95, 2)} | ${round(r.total, 0)} |`,
      )
    }
  } finally {
    await monitor.end().catch(() => {})
    await world.close()
    await receiver.close()
    await database.drop()
  }
}

main().catch((err) => {
  process.stderr.write(`investigation failed: ${(err as Error).stack ?? err}\n`)
  process.exitCode = 1
})
