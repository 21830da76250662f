// The read tools through the real HTTP API (what an agent calls), timed from the client: listJobs
// with each filter, a second page, getJob, listExecutions with each outcome filter.
import { createHash } from 'node:crypto'
import { type Summary, summarize } from '../stats.ts'

export interface ReadTarget {
  label: string
  baseUrl: string
  jobs: number
}

export interface ReadMeasure {
  name: string
  /** Path and query for the target, request `k` (varies ids and words per request). */
  path(target: ReadTarget, k: number): string
}

/** The seed's job ids (seed.ts job_uuid): md5('job' || i) as a uuid. */
export function seededJobId(i: number): string {
  const hex = createHash('md5').update(`job${i}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The k-th sampled job number: spread over the whole table, the same fraction in every size. */
const spread = (target: ReadTarget, k: number, step = 1) => 1 + ((k * 7919 * step) % target.jobs)
/** An active job number (seed.ts ACTIVE_EVERY): most have months of history. */
const active = (target: ReadTarget, k: number) => 20 * (1 + ((k * 7919) % (target.jobs / 20)))

export const READ_MEASURES: ReadMeasure[] = [
  { name: 'listJobs (no filter)', path: () => '/jobs' },
  { name: 'listJobs status=scheduled', path: () => '/jobs?status=scheduled' },
  { name: 'listJobs status=failed', path: () => '/jobs?status=failed' },
  { name: 'listJobs action=dify', path: () => '/jobs?action=dify' },
  { name: 'listJobs tag=billing', path: () => '/jobs?tag=billing' },
  { name: 'listJobs tag=vip (rare)', path: () => '/jobs?tag=vip' },
  { name: 'listJobs outcome=failed', path: () => '/jobs?outcome=failed' },
  // "reuniao" finds "Reunião" (folded, accent-insensitive); "zebra" is in one job name in 1,000.
  { name: 'listJobs search=reuniao', path: () => '/jobs?search=reuniao' },
  { name: 'listJobs search="relatorio vendas"', path: () => '/jobs?search=relatorio%20vendas' },
  { name: 'listJobs search=zebra (rare)', path: () => '/jobs?search=zebra' },
  { name: 'getJob', path: (t, k) => `/jobs/${seededJobId(spread(t, k))}` },
  {
    name: 'listExecutions (active job)',
    path: (t, k) => `/jobs/${seededJobId(active(t, k))}/executions`,
  },
  {
    name: 'listExecutions outcome=failed',
    path: (t, k) => `/jobs/${seededJobId(active(t, k))}/executions?outcome=failed`,
  },
  {
    name: 'listExecutions outcome=running (none)',
    path: (t, k) => `/jobs/${seededJobId(active(t, k))}/executions?outcome=running`,
  },
  {
    name: 'listExecutions (finished job)',
    path: (t, k) => `/jobs/${seededJobId(1 + 2 * ((k * 7919 * 3) % (t.jobs / 2)))}/executions`,
  },
]

async function timedGet(url: string): Promise<number> {
  const started = performance.now()
  const res = await fetch(url)
  const body = await res.text()
  const ms = performance.now() - started
  if (res.status !== 200)
    throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 300)}`)
  return ms
}

/**
 * Each measure on every target, one request at a time (latency, not throughput), alternating
 * targets in blocks so drift in the machine's load hits both alike; a few untimed requests first.
 */
export async function measureReads(
  targets: readonly ReadTarget[],
  { samples, block = 20, log }: { samples: number; block?: number; log: (m: string) => void },
): Promise<Map<string, Map<string, Summary>>> {
  const results = new Map<string, Map<string, Summary>>()
  for (const measure of READ_MEASURES) {
    const times = new Map<string, number[]>(targets.map((t) => [t.label, []]))
    for (const target of targets) {
      for (let k = 0; k < 3; k++) await timedGet(target.baseUrl + measure.path(target, 1000 + k))
    }
    for (let done = 0; done < samples; done += block) {
      for (const target of targets) {
        const list = times.get(target.label) ?? []
        for (let k = done; k < Math.min(samples, done + block); k++) {
          list.push(await timedGet(target.baseUrl + measure.path(target, k)))
        }
      }
    }
    const row = new Map<string, Summary>()
    for (const [label, list] of times) row.set(label, summarize(list))
    results.set(measure.name, row)
    log(
      `  ${measure.name}: ${[...row].map(([l, s]) => `${l} p50 ${s.p50.toFixed(1)} p99 ${s.p99.toFixed(1)} ms`).join(' | ')}`,
    )
  }
  return results
}
