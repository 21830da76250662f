// The baseline: plain pg-boss work() posting each job to the same receiver, with no bookkeeping of ours.
import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import { PgBoss } from 'pg-boss'
import { Agent } from 'undici'
import { BOSS_SCHEMA } from '../src/scheduler/engine/boss.ts'
import type { Receiver } from './receiver.ts'
import { waitUntil } from './stats.ts'

export interface RawWorkerSettings {
  batchSize: number
  pollingIntervalSeconds: number
  burstWhenBatchFull: boolean
  localConcurrency: number
  /** pg-boss pool size. */
  max: number
}

export const RAW_VARIANTS: readonly RawWorkerSettings[] = [
  {
    batchSize: 50,
    pollingIntervalSeconds: 0.5,
    burstWhenBatchFull: true,
    localConcurrency: 4,
    max: 10,
  },
  {
    batchSize: 100,
    pollingIntervalSeconds: 0.5,
    burstWhenBatchFull: true,
    localConcurrency: 8,
    max: 10,
  },
]

export interface RawResult {
  settings: RawWorkerSettings
  n: number
  insert_ms: number
  /** First started_on to last completed_on (pg-boss timestamps), ms. */
  span_ms: number
  per_second: number
}

/** Inserts `n` immediately due jobs into a fresh queue, then drains it with work(); returns jobs/s. */
export async function runRawBoss(
  connectionString: string,
  receiver: Receiver,
  monitor: pg.Client,
  n: number,
  settings: RawWorkerSettings,
): Promise<RawResult> {
  const boss = new PgBoss({
    connectionString,
    schema: BOSS_SCHEMA,
    max: settings.max,
    schedule: false,
    supervise: false,
    migrate: true,
  })
  boss.on('error', (err) => process.stderr.write(`raw pg-boss error: ${err.message}\n`))
  const agent = new Agent({ keepAliveTimeout: 30_000 })
  const queue = `bench-raw-${randomBytes(3).toString('hex')}`
  const origin = new URL(receiver.url).origin
  try {
    await boss.start()
    await boss.createQueue(queue)
    const insertStarted = performance.now()
    const items = Array.from({ length: n }, (_, i) => ({ data: { i } }))
    for (let i = 0; i < items.length; i += 500) await boss.insert(queue, items.slice(i, i + 500))
    const insertMs = performance.now() - insertStarted

    const post = async (id: string) => {
      const res = await agent.request({
        origin,
        path: '/raw',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-job-id': id },
        body: '{"bench":true}',
      })
      await res.body.text()
      if (res.statusCode !== 200) throw new Error(`receiver answered ${res.statusCode}`)
    }
    const arrivedBefore = await receiver.count('/raw')
    await boss.work(
      queue,
      {
        batchSize: settings.batchSize,
        pollingIntervalSeconds: settings.pollingIntervalSeconds,
        burstWhenBatchFull: settings.burstWhenBatchFull,
        localConcurrency: settings.localConcurrency,
      },
      async (jobs) => {
        await Promise.all(jobs.map((job) => post(job.id)))
      },
    )
    const count = async () => {
      const r = await monitor.query<{ n: number }>(
        `select count(*)::int as n from ${BOSS_SCHEMA}.job where name = $1 and state = 'completed'`,
        [queue],
      )
      return r.rows[0]?.n ?? 0
    }
    // Watch the in-process receiver first, then confirm completions in the database.
    await waitUntil(
      `raw pg-boss ${queue} arrivals`,
      async () => (await receiver.count('/raw')) - arrivedBefore >= n,
      60_000,
      20,
    )
    await waitUntil(`raw pg-boss ${queue}`, async () => (await count()) >= n, 60_000, 50)
    const span = await monitor.query<{ span_ms: number }>(
      `select extract(epoch from max(completed_on) - min(started_on)) * 1000 as span_ms
       from ${BOSS_SCHEMA}.job where name = $1`,
      [queue],
    )
    const spanMs = Number(span.rows[0]?.span_ms)
    await boss.offWork(queue)
    return { settings, n, insert_ms: insertMs, span_ms: spanMs, per_second: n / (spanMs / 1000) }
  } finally {
    await boss.stop({ graceful: false, close: true })
    await agent.close()
  }
}
