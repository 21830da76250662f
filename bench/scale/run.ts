// `npm run bench:scale`: the same measures on a 1,000-job database and on a 1,000,000-job one with
// 10,000,000 executions, in one run, side by side, with the ratio against the 1.2× target.
//
// Knobs (environment): BENCH_SCALE_JOBS / BENCH_SCALE_EXECUTIONS (the big database; default
// 1,000,000 / 10,000,000), BENCH_SCALE_SMALL_JOBS / BENCH_SCALE_SMALL_EXECUTIONS (default 1,000 /
// 10,000), BENCH_SCALE_SAMPLES (requests per read measure, default 200), BENCH_SCALE_PRUNE_SECONDS
// (longest prune pass measured, default 120), BENCH_SCALE_SKIP (comma list of: create, fire, prune,
// reads), BENCH_KEEP=1 (keep the databases), BENCH_SCALE_OUT (also write the markdown there),
// BENCH_SCALE_SEED_ONLY=1 (seed both databases, print their URLs and stop: for measuring by hand),
// BENCH_SCALE_DATABASES="<small url> <big url>" (measure databases seeded so, as they are: the
// measures add jobs and the prune deletes history, so reuse each pair once).
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import pg from 'pg'
import { createLogger } from '../../src/logger.ts'
import { type RetentionReport, runRetentionPass } from '../../src/scheduler/engine/retention.ts'
import {
  countAttemptsPerHour,
  countJobsByStatus,
  countLateness,
} from '../../src/scheduler/repository/stats.ts'
import { startReceiver } from '../receiver.ts'
import { type Summary, summarize } from '../stats.ts'
import { type CreatePathResults, measureCreatePath } from './create-load.ts'
import { createScaleDatabase, migrate, type ScaleDatabase } from './database.ts'
import { type BurstResult, type FireResult, fireBurst, fireLive, fireWhile } from './firing.ts'
import { measureReads, type ReadTarget } from './reads.ts'
import { type Row, renderReport } from './report.ts'
import { type SeedTimings, seed } from './seed.ts'
import { NO_BACKGROUND_RETENTION, type ServerChild, startServer } from './server.ts'

const num = (name: string, fallback: number) => {
  const value = process.env[name]
  return value ? Number(value.replaceAll('_', '')) : fallback
}
const SKIP = new Set((process.env.BENCH_SCALE_SKIP ?? '').split(',').filter(Boolean))
const log = (m: string) => process.stderr.write(`${m}\n`)

interface Fired {
  live: FireResult
  burst: BurstResult
  /** The engine's own lateness_ms of the burst's latest-started first attempt. */
  burstLastStartMs: number
}

/** Max lateness_ms the engine recorded for the jobs firing to `path` (firing.ts names them so). */
async function lastStart(target: Target, path: string): Promise<number> {
  const client = new pg.Client({ connectionString: target.db.url })
  await client.connect()
  try {
    const result = await client.query<{ ms: number | null }>(
      `select max(x.lateness_ms) as ms from job_executions x join scheduled_jobs j on j.id = x.job_id
       where j.name like $1 and x.attempt = 1`,
      [`bench live ${path} %`],
    )
    return result.rows[0]?.ms ?? Number.NaN
  } finally {
    await client.end()
  }
}

interface Pruned {
  report: RetentionReport
  during: FireResult
  /** Stopped at BENCH_SCALE_PRUNE_SECONDS with more left to delete. */
  aborted: boolean
}

interface Target extends ReadTarget {
  db: ScaleDatabase
  executions: number
  seed?: SeedTimings
  server?: ServerChild
  fire?: Fired
  prune?: Pruned
  /** The server's RSS when it was last stopped, MB. */
  rssAfter?: number
}

