// The engine scenarios: fire lateness (one-time + cron), a 1,000-occurrence burst, and bulk throughput.
import type pg from 'pg'
import type { Receiver } from './receiver.ts'
import type { BenchWorld } from './setup.ts'
import { mapLimit, type Summary, summarize, waitUntil } from './stats.ts'

const ACTOR = { name: 'bench' }
/** Parallel createJob calls; leaves room in the 10-connection pool for the dispatcher. */
export const CREATE_CONCURRENCY = 8

interface ExecutionRow {
  status: string
  attempt: number
  lateness_ms: number
  due_ms: number
  started_ms: number
  finished_ms: number | null
  completed_ms: number | null
}

/** Every attempt of the jobs tagged `tag`, times as epoch ms (completed_ms: pg-boss completed_on). */
async function executions(monitor: pg.Client, tag: string): Promise<ExecutionRow[]> {
  const result = await monitor.query<ExecutionRow>(
    `select x.status, x.attempt, x.lateness_ms,
       extract(epoch from x.occurrence_at) * 1000 as due_ms,
       extract(epoch from x.started_at) * 1000 as started_ms,
       extract(epoch from x.finished_at) * 1000 as finished_ms,
       extract(epoch from b.completed_on) * 1000 as completed_ms
     from job_executions x
     join scheduled_jobs j on j.id = x.job_id
     left join pgboss.job b on b.name = 'occurrence-webhook' and b.id = x.boss_job_id
     where j.tags @> array[$1]::text[]`,
    [tag],
  )
  return result.rows.map((r) => ({
    ...r,
    due_ms: Number(r.due_ms),
    started_ms: Number(r.started_ms),
    finished_ms: r.finished_ms === null ? null : Number(r.finished_ms),
    completed_ms: r.completed_ms === null ? null : Number(r.completed_ms),
  }))
}

async function countFinished(monitor: pg.Client, tag: string): Promise<number> {
  const result = await monitor.query<{ n: number }>(
    `select count(*)::int as n from job_executions x join scheduled_jobs j on j.id = x.job_id
     where j.tags @> array[$1]::text[] and x.status <> 'running'`,
    [tag],
  )
  return result.rows[0]?.n ?? 0
}

/**
 * Waits until `count` attempts of `tag` are recorded. It watches the in-process receiver first and
 * only then polls the database, so the measurement barely loads the Postgres it measures.
 */
async function waitRecorded(
  monitor: pg.Client,
  receiver: Receiver,
  tag: string,
  count: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  await waitUntil(
    `${count} ${tag} arrivals`,
    async () => (await receiver.count(`/${tag}`)) >= count,
    timeoutMs,
    20,
  )
  await waitUntil(
    `${count} ${tag} recorded attempts`,
    async () => (await countFinished(monitor, tag)) >= count,
    Math.max(1_000, deadline - Date.now()),
    50,
  )
}

interface OnceSpec {
  name: string
  runAt: Date
}

/** Creates one-time webhook jobs through the service; returns how long creation took (ms). */
async function createOnce(
  world: BenchWorld,
  receiver: Receiver,
  tag: string,
  specs: readonly OnceSpec[],
): Promise<number> {
  const started = performance.now()
  await mapLimit(specs, CREATE_CONCURRENCY, (spec) =>
    world.runtime.service.createJob(
      'webhook',
      {
        name: spec.name,
        run_at: spec.runAt.toISOString(),
        url: `${receiver.url}/${tag}`,
        body: '{"bench":true}',
        tags: `bench,${tag}`,
      },
      ACTOR,
    ),
  )
  return performance.now() - started
}

export interface LatenessResult {
  once: { receiver: Summary; lateness_ms: Summary; failed: number; create_ms: number }
  cron: { receiver: Summary; lateness_ms: Summary; failed: number; occurrences: number }
}

