/**
 * Retention (issue 19): deletes executions older than EXECUTION_RETENTION_DAYS (keeping each job's
 * newest EXECUTIONS_KEPT_PER_JOB) and finished jobs older than JOB_RETENTION_DAYS with their
 * executions and changes. What is never deleted is listed in repository/retention.ts (K1–K6).
 *
 * Invariants of the pass:
 *  P1. Small steps: every statement touches at most `batchSize` rows (or walks `batchSize` jobs)
 *      through an index, each delete is its own short transaction, and the pass sleeps `pauseMs`
 *      between steps, so claims and recordings never wait long on it.
 *  P2. One replica at a time: the loop runs a pass only while holding a session advisory lock on a
 *      connection of its own; a replica that does not get it skips the pass. (Two passes at once
 *      would still be correct, only wasteful: every delete re-checks under row locks.)
 *  P3. Stops promptly: the signal is checked between steps and cuts a pause short; a step under way
 *      finishes (one short transaction) and the report covers what was done.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Pool } from '../../db/pool.ts'
import { withClient, withTransaction } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { RetentionMetrics } from '../../metrics.ts'
import type { Clock } from '../../time/clock.ts'
import {
  deleteJobsBatch,
  deleteOldExecutions,
  filterPrunableJobs,
  type JobCursor,
  walkJobsCreatedBefore,
} from '../repository/retention.ts'
import { MS_PER_DAY } from '../timing/index.ts'

export const DEFAULT_RETENTION_BATCH_SIZE = 1_000
export const DEFAULT_RETENTION_PAUSE_MS = 50
/** About hourly; each replica's first pass comes a few minutes after start-up, not during it. */
export const RETENTION_INTERVAL_MS = 3_600_000
export const RETENTION_FIRST_PASS_DELAY_MS = 5 * 60_000
/** Key of the session advisory lock that makes one replica at a time run the pass (P2). */
export const RETENTION_LOCK_KEY = 0x7265_7465 // "rete"

export interface RetentionSettings {
  /** Executions older than this many days are deleted (0 = kept forever). */
  executionRetentionDays: number
  /** Each job's newest this-many executions are always kept. */
  executionsKeptPerJob: number
  /** Finished jobs (completed, cancelled, failed) older than this many days go, with their executions (0 = forever). */
  jobRetentionDays: number
}

export interface RetentionReport {
  executionsDeleted: number
  jobsDeleted: number
  /** Delete transactions run (each at most batchSize rows). */
  batches: number
  durationMs: number
}

export interface RetentionPassDeps {
  pool: Pool
  clock: Clock
  logger: Logger
  settings: RetentionSettings
  metrics?: RetentionMetrics
  /** Rows per delete and jobs per walk step (default 1,000). */
  batchSize?: number
  /** Sleep between steps (default 50 ms). */
  pauseMs?: number
  /** Aborts between steps; the report then covers what was done. */
  signal?: AbortSignal
}

/** What the steps of one pass share: where to write, how big a step is, and the running totals. */
interface Pass {
  pool: Pool
  batchSize: number
  counts: { executions: number; jobs: number; changes: number; batches: number }
  stopped(): boolean
  /** Sleeps pauseMs, cut short by the signal (P1, P3). */
  pause(): Promise<void>
}

/** Walks the jobs created before `cutoff`, a page of batchSize at a time, handing each to `step`. */
async function walkJobs(pass: Pass, cutoff: Date, step: (ids: string[]) => Promise<void>) {
  let cursor: JobCursor | null = null
  do {
    if (pass.stopped()) return
    const page = await walkJobsCreatedBefore(pass.pool, cutoff, cursor, pass.batchSize)
    await step(page.ids)
    cursor = page.next
    if (cursor) await pass.pause()
  } while (cursor)
}

/** Finished jobs not touched since `cutoff`, with their executions and changes (K5, K6). */
function pruneFinishedJobs(pass: Pass, cutoff: Date): Promise<void> {
  return walkJobs(pass, cutoff, async (ids) => {
    const prunable = await filterPrunableJobs(pass.pool, ids, cutoff)
    // A job whose executions exceed one batch takes several transactions; each re-checks it (K6).
    for (let more = prunable.length > 0; more && !pass.stopped(); ) {
      const result = await withTransaction(pass.pool, (tx) =>
        deleteJobsBatch(tx, prunable, cutoff, pass.batchSize),
      )
      pass.counts.batches += 1
      pass.counts.executions += result.executionsDeleted
      pass.counts.jobs += result.jobsDeleted
      pass.counts.changes += result.changesDeleted
      more = result.more
      if (more) await pass.pause()
    }
  })
}

/** Executions started before `cutoff` beyond each job's newest `keep` (K1–K4). */
function pruneOldExecutions(pass: Pass, cutoff: Date, keep: number): Promise<void> {
  return walkJobs(pass, cutoff, async (ids) => {
    // Again while a batch was full, or deleted callback rows: the runs they reported may go now (K3).
    for (let again = ids.length > 0; again && !pass.stopped(); ) {
      const result = await deleteOldExecutions(pass.pool, ids, cutoff, keep, pass.batchSize)
      if (result.deleted === 0) return
      pass.counts.batches += 1
      pass.counts.executions += result.deleted
      again = result.deleted >= pass.batchSize || result.callbacksDeleted > 0
      if (again) await pass.pause()
    }
  })
}

