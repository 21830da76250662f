/**
 * The queue of finished attempts waiting to be recorded: it runs recording transactions
 * (record-transaction.ts), each taking every attempt that finished meanwhile. While a batch is being
 * written the next one fills up, so batching costs no added latency when the engine is quiet. A batch
 * that fails is retried attempt by attempt with backoff, so one bad row cannot hold the others, and a
 * short database outage (a Postgres restart) loses nothing.
 */
import type { PgBoss } from 'pg-boss'
import { type Pool, withTransaction } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import type { FinishedAttempt, RecordingHook } from './hooks.ts'
import type { DeliverySettings } from './occurrences.ts'
import { recordOutcomes } from './record-transaction.ts'

export interface RecordQueueOptions {
  pool: Pool
  boss: PgBoss
  delivery: DeliverySettings
  logger: Logger
  /** Attempts per transaction. */
  batchSize: number
  /** Batches written at once (each holds a connection). */
  concurrency: number
  /**
   * How long one attempt keeps trying to reach the database. Past it, pg-boss's expiry retries the
   * attempt, so this must stay below the expiry grace.
   */
  retryForMs: number
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
}

export function createRecordQueue(options: RecordQueueOptions): RecordQueue {
  const queue: Pending[] = []
  let writing = 0

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

  async function writeBatch(batch: Pending[]) {
    try {
      await withTransaction(options.pool, (tx) =>
        recordOutcomes(options.boss, tx, batch, options.delivery, options.inTransaction),
      )
      options.onCommitted?.(batch)
      for (const item of batch) item.done()
    } catch (err) {
      options.logger.warn(
        { err: { message: (err as Error).message }, attempts: batch.length },
        'recording a batch failed; recording its attempts one by one',
      )
      // Not awaited: the writer slot frees now, so one unrecordable attempt retrying for up to
      // retryForMs never holds up the batches behind it.
      for (const item of batch) void writeOneWithRetry(item)
    }
  }

  async function writeOneWithRetry(item: Pending) {
    const deadline = Date.now() + options.retryForMs
    for (let delayMs = 200; ; delayMs = Math.min(delayMs * 2, 5_000)) {
      try {
        await withTransaction(options.pool, (tx) =>
          recordOutcomes(options.boss, tx, [item], options.delivery, options.inTransaction),
        )
        options.onCommitted?.([item])
        break
      } catch (err) {
        if (Date.now() + delayMs > deadline) {
          options.logger.error(
            { err, job_id: item.attempt.job.id, execution_id: item.attempt.executionId },
            'could not record an attempt; pg-boss will retry it after expiry',
          )
          break
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs))
      }
    }
    item.done()
  }

  return {
    record(finished) {
      return new Promise<void>((resolve) => {
        queue.push({ ...finished, done: resolve })
        pump()
      })
    },
  }
}