async function prepare(label: string, jobs: number, executions: number): Promise<Target> {
  const db = await createScaleDatabase(label)
  log(`${label}: database ${db.name}, seeding ${jobs} jobs / ${executions} executions`)
  try {
    const { boss, pool } = await migrate(db.url)
    const client = new pg.Client({ connectionString: db.url, application_name: 'bench-scale-seed' })
    await client.connect()
    try {
      const timings = await seed(client, boss, { jobs, executions }, log)
      log(`${label}: seeded in ${timings.total.toFixed(1)} s ${JSON.stringify(timings.rows)}`)
      return { label, db, jobs, executions, baseUrl: '', seed: timings }
    } finally {
      await client.end()
      await boss.stop({ graceful: false })
      await pool.end()
    }
  } catch (err) {
    if (process.env.BENCH_KEEP !== '1') await db.drop()
    throw err
  }
}

/** A database seeded earlier (BENCH_SCALE_SEED_ONLY), measured as it is and kept. */
async function reused(label: string, url: string): Promise<Target> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const counts = await client.query<{ jobs: number; executions: number }>(
      `select (select count(*)::int from scheduled_jobs) as jobs,
         (select count(*)::int from job_executions) as executions`,
    )
    const row = counts.rows[0] ?? { jobs: 0, executions: 0 }
    const name = new URL(url).pathname.slice(1)
    log(`${label}: reusing ${name} (${row.jobs} jobs, ${row.executions} executions)`)
    return {
      label,
      db: { name, url, drop: async () => {} },
      jobs: row.jobs,
      executions: row.executions,
      baseUrl: '',
    }
  } finally {
    await client.end()
  }
}

/** The dashboard overview's queries (stats.ts), timed through the repository on a small pool. */
async function measureOverview(target: Target, samples: number): Promise<Summary> {
  const pool = new pg.Pool({ connectionString: target.db.url, max: 2 })
  try {
    const times: number[] = []
    for (let k = 0; k < samples + 2; k++) {
      const now = new Date()
      const started = performance.now()
      await Promise.all([
        countJobsByStatus(pool),
        countAttemptsPerHour(pool, now, 24),
        countLateness(pool, new Date(now.getTime() - 24 * 3_600_000)),
      ])
      if (k >= 2) times.push(performance.now() - started)
    }
    return summarize(times)
  } finally {
    await pool.end()
  }
}

/** The create path's headline numbers per phase (create-load.ts), for the side-by-side table. */
function createRows(r: CreatePathResults): [string, string, number, 'latency' | 'info'][] {
  const rows: [string, string, number, 'latency' | 'info'][] = []
  for (const phase of r.creates) {
    if (phase.name === 'warm-up' || phase.name === 'idle') continue
    rows.push([`create ${phase.name}: creates/s`, '/s', phase.perSecond, 'info'])
    rows.push([`create ${phase.name}: p50`, 'ms', phase.p50Ms, 'info'])
    rows.push([`create ${phase.name}: p99`, 'ms', phase.p99Ms, 'latency'])
  }
  for (const [concurrency, ratio] of Object.entries(r.ceilingRatio)) {
    rows.push([`create ${concurrency}: creates/s ÷ hello-world req/s`, '', ratio, 'info'])
  }
  rows.push(['create server RSS idle', 'MB', r.server.idleRssMb, 'info'])
  rows.push(['create server RSS peak under load', 'MB', r.server.loadPeakRssMb, 'info'])
  rows.push(['create server RSS after', 'MB', r.server.afterRssMb, 'info'])
  return rows
}

