/**
 * The create path through the HTTP API, measured from outside: the real server (src/main.ts) in a
 * child process, the load client (create-client.ts) in another, a Hono hello-world in a third as
 * the ceiling. All share the machine's cores (and PostgreSQL's), which the results record.
 *
 * Measures: server RSS idle (after warm-up), peak under load and after; creates/s and latency at
 * 50 and 200 requests in flight (closed loop); latency at an offered 200 requests/s (open loop,
 * from the scheduled send time); hello-world req/s at the same concurrencies, and the ratio.
 */

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import pg from 'pg'
import { type PostgresCpu, postgresCpu } from '../stats.ts'
import type { ClientPlan, Phase, PhaseResult } from './create-client.ts'
import { type Child, freePort, startNodeChild, waitForHttp } from './processes.ts'
import { readCpuSeconds, readMemory, sampleMemory } from './rss.ts'

export interface PhaseMeasure extends PhaseResult {
  /** Highest server VmRSS sampled during the phase, MB. */
  serverPeakRssMb: number
  /** Server CPU seconds per second of the phase (1.0 = one core busy). */
  serverCpuCores: number
  /** The client's CPU in the same way (it shares the cores). */
  clientCpuCores: number
  /**
   * Server CPU ms per answered request: what a shared machine disturbs least, so the measure for
   * A/B comparisons (it includes the engine's own background work during the phase).
   */
  serverCpuMsPerRequest: number
  /** CPU ms per answered request of the PostgreSQL backends serving the bench database. */
  postgresCpuMsPerRequest: number
}

export interface CreatePathResults {
  machine: {
    cores: number
    cpuModel: string
    node: string
    loadavgBefore: number[]
    loadavgAfter: number[]
  }
  settings: { logLevel: string; serverNodeArgs: string[]; phases: Phase[] }
  server: {
    /** RSS right after start, before any request, MB. */
    startRssMb: number
    /** RSS after the warm-up, once quiet for a few seconds, MB. */
    idleRssMb: number
    /** Highest RSS over all load phases, MB. */
    loadPeakRssMb: number
    /** RSS some seconds after the last phase, MB. */
    afterRssMb: number
    /** The kernel's high-water mark over the whole run (VmHWM), MB. */
    hwmMb: number
  }
  creates: PhaseMeasure[]
  hello: PhaseMeasure[]
  /** creates/s ÷ hello-world req/s, per closed-loop concurrency. */
  ceilingRatio: Record<string, number>
}

export interface MeasureOptions {
  databaseUrl: string
  log?: (m: string) => void
  /** LOG_LEVEL of the server (default info, the production default). */
  logLevel?: string
  /** Seconds per measured phase (default 15). */
  seconds?: number
  /** Node flags for the server instead of PRODUCTION_NODE_ARGS, e.g. with '--cpu-prof'. */
  serverNodeArgs?: string[]
  /** Extra server environment (experiments). */
  serverEnv?: Record<string, string>
  /** Skip the hello-world ceiling (faster A/B runs). */
  skipHello?: boolean
  /** Only the 50-in-flight and the 200/s phases (A/B runs). */
  quick?: boolean
  /** Run the server from another checkout of this repository (A/B of two versions). */
  serverRoot?: string
}

/**
 * How the Docker image starts node (Dockerfile: CMD and ENV); a run measures the server as deployed.
 * Both keep RSS down (a smaller young generation, two malloc arenas instead of one per thread).
 */
