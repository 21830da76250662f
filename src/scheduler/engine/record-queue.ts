/**
 * The queue of finished attempts waiting to be recorded: it runs recording transactions
 * (record-transaction.ts), each taking every attempt that finished meanwhile. While a batch is being
 * written the next one fills up, so batching costs no added latency when the engine is quiet. A batch
 * that fails is retried attempt by attempt with backoff, so one bad row cannot hold the others.
 *
 * Invariant Q1: while the process runs, an outcome the database could not be reached for is retried
 * until it is committed, however long the outage; the process's lease keeps every sweeper off the
 * attempt meanwhile (lease.ts). Only two things end the retries: the database refusing the record
 * itself several times (the attempt is then released to the sweeper, which retries the occurrence),
 * and shutdown (drain), after which the lease lapses and another process takes the attempt over.
 */
import type { PgBoss } from 'pg-boss'
import { isTransientDatabaseError } from '../../db/pg-errors.ts'
import { type Pool, withTransaction } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import { releaseAttempt } from '../repository/leases.ts'
import type { FinishedAttempt, RecordingHook } from './hooks.ts'
import type { DeliverySettings } from './occurrences.ts'
import { recordOutcomes } from './record-transaction.ts'

/** Times the database may refuse one attempt's record before the attempt is released. */
const REFUSALS_BEFORE_RELEASE = 5
const FIRST_RETRY_DELAY_MS = 200
const MAX_RETRY_DELAY_MS = 5_000

export interface RecordQueueOptions {
  pool: Pool
  boss: PgBoss
  delivery: DeliverySettings
  logger: Logger
  /** Attempts per transaction. */
  batchSize: number
  /** Batches written at once (each holds a connection). */
  concurrency: number
  /** Inside every recording transaction (record-transaction.ts). */
  inTransaction?: RecordingHook
  /** After a commit, with what it recorded (e.g. to wake the loop for a retry it planned). */
  onCommitted?: (batch: readonly FinishedAttempt[]) => void
}

interface Pending extends FinishedAttempt {
  done: () => void
}

export interface RecordQueue {
  /** Resolves once the outcome is committed (or given up on, and logged). Never rejects. */
  record(finished: FinishedAttempt): Promise<void>
  /**
   * Waits up to `graceMs` for every outcome queued or retrying, then ends the retries still failing
   * (Q1). Resolves with how many outcomes were left unrecorded.
   */
  drain(graceMs: number): Promise<number>
}

export function createRecordQueue(options: RecordQueueOptions): RecordQueue {
  const queue: Pending[] = []
  /** Outcomes queued or being written, until committed or given up on. */
  const open = new Set<Promise<void>>()
  let writing = 0
  let unrecorded = 0
  let stopping = false
  /** Wakes the retries sleeping between tries, so a drain's end is seen at once. */
  const sleepers = new Set<() => void>()

  function pump() {
    while (writing < options.concurrency && queue.length > 0) {
      const batch = queue.splice(0, options.batchSize)
      writing += 1
      void writeBatch(batch).finally(() => {
        writing -= 1
        pump()
      })
    }
  }

  function write(items: Pending[]) {
    return withTransaction(options.pool, (tx) =>
      recordOutcomes(options.boss, tx, items, options.delivery, options.inTransaction),
    )
  }

  async function writeBatch(batch: Pending[]) {
    try {
      await write(batch)
      options.onCommitted?.(batch)
      for (const item of batch) item.done()
    } catch (err) {
      options.logger.warn(
        { err: { message: (err as Error).message }, attempts: batch.length },
        'recording a batch failed; recording its attempts one by one',
      )
      // Not awaited: the writer slot frees now, so one attempt retrying through an outage never
      // holds up the batches behind it.
      for (const item of batch) void writeOneWithRetry(item)
    }
  }

  function pause(ms: number) {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      sleepers.add(wake)
    })
  }

  async function writeOneWithRetry(item: Pending) {
    const ids = { job_id: item.attempt.job.id, execution_id: item.attempt.executionId }
    let refusals = 0
    let delayMs = FIRST_RETRY_DELAY_MS
    for (;;) {
      try {
        await write([item])
        options.onCommitted?.([item])
        break
      } catch (err) {
        if (!isTransientDatabaseError(err) && ++refusals >= REFUSALS_BEFORE_RELEASE) {
          const released = await releaseAttempt(options.pool, item.attempt.executionId).then(
            () => true,
            () => false,
          )
          options.logger.error(
            { err, ...ids },
            released
              ? 'the database refuses this outcome; released the attempt to be retried'
              : 'the database refuses this outcome and the attempt could not be released; it stays running until this process stops',
          )
          break
        }
        if (stopping) {
          unrecorded += 1
          options.logger.error(
            { err: { message: (err as Error).message }, ...ids },
            'could not record an attempt before shutdown; once this process is gone, another retries it',
          )
          break
        }
        await pause(delayMs)
        delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS)
      }
    }
    item.done()
  }

  return {
    record(finished) {
      const recorded = new Promise<void>((resolve) => {
        queue.push({ ...finished, done: resolve })
        pump()
      })
      open.add(recorded)
      void recorded.finally(() => open.delete(recorded))
      return recorded
    },
    async drain(graceMs) {
      const all = Promise.allSettled([...open])
      const graceOver = new Promise<'grace'>((resolve) =>
        setTimeout(resolve, graceMs, 'grace').unref(),
      )
      if ((await Promise.race([all, graceOver])) === 'grace') {
        stopping = true
        for (const wake of [...sleepers]) wake()
        // Every retry now ends after the try it is in.
        await Promise.allSettled([...open])
      }
      return unrecorded
    },
  }
}