/** Runs one full pass (no lock: the loop takes it; the scale bench calls this directly). */
export async function runRetentionPass(deps: RetentionPassDeps): Promise<RetentionReport> {
  const startedAt = performance.now()
  const { settings, signal } = deps
  const pauseMs = deps.pauseMs ?? DEFAULT_RETENTION_PAUSE_MS
  const pass: Pass = {
    pool: deps.pool,
    batchSize: deps.batchSize ?? DEFAULT_RETENTION_BATCH_SIZE,
    counts: { executions: 0, jobs: 0, changes: 0, batches: 0 },
    stopped: () => signal?.aborted === true,
    async pause() {
      if (pauseMs > 0 && !pass.stopped())
        await sleep(pauseMs, undefined, { signal }).catch(() => {})
    },
  }
  const now = deps.clock.now().getTime()
  const daysAgo = (days: number) => new Date(now - days * MS_PER_DAY)
  if (settings.jobRetentionDays > 0)
    await pruneFinishedJobs(pass, daysAgo(settings.jobRetentionDays))
  if (settings.executionRetentionDays > 0) {
    await pruneOldExecutions(
      pass,
      daysAgo(settings.executionRetentionDays),
      settings.executionsKeptPerJob,
    )
  }
  const report: RetentionReport = {
    executionsDeleted: pass.counts.executions,
    jobsDeleted: pass.counts.jobs,
    batches: pass.counts.batches,
    durationMs: Math.round(performance.now() - startedAt),
  }
  reportPass(deps, report, pass.counts.changes, pass.stopped())
  return report
}

/** The pass's one log line and its metrics. */
function reportPass(
  deps: Pick<RetentionPassDeps, 'logger' | 'metrics'>,
  report: RetentionReport,
  changesDeleted: number,
  interrupted: boolean,
) {
  deps.metrics?.rowsDeleted.inc({ table: 'job_executions' }, report.executionsDeleted)
  deps.metrics?.rowsDeleted.inc({ table: 'scheduled_jobs' }, report.jobsDeleted)
  deps.metrics?.rowsDeleted.inc({ table: 'job_changes' }, changesDeleted)
  deps.metrics?.passDuration.observe(report.durationMs / 1000)
  deps.metrics?.lastPassAt.set(Date.now() / 1000)
  deps.logger.info(
    {
      executions_deleted: report.executionsDeleted,
      jobs_deleted: report.jobsDeleted,
      changes_deleted: changesDeleted,
      batches: report.batches,
      duration_ms: report.durationMs,
      ...(interrupted ? { interrupted: true } : {}),
    },
    interrupted ? 'retention pass stopped early' : 'retention pass done',
  )
}

export interface RetentionLoopDeps extends Omit<RetentionPassDeps, 'signal'> {
  intervalMs?: number
  firstPassDelayMs?: number
}

export interface RetentionLoop {
  start(): void
  /** Stops the timer and the pass under way (P3); idempotent. */
  stop(): Promise<void>
  /** One pass under the advisory lock (P2); null when another replica holds it. */
  runOnce(): Promise<RetentionReport | null>
}

export function createRetentionLoop(deps: RetentionLoopDeps): RetentionLoop {
  const intervalMs = deps.intervalMs ?? RETENTION_INTERVAL_MS
  const abort = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined

  /** One pass under the lock; the pass under way is what stop() waits for. */
  function runOnce(): Promise<RetentionReport | null> {
    const pass = runLocked()
    running = pass
    return pass.finally(() => {
      if (running === pass) running = undefined
    })
  }

  function runLocked(): Promise<RetentionReport | null> {
    // The lock lives as long as this connection's session: a replica that dies mid-pass frees it.
    return withClient(deps.pool, async (client) => {
      const locked = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [
        RETENTION_LOCK_KEY,
      ])
      if (!locked.rows[0]?.ok) {
        deps.logger.debug('retention pass skipped: another replica is running one')
        return null
      }
      try {
        return await runRetentionPass({ ...deps, signal: abort.signal })
      } finally {
        await client.query('select pg_advisory_unlock($1)', [RETENTION_LOCK_KEY])
      }
    })
  }

  function schedule(delayMs: number) {
    if (abort.signal.aborted) return
    timer = setTimeout(() => {
      void runOnce()
        .catch((err) =>
          deps.logger.warn(
            { err: { message: (err as Error).message } },
            'retention pass failed; will retry at the next one',
          ),
        )
        .finally(() => schedule(intervalMs))
    }, delayMs)
    timer.unref()
  }

  return {
    start() {
      if (timer || abort.signal.aborted) return
      const { executionRetentionDays, jobRetentionDays } = deps.settings
      if (executionRetentionDays === 0 && jobRetentionDays === 0) {
        deps.logger.info('retention off: executions and finished jobs are kept forever')
        return
      }
      schedule(deps.firstPassDelayMs ?? RETENTION_FIRST_PASS_DELAY_MS)
    },
    async stop() {
      abort.abort()
      clearTimeout(timer)
      await running?.catch(() => {})
    },
    runOnce,
  }
}