async function main() {
  const small = {
    jobs: num('BENCH_SCALE_SMALL_JOBS', 1_000),
    executions: num('BENCH_SCALE_SMALL_EXECUTIONS', 10_000),
  }
  const big = {
    jobs: num('BENCH_SCALE_JOBS', 1_000_000),
    executions: num('BENCH_SCALE_EXECUTIONS', 10_000_000),
  }
  const samples = num('BENCH_SCALE_SAMPLES', 200)
  const pruneSeconds = num('BENCH_SCALE_PRUNE_SECONDS', 120)
  const startedAt = new Date()
  const loadBefore = os.loadavg()
  const targets: Target[] = []
  const rows: Row[] = []
  const notes: string[] = []
  const receiver = await startReceiver()
  try {
    const reuse = (process.env.BENCH_SCALE_DATABASES ?? '').split(/\s+/).filter(Boolean)
    if (reuse.length === 2) {
      for (const [k, url] of reuse.entries())
        targets.push(await reused(k === 0 ? 'small' : 'big', url))
      process.env.BENCH_KEEP = '1'
    } else {
      targets.push(await prepare('small', small.jobs, small.executions))
      targets.push(await prepare('big', big.jobs, big.executions))
    }
    if (process.env.BENCH_SCALE_SEED_ONLY === '1') {
      process.env.BENCH_KEEP = '1'
      return
    }
    const [s, b] = targets as [Target, Target]
    const pair = (
      name: string,
      unit: string,
      a: number,
      c: number,
      kind: 'latency' | 'info' = 'latency',
    ) => rows.push({ name, unit, small: a, big: c, kind })

    // Both servers run during the read measures (requests alternate between them); idle RSS first.
    for (const t of targets) t.server = await startServer(t.db.url)
    await new Promise((r) => setTimeout(r, 5_000))
    pair(
      'server RSS idle',
      'MB',
      s.server?.rssMb() ?? Number.NaN,
      b.server?.rssMb() ?? Number.NaN,
      'info',
    )

    if (!SKIP.has('reads')) {
      log('reads (HTTP API, one request at a time)')
      const reads = await measureReads(
        targets.map((t) => ({ label: t.label, baseUrl: t.server?.baseUrl ?? '', jobs: t.jobs })),
        { samples, log },
      )
      for (const [name, byTarget] of reads) {
        pair(
          `${name} p99`,
          'ms',
          byTarget.get('small')?.p99 ?? Number.NaN,
          byTarget.get('big')?.p99 ?? Number.NaN,
        )
        pair(
          `${name} p50`,
          'ms',
          byTarget.get('small')?.p50 ?? Number.NaN,
          byTarget.get('big')?.p50 ?? Number.NaN,
          'info',
        )
      }
      const os1 = await measureOverview(s, 20)
      const ob = await measureOverview(b, 20)
      pair('dashboard overview queries p99', 'ms', os1.p99, ob.p99)
    }

    if (!SKIP.has('fire')) {
      // One server fires at a time: the other is stopped, so they do not share the cores.
      for (const t of targets) {
        for (const other of targets) {
          if (other === t || !other.server) continue
          other.rssAfter = other.server.rssMb()
          await other.server.stop()
          other.server = undefined
        }
        if (!t.server) t.server = await startServer(t.db.url)
        log(`${t.label}: live occurrences and a 1,000-occurrence burst`)
        const live = await fireLive(t.server.baseUrl, receiver, `/${t.label}-live`)
        const burst = await fireBurst(t.server.baseUrl, receiver, `/${t.label}-burst`)
        log(
          `  live p99 ${live.lateness.p99} ms (missing ${live.missing}); burst p99 ${burst.lateness.p99} ms drain ${burst.drainMs} ms (missing ${burst.missing})`,
        )
        t.fire = { live, burst, burstLastStartMs: await lastStart(t, `/${t.label}-burst`) }
        t.rssAfter = t.server.rssMb()
        await t.server.stop()
        t.server = undefined
      }
      const fs = s.fire as Fired
      const fb = b.fire as Fired
      pair(
        'fire lateness p99 (200 live occurrences over 20 s)',
        'ms',
        fs.live.lateness.p99,
        fb.live.lateness.p99,
      )
      pair('fire lateness p50', 'ms', fs.live.lateness.p50, fb.live.lateness.p50, 'info')
      pair(
        'burst: 1,000 due in the same ms, lateness p99',
        'ms',
        fs.burst.lateness.p99,
        fb.burst.lateness.p99,
      )
      pair('burst: drain (due → last arrival)', 'ms', fs.burst.drainMs, fb.burst.drainMs)
      pair(
        'burst: last attempt started after due (lateness_ms max)',
        'ms',
        fs.burstLastStartMs,
        fb.burstLastStartMs,
      )
      const missing = fs.live.missing + fb.live.missing + fs.burst.missing + fb.burst.missing
      if (missing > 0)
        notes.push(`${missing} occurrences did not arrive within a minute of their due time.`)
    }

    if (!SKIP.has('prune')) {
      for (const t of targets) {
        t.server = t.server ?? (await startServer(t.db.url))
        const pool = new pg.Pool({
          connectionString: t.db.url,
          max: 2,
          application_name: 'bench-scale-prune',
        })
        const controller = new AbortController()
        const timer = setTimeout(() => controller.abort(), pruneSeconds * 1000)
        const logger = createLogger({ level: 'warn', destination: process.stderr })
        log(`${t.label}: prune pass (at most ${pruneSeconds} s) with 10 live occurrences/s`)
        const pass = runRetentionPass({
          pool,
          clock: { now: () => new Date() },
          logger,
          settings: {
            executionRetentionDays: 90,
            executionsKeptPerJob: 20,
            jobRetentionDays: 180,
          },
          signal: controller.signal,
        })
        const during = await fireWhile(t.server.baseUrl, receiver, `/${t.label}-prune`, pass)
        const report = await pass
        clearTimeout(timer)
        await pool.end()
        log(`  ${JSON.stringify(report)}; lateness p99 ${during.lateness.p99} ms`)
        t.prune = {
          report,
          during,
          aborted: controller.signal.aborted,
        }
      }
      const ps = s.prune as Pruned
      const pb = b.prune as Pruned
      pair(
        'prune pass duration',
        's',
        ps.report.durationMs / 1000,
        pb.report.durationMs / 1000,
        'info',
      )
      pair(
        'prune: executions deleted',
        'rows',
        ps.report.executionsDeleted,
        pb.report.executionsDeleted,
        'info',
      )
      pair('prune: jobs deleted', 'rows', ps.report.jobsDeleted, pb.report.jobsDeleted, 'info')
      pair(
        'prune: rows deleted per second',
        'rows/s',
        (ps.report.executionsDeleted + ps.report.jobsDeleted) / (ps.report.durationMs / 1000),
        (pb.report.executionsDeleted + pb.report.jobsDeleted) / (pb.report.durationMs / 1000),
        'info',
      )
      pair(
        'fire lateness p99 during the prune',
        'ms',
        ps.during.lateness.p99,
        pb.during.lateness.p99,
      )
      if (pb.aborted)
        notes.push(
          `The big prune pass was stopped after ${pruneSeconds} s (BENCH_SCALE_PRUNE_SECONDS); it had more to delete.`,
        )
    }
    for (const t of targets) {
      if (t.server) {
        t.rssAfter = t.server.rssMb()
        await t.server.stop()
        t.server = undefined
      }
    }
    const after = (t: Target) => t.rssAfter ?? Number.NaN
    pair('server RSS after', 'MB', after(s), after(b), 'info')

    if (!SKIP.has('create')) {
      const results: ReturnType<typeof createRows>[] = []
      for (const t of targets) {
        log(`${t.label}: create path (its own server and load client)`)
        const measured = await measureCreatePath({
          databaseUrl: t.db.url,
          log,
          logLevel: 'warn',
          serverEnv: NO_BACKGROUND_RETENTION,
        })
        results.push(createRows(measured))
      }
      const [cs, cb] = results as [ReturnType<typeof createRows>, ReturnType<typeof createRows>]
      for (const [name, unit, value, kind] of cs) {
        pair(name, unit, value, cb.find(([n]) => n === name)?.[2] ?? Number.NaN, kind)
      }
    }

    const markdown = renderReport({
      startedAt,
      finishedAt: new Date(),
      loadBefore,
      loadAfter: os.loadavg(),
      sizes: targets.map((t) => ({
        label: t.label,
        jobs: t.jobs,
        executions: t.executions,
        seed: t.seed,
      })),
      samples,
      rows,
      notes,
    })
    process.stdout.write(markdown)
    if (process.env.BENCH_SCALE_OUT) writeFileSync(process.env.BENCH_SCALE_OUT, markdown)
  } finally {
    for (const t of targets) await t.server?.stop().catch(() => {})
    await receiver.close()
    if (process.env.BENCH_KEEP === '1') {
      log(`kept: ${targets.map((t) => t.db.url).join(' ')}`)
    } else {
      for (const t of targets) await t.db.drop().catch((err) => log(`drop ${t.db.name}: ${err}`))
    }
  }
}

await main()
