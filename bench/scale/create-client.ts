/**
 * The load client of the create bench, run in its own process (create-load.ts starts it) so its CPU
 * is not the server's: it still shares the machine's cores, which the report says. Reads its plan
 * from CREATE_LOAD_PLAN (JSON), prints one `phase-start <name>` line before and one
 * `phase-end <json>` line after each phase on stdout, then exits.
 *
 * closed: `concurrency` requests always in flight for `seconds` (throughput, latency at saturation).
 * open: a request every 1/rate seconds whatever the answers do, latency counted from the scheduled
 * send time, so queueing in the client, the kernel or the server counts (coordinated omission).
 */
import { Pool } from 'undici'
import { createBodyMaker } from './create-bodies.ts'

export type Phase =
  | { name: string; kind: 'closed'; concurrency: number; seconds: number }
  | { name: string; kind: 'open'; rate: number; seconds: number }

export interface ClientPlan {
  baseUrl: string
  path: string
  apiKey: string
  webhookUrl: string
  seed: string
  phases: Phase[]
}

export interface PhaseResult {
  name: string
  kind: Phase['kind']
  seconds: number
  requests: number
  /** Answers by status code ("201", "200", …; "error" for transport failures). */
  statuses: Record<string, number>
  perSecond: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  /** Open loop: sends that started more than 1 ms after their scheduled time (client saturated). */
  lateSends?: number
}

const plan = JSON.parse(process.env.CREATE_LOAD_PLAN ?? '{}') as ClientPlan
const bodies = createBodyMaker(plan.seed, plan.webhookUrl)
const headers = {
  'content-type': 'application/json',
  authorization: `Bearer ${plan.apiKey}`,
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number
}

function summarise(
  phase: Phase,
  latencies: number[],
  statuses: Record<string, number>,
  elapsedMs: number,
): PhaseResult {
  const sorted = Float64Array.from(latencies).sort()
  const ok = (statuses['201'] ?? 0) + (statuses['200'] ?? 0)
  const r = (v: number) => Math.round(v * 100) / 100
  return {
    name: phase.name,
    kind: phase.kind,
    seconds: r(elapsedMs / 1000),
    requests: latencies.length,
    statuses,
    perSecond: r(ok / (elapsedMs / 1000)),
    p50Ms: r(quantile(sorted, 0.5)),
    p90Ms: r(quantile(sorted, 0.9)),
    p99Ms: r(quantile(sorted, 0.99)),
    maxMs: r(sorted[sorted.length - 1] ?? Number.NaN),
  }
}

async function send(pool: Pool, statuses: Record<string, number>): Promise<void> {
  try {
    const res = await pool.request({
      method: 'POST',
      path: plan.path,
      headers,
      body: bodies.next(),
    })
    const text = await res.body.text()
    const key = String(res.statusCode)
    statuses[key] = (statuses[key] ?? 0) + 1
    if (res.statusCode >= 300 && (statuses[key] ?? 0) <= 3) {
      process.stderr.write(`status ${res.statusCode}: ${text.slice(0, 300)}\n`)
    }
  } catch (err) {
    statuses.error = (statuses.error ?? 0) + 1
    if ((statuses.error ?? 0) <= 3) process.stderr.write(`request failed: ${String(err)}\n`)
  }
}

async function closedLoop(phase: Extract<Phase, { kind: 'closed' }>): Promise<PhaseResult> {
  // Concurrency 0 is a quiet pause (the server's idle memory is read at its end).
  if (phase.concurrency === 0) {
    await new Promise((resolve) => setTimeout(resolve, phase.seconds * 1000))
    return summarise(phase, [], {}, phase.seconds * 1000)
  }
  const pool = new Pool(plan.baseUrl, { connections: phase.concurrency, pipelining: 1 })
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const started = performance.now()
  const until = started + phase.seconds * 1000
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now()
      await send(pool, statuses)
      latencies.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: phase.concurrency }, worker))
  const elapsed = performance.now() - started
  await pool.close()
  return summarise(phase, latencies, statuses, elapsed)
}

async function openLoop(phase: Extract<Phase, { kind: 'open' }>): Promise<PhaseResult> {
  // Enough connections that the client never queues a send behind a slow answer.
  const pool = new Pool(plan.baseUrl, { connections: 1024, pipelining: 1 })
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const total = Math.round(phase.rate * phase.seconds)
  const intervalMs = 1000 / phase.rate
  const started = performance.now()
  let lateSends = 0
  const inFlight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const scheduled = started + i * intervalMs
    const wait = scheduled - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    if (performance.now() - scheduled > 1) lateSends++
    inFlight.push(
      send(pool, statuses).then(() => {
        latencies.push(performance.now() - scheduled)
      }),
    )
  }
  await Promise.all(inFlight)
  const elapsed = performance.now() - started
  await pool.close()
  return { ...summarise(phase, latencies, statuses, elapsed), lateSends }
}

for (const phase of plan.phases) {
  process.stdout.write(`phase-start ${phase.name}\n`)
  const result = phase.kind === 'closed' ? await closedLoop(phase) : await openLoop(phase)
  process.stdout.write(`phase-end ${JSON.stringify(result)}\n`)
}