export const PRODUCTION_NODE_ARGS = ['--max-semi-space-size=4']
export const PRODUCTION_ENV = { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' }

const API_KEY = `bench-${randomBytes(16).toString('hex')}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function phasesFor(seconds: number, quick: boolean): Phase[] {
  return [
    { name: 'warm-up', kind: 'closed', concurrency: 20, seconds: 5 },
    { name: 'idle', kind: 'closed', concurrency: 0, seconds: 5 },
    { name: 'closed c=50', kind: 'closed', concurrency: 50, seconds },
    ...(quick
      ? []
      : [{ name: 'closed c=200', kind: 'closed', concurrency: 200, seconds } as const]),
    { name: 'open 200/s', kind: 'open', rate: 200, seconds },
  ]
}

/** Runs the client's phases against `server`, sampling the server's memory and both CPUs per phase. */
async function drive(
  server: Child,
  baseUrl: string,
  phases: Phase[],
  log: (m: string) => void,
  databaseUrl?: string,
): Promise<{ results: PhaseMeasure[]; idleRssMb: number }> {
  // The backends of the bench database, for their CPU (other helpers' queries excluded).
  const admin = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : null
  await admin?.connect()
  const backendCpu = async (before: PostgresCpu, after: PostgresCpu) => {
    if (!admin) return 0
    const { rows } = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    )
    let total = 0
    for (const { pid } of rows) {
      const key = String(pid)
      total += (after.get(key) ?? 0) - (before.get(key) ?? 0)
    }
    return total
  }
  const pending: Promise<void>[] = []
  let pgAtStart: PostgresCpu = new Map()
  const plan: ClientPlan = {
    baseUrl,
    path: '/jobs/webhook',
    apiKey: API_KEY,
    webhookUrl: 'http://127.0.0.1:9',
    seed: randomBytes(4).toString('hex'),
    phases,
  }
  const results: PhaseMeasure[] = []
  let idleRssMb = Number.NaN
  let sampler: ReturnType<typeof sampleMemory> | null = null
  let cpuAtStart = { server: 0, client: 0, at: 0 }
  let clientPid = 0
  const client = startNodeChild(
    'bench/scale/create-client.ts',
    { CREATE_LOAD_PLAN: JSON.stringify(plan) },
    {
      onLine(line) {
        if (line.startsWith('phase-start ')) {
          sampler = sampleMemory(server.pid)
          pgAtStart = postgresCpu()
          cpuAtStart = {
            server: readCpuSeconds(server.pid),
            client: readCpuSeconds(clientPid),
            at: performance.now(),
          }
        } else if (line.startsWith('phase-end ')) {
          const result = JSON.parse(line.slice('phase-end '.length)) as PhaseResult
          const seconds = (performance.now() - cpuAtStart.at) / 1000
          const serverCpu = readCpuSeconds(server.pid) - cpuAtStart.server
          const pgBefore = pgAtStart
          const pgAfter = postgresCpu()
          const measure: PhaseMeasure = {
            ...result,
            serverCpuMsPerRequest:
              result.requests > 0 ? Math.round((serverCpu / result.requests) * 1e5) / 100 : 0,
            postgresCpuMsPerRequest: 0,
            serverPeakRssMb: Math.round((sampler?.stop() ?? Number.NaN) * 10) / 10,
            serverCpuCores: Math.round((serverCpu / seconds) * 100) / 100,
            clientCpuCores:
              Math.round(((readCpuSeconds(clientPid) - cpuAtStart.client) / seconds) * 100) / 100,
          }
          if (result.requests > 0) {
            pending.push(
              backendCpu(pgBefore, pgAfter).then((seconds) => {
                measure.postgresCpuMsPerRequest =
                  Math.round((seconds / result.requests) * 1e5) / 100
              }),
            )
          }
          if (result.name === 'idle') {
            idleRssMb = Math.round((readMemory(server.pid)?.rssMb ?? Number.NaN) * 10) / 10
            log(`idle RSS ${idleRssMb} MB`)
          } else if (result.name !== 'warm-up') {
            results.push(measure)
            log(
              `${result.name}: ${result.perSecond}/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms ` +
                `statuses ${JSON.stringify(result.statuses)} server RSS peak ${measure.serverPeakRssMb} MB ` +
                `server CPU ${measure.serverCpuCores} (${measure.serverCpuMsPerRequest} ms/req) client CPU ${measure.clientCpuCores}`,
            )
          }
        }
      },
    },
  )
  clientPid = client.pid
  const code = await client.exited
  await Promise.all(pending)
  await admin?.end()
  if (code !== 0) throw new Error(`the load client failed (${code}):\n${client.tail()}`)
  // The client prints the first few unexpected answers; they explain a run full of 4xx.
  for (const line of client.tail().split('\n')) {
    if (line.startsWith('status ') || line.startsWith('request failed')) log(`client: ${line}`)
  }
  return { results, idleRssMb }
}

export async function measureCreatePath(opts: MeasureOptions): Promise<CreatePathResults> {
  const log = opts.log ?? (() => {})
  const logLevel = opts.logLevel ?? 'info'
  const phases = phasesFor(opts.seconds ?? 15, opts.quick ?? false)
  const serverNodeArgs = opts.serverNodeArgs ?? PRODUCTION_NODE_ARGS
  const loadavgBefore = loadavg()

  const port = await freePort()
  const server = startNodeChild(
    'src/main.ts',
    {
      DATABASE_URL: opts.databaseUrl,
      API_KEYS: `bench:${API_KEY}`,
      WEBHOOK_ALLOWLIST: '127.0.0.1/32',
      LOG_LEVEL: logLevel,
      ...PRODUCTION_ENV,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...opts.serverEnv,
    },
    { nodeArgs: serverNodeArgs, ...(opts.serverRoot ? { cwd: opts.serverRoot } : {}) },
  )
  let creates: PhaseMeasure[]
  let idleRssMb: number
  let startRssMb: number
  let afterRssMb: number
  let hwmMb: number
  try {
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, server)
    await sleep(2_000)
    startRssMb = readMemory(server.pid)?.rssMb ?? Number.NaN
    log(`server up (pid ${server.pid}), RSS ${startRssMb.toFixed(1)} MB; LOG_LEVEL=${logLevel}`)
    ;({ results: creates, idleRssMb } = await drive(
      server,
      `http://127.0.0.1:${port}`,
      phases,
      log,
      opts.databaseUrl,
    ))
    await sleep(10_000)
    const after = readMemory(server.pid)
    afterRssMb = after?.rssMb ?? Number.NaN
    hwmMb = after?.hwmMb ?? Number.NaN
    log(
      `server RSS 10 s after the load ${afterRssMb.toFixed(1)} MB (high-water mark ${hwmMb.toFixed(1)} MB)`,
    )
  } finally {
    await server.stop()
  }

  let hello: PhaseMeasure[] = []
  if (!opts.skipHello) {
    const helloPort = await freePort()
    const helloServer = startNodeChild(
      'bench/scale/hello-server.ts',
      { PORT: String(helloPort), ...PRODUCTION_ENV },
      { nodeArgs: serverNodeArgs },
    )
    try {
      await waitForHttp(`http://127.0.0.1:${helloPort}/healthz`, helloServer)
      const helloPhases = phases.filter((p) => p.kind === 'closed' && p.concurrency !== 0)
      log('hello-world ceiling:')
      hello = (await drive(helloServer, `http://127.0.0.1:${helloPort}`, helloPhases, log)).results
    } finally {
      await helloServer.stop()
    }
  }

  const ceilingRatio: Record<string, number> = {}
  for (const h of hello) {
    const ours = creates.find((c) => c.name === h.name)
    if (ours) ceilingRatio[h.name] = Math.round((ours.perSecond / h.perSecond) * 1000) / 1000
  }
  const loadPeakRssMb = Math.max(...creates.map((c) => c.serverPeakRssMb))
  const r1 = (v: number) => Math.round(v * 10) / 10
  return {
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadavgBefore: loadavgBefore.map((v) => Math.round(v * 100) / 100),
      loadavgAfter: loadavg().map((v) => Math.round(v * 100) / 100),
    },
    settings: { logLevel, serverNodeArgs, phases },
    server: {
      startRssMb: r1(startRssMb),
      idleRssMb,
      loadPeakRssMb,
      afterRssMb: r1(afterRssMb),
      hwmMb: r1(hwmMb),
    },
    creates,
    hello,
    ceilingRatio,
  }
}

