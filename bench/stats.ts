// Small helpers for the benchmark: percentiles, summaries, a bounded-concurrency map, Postgres CPU.
import { readdirSync, readFileSync } from 'node:fs'

export interface Summary {
  n: number
  p50: number
  p95: number
  p99: number
  max: number
  min: number
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN
}

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    for (;;) {
      const index = next++
      if (index >= items.length) return
      results[index] = await fn(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

export const round = (value: number, digits = 1) => {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** CPU seconds so far of every Postgres process, by pid (from /proc; Linux only). */
export type PostgresCpu = Map<string, number>

export function postgresCpu(): PostgresCpu {
  const ticks = 100
  const byPid: PostgresCpu = new Map()
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      if (!name.startsWith('postgres')) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) / ticks)
    } catch {}
  }
  return byPid
}

/**
 * Postgres CPU seconds since `before`. Per process, so a connection closed in between (a pool's idle
 * timeout) does not subtract its whole life from the total; only its last moments are missed. With
 * `only`, just those processes: on a machine shared with other work, the backends of the bench's own
 * database (backendPids) are what the engine costs Postgres, without anyone else's queries.
 */
export function postgresCpuSince(before: PostgresCpu, only?: ReadonlySet<string>): number {
  let total = 0
  for (const [pid, seconds] of postgresCpu()) {
    if (!only || only.has(pid)) total += seconds - (before.get(pid) ?? 0)
  }
  return total
}

/** Pids of the server processes connected to `database` now. */
export async function backendPids(
  db: { query(text: string, values: unknown[]): Promise<{ rows: { pid: number }[] }> },
  database: string,
): Promise<Set<string>> {
  const result = await db.query('select pid from pg_stat_activity where datname = $1', [database])
  return new Set(result.rows.map((r) => String(r.pid)))
}