/** 200 one-time jobs spread over `spreadMs` (random ms offsets) plus a 1-second cron, running together. */
export async function runLateness(
  world: BenchWorld,
  receiver: Receiver,
  monitor: pg.Client,
  { onceCount = 200, spreadMs = 20_000, cronRuns = 15 } = {},
): Promise<LatenessResult> {
  const base = Date.now() + 4_000
  const specs = Array.from({ length: onceCount }, (_, i) => ({
    name: `bench once ${i}`,
    runAt: new Date(base + Math.floor(Math.random() * spreadMs)),
  }))
  const createMs = await createOnce(world, receiver, 'once', specs)
  await world.runtime.service.createJob(
    'webhook',
    {
      name: 'bench cron',
      cron: '*/1 * * * * *',
      max_runs: cronRuns,
      url: `${receiver.url}/cron`,
      body: '{"bench":true}',
      tags: 'bench,cron',
    },
    ACTOR,
  )
  const lastDue = Math.max(...specs.map((s) => s.runAt.getTime()))
  const timeoutMs = Math.max(lastDue, Date.now() + cronRuns * 1000) - Date.now() + 15_000
  await waitRecorded(monitor, receiver, 'once', onceCount, timeoutMs)
  await waitRecorded(monitor, receiver, 'cron', cronRuns, timeoutMs)
  const summarizeTag = async (tag: string) => {
    const rows = (await executions(monitor, tag)).filter((r) => r.attempt === 1)
    const arrivals = await receiver.byPath(`/${tag}`)
    return {
      receiver: summarize(arrivals.map((a) => a.at - a.occurrenceAt)),
      lateness_ms: summarize(rows.map((r) => r.lateness_ms)),
      failed: rows.filter((r) => r.status !== 'succeeded').length,
      occurrences: rows.length,
    }
  }
  const once = await summarizeTag('once')
  const cron = await summarizeTag('cron')
  return {
    once: {
      receiver: once.receiver,
      lateness_ms: once.lateness_ms,
      failed: once.failed,
      create_ms: createMs,
    },
    cron,
  }
}

export interface BulkResult {
  n: number
  create_ms: number
  lead_ms: number
  /** Creation ended before the due time (otherwise the measurement is not a clean burst). */
  created_before_due: boolean
  failed: number
  /** All relative to the shared due time, ms. */
  first_start_ms: number
  all_started_ms: number
  all_finished_ms: number
  all_completed_ms: number
  receiver_last_ms: number
  /** Occurrences per second from the due time to the last pg-boss completion. */
  per_second_from_due: number
  /** Occurrences per second from the first start to the last pg-boss completion. */
  per_second_from_first_start: number
  pool_wait: Summary
}

/** `n` one-time jobs sharing one run_at `leadMs` ahead, created in parallel through the service. */
export async function runBulk(
  world: BenchWorld,
  receiver: Receiver,
  monitor: pg.Client,
  tag: string,
  n: number,
  leadMs: number,
): Promise<BulkResult> {
  const due = Date.now() + leadMs
  const runAt = new Date(due)
  const specs = Array.from({ length: n }, (_, i) => ({ name: `bench ${tag} ${i}`, runAt }))
  const createMs = await createOnce(world, receiver, tag, specs)
  const createdAt = Date.now()
  // Pool waits are counted from the due time on, i.e. while the engine drains.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())))
  world.probe.reset()
  await waitRecorded(monitor, receiver, tag, n, 60_000)
  const poolWait = summarize(world.probe.waits)
  const rows = (await executions(monitor, tag)).filter((r) => r.attempt === 1)
  const arrivals = await receiver.byPath(`/${tag}`)
  const max = (values: number[]) => Math.max(...values)
  const min = (values: number[]) => Math.min(...values)
  const completed = rows.map((r) => r.completed_ms ?? Number.NaN)
  const lastCompleted = max(completed)
  const firstStart = min(rows.map((r) => r.started_ms))
  return {
    n,
    create_ms: createMs,
    lead_ms: leadMs,
    created_before_due: createdAt < due,
    failed: rows.filter((r) => r.status !== 'succeeded').length,
    first_start_ms: firstStart - due,
    all_started_ms: max(rows.map((r) => r.started_ms)) - due,
    all_finished_ms: max(rows.map((r) => r.finished_ms ?? Number.NaN)) - due,
    all_completed_ms: lastCompleted - due,
    receiver_last_ms: max(arrivals.map((a) => a.at)) - due,
    per_second_from_due: n / ((lastCompleted - due) / 1000),
    per_second_from_first_start: n / ((lastCompleted - firstStart) / 1000),
    pool_wait: poolWait,
  }
}