/** The results as a markdown table, for `npm run bench:creates` and the scale report. */
export function createPathTable(results: CreatePathResults): string {
  const rows = [
    '| phase | req/s | p50 ms | p90 ms | p99 ms | max ms | statuses | server CPU (cores) | server CPU ms/req | PostgreSQL CPU ms/req | client CPU (cores) | server RSS peak MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  const row = (label: string, p: PhaseMeasure) =>
    rows.push(
      `| ${label} | ${p.perSecond} | ${p.p50Ms} | ${p.p90Ms} | ${p.p99Ms} | ${p.maxMs} | ${Object.entries(
        p.statuses,
      )
        .map(([k, v]) => `${k}×${v}`)
        .join(
          ' ',
        )} | ${p.serverCpuCores} | ${p.serverCpuMsPerRequest} | ${p.postgresCpuMsPerRequest} | ${p.clientCpuCores} | ${p.serverPeakRssMb} |`,
    )
  for (const p of results.creates) row(`create ${p.name}`, p)
  for (const p of results.hello) row(`hello-world ${p.name}`, p)
  const s = results.server
  const m = results.machine
  return [
    ...rows,
    '',
    `Server RSS: start ${s.startRssMb} MB, idle after warm-up ${s.idleRssMb} MB, peak under load ${s.loadPeakRssMb} MB, 10 s after ${s.afterRssMb} MB (VmHWM ${s.hwmMb} MB).`,
    `Ceiling ratio (creates/s ÷ hello-world req/s): ${Object.entries(results.ceilingRatio)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}.`,
    `Machine: ${m.cores} × ${m.cpuModel}, Node ${m.node}, load average before ${m.loadavgBefore.join(' ')}, after ${m.loadavgAfter.join(' ')}; client, server, hello-world and PostgreSQL share these cores. LOG_LEVEL=${results.settings.logLevel}.`,
  ].join('\n')
}

/** Linux only: the machine's recent load, for notes. */
export function loadSnapshot(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').trim()
  } catch {
    return loadavg().join(' ')
  }
}
