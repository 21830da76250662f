// Benchmark entry point (npm run bench): lateness, burst and throughput of the engine vs raw pg-boss, in one run.
import { readFileSync } from 'node:fs'
import os from 'node:os'
import pg from 'pg'
import { type BulkResult, CREATE_CONCURRENCY, runBulk, runLateness } from './engine-scenarios.ts'
import { RAW_VARIANTS, type RawResult, runRawBoss } from './raw-boss.ts'
import { startReceiver } from './receiver.ts'
import {
  type BenchResults,
  type BenchSettings,
  evaluateTargets,
  renderMarkdown,
  type ThroughputRound,
} from './report.ts'
import { createBenchDatabase, startWorld } from './setup.ts'
import { median, round } from './stats.ts'

const N_ONCE = 200
const CRON_RUNS = 15
const N_BURST = 1_000
const N_THROUGHPUT = Number(process.env.BENCH_N ?? 3_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
/** Matches createBoss in src/scheduler/engine/boss.ts (not exported). */
const BOSS_POOL_MAX = 4

/**
 * Clears the dead rows earlier drains left in the scheduler tables. Servers run autovacuum, which does
 * this within a minute; this machine's Postgres has it off, and without it each round ran on more
 * dead rows than the last (the engine's database time per occurrence rose ~30 % over six rounds).
 * pg-boss's job table is left as it is, for both: once ANALYZE has seen it, pg-boss 12's fetch for a
 * queue created after that joins by scanning the whole queue (62 ms instead of 9 ms per batch of 50
 * in a 3,000-job queue), which cut raw pg-boss to ~2,000 jobs/s (docs/performance.md → "pg-boss and ANALYZE").
 */
async function vacuum(monitor: pg.Client): Promise<void> {
  await monitor.query('vacuum (analyze) job_executions, scheduled_jobs')
}

const log = (message: string) =>
  process.stderr.write(`[bench ${new Date().toISOString()}] ${message}\n`)

async function main() {
  const began = performance.now()
  const loadAtStart = round(os.loadavg()[0] ?? 0, 2)
  const database = await createBenchDatabase()
  log(`database ${database.name}`)
  // Interrupted or piped into a closed reader: still drop the database.
  process.stdout.on('error', () => {})
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: dropping ${database.name}`)
      void database.drop().finally(() => process.exit(130))
    })
  }
  const receiver = await startReceiver()
  const monitor = new pg.Client({ connectionString: database.url })
  // Dropping the database ends this connection; that is expected, not a crash.
  monitor.on('error', () => {})
  let world: Awaited<ReturnType<typeof startWorld>> | undefined
  try {
    world = await startWorld(database)
    await monitor.connect()
    const pgVersion = (await monitor.query<{ v: string }>('select version() as v')).rows[0]?.v ?? ''
    const pgSettings = await monitor.query<{ name: string; setting: string; unit: string | null }>(
      `select name, setting, unit from pg_settings
       where name in ('autovacuum', 'shared_buffers', 'synchronous_commit', 'fsync', 'max_connections')
       order by name`,
    )
    const bossVersion = JSON.parse(
      readFileSync(new URL('../node_modules/pg-boss/package.json', import.meta.url), 'utf8'),
    ).version as string
    const cpus = os.cpus()
    const sc = world.config.scheduler
    const settings: BenchSettings = {
      machine: {
        cpu: cpus[0]?.model.trim() ?? 'unknown',
        cpus: cpus.length,
        memory_gb: Math.round(os.totalmem() / 1024 ** 3),
        os: `${os.type()} ${os.release()}`,
      },
      load_avg: { start: loadAtStart, end: 0 },
      node: process.version,
      postgres: pgVersion.split(' on ')[0] ?? pgVersion,
      postgres_settings: Object.fromEntries(
        pgSettings.rows.map((r) => [r.name, `${r.setting}${r.unit ? ` ${r.unit}` : ''}`]),
      ),
      pg_boss: bossVersion,
      engine: {
        poll_interval_ms: sc.pollIntervalMs,
        batch_size: sc.batchSize,
        max_in_flight: sc.maxInFlight,
        pool_max: world.pool.options.max ?? 10,
        boss_pool_max: BOSS_POOL_MAX,
        supervise_interval_s: sc.superviseIntervalSeconds,
      },
      env: world.env,
      n: {
        once: N_ONCE,
        cron_runs: CRON_RUNS,
        burst: N_BURST,
        raw: N_THROUGHPUT,
        ours: N_THROUGHPUT,
        rounds: ROUNDS,
      },
      create_concurrency: CREATE_CONCURRENCY,
    }

    log('1/4 lateness: 200 one-time jobs over 20 s + cron */1 s × 15')
    const lateness = await runLateness(world, receiver, monitor, {
      onceCount: N_ONCE,
      cronRuns: CRON_RUNS,
    })

    log(`2/4 burst: ${N_BURST} occurrences due together`)
    const burst = await runBulk(world, receiver, monitor, 'burst', N_BURST, 8_000)

    log(`3/4 raw pg-boss warm-up (200 jobs)`)
    const firstVariant = RAW_VARIANTS[0]
    if (firstVariant) await runRawBoss(database.url, receiver, monitor, 200, firstVariant)
    // Lead time: long enough for creation to end before the due time (rate measured in the burst).
    const createRate = N_BURST / (burst.create_ms / 1000)
    const leadMs = Math.max(3_000, Math.ceil(((N_THROUGHPUT / createRate) * 1.3 + 1.5) * 1000))
    const engineWorld = world
    const rounds: ThroughputRound[] = []
    for (let round_ = 1; round_ <= ROUNDS; round_++) {
      // Odd rounds drain raw first, even rounds ours first: the machine's drift favours neither.
      const first = round_ % 2 === 1 ? 'raw' : 'ours'
      log(
        `4/4 round ${round_}/${ROUNDS}: ${first === 'raw' ? 'raw pg-boss, then ours' : 'ours, then raw pg-boss'} (${N_THROUGHPUT} each)`,
      )
      const drainRaw = async () => {
        const results: RawResult[] = []
        for (const variant of RAW_VARIANTS) {
          await vacuum(monitor)
          results.push(await runRawBoss(database.url, receiver, monitor, N_THROUGHPUT, variant))
        }
        return results
      }
      const drainOurs = async () => {
        await vacuum(monitor)
        return runBulk(engineWorld, receiver, monitor, `tp${round_}`, N_THROUGHPUT, leadMs)
      }
      let raw: RawResult[]
      let ours: BulkResult
      if (first === 'raw') {
        raw = await drainRaw()
        ours = await drainOurs()
      } else {
        ours = await drainOurs()
        raw = await drainRaw()
      }
      const bestRaw = Math.max(...raw.map((r) => r.per_second))
      rounds.push({
        first,
        raw,
        ours,
        ratio: ours.per_second_from_first_start / bestRaw,
        ratio_from_due: ours.per_second_from_due / bestRaw,
      })
    }

    settings.load_avg.end = round(os.loadavg()[0] ?? 0, 2)
    const partial = {
      settings,
      lateness,
      burst,
      rounds,
      ratio: median(rounds.map((r) => r.ratio)),
      total_s: (performance.now() - began) / 1000,
    }
    const results: BenchResults = { ...partial, targets: evaluateTargets(partial) }
    process.stdout.write(`${renderMarkdown(results)}\n\n`)
    process.stdout.write(
      `${JSON.stringify({ bench: 'agent-tool-server-scheduler', ...results })}\n`,
    )
  } finally {
    await monitor.end().catch(() => {})
    await world?.close().catch((err) => log(`runtime stop failed: ${(err as Error).message}`))
    await receiver.close()
    await database.drop()
    log(`dropped ${database.name}`)
  }
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? err}\n`)
  process.exitCode = 1
})
