/**
 * This process's lease (engine_processes): proof to every replica's sweeper that the process is
 * alive, so the attempts it runs, or holds while it retries their records, are never taken for
 * abandoned. Renewed several times per lease period, so one slow or failed renewal does not let it
 * lapse.
 *
 * Invariants:
 *  L1. A process's attempts are closed as abandoned only once its lease has lapsed: it made no
 *      renewal for a whole lease period (sweepAbandonedAttempts).
 *  L2. A process judges others only after holding its own lease without a gap for a whole lease
 *      period (heldForMs). A database outage stops every renewal at once; after it, each process has
 *      had time to renew before anyone looks, so an outage of any length lets no live process's
 *      attempts be taken from it. A process cut off alone (a network partition) does lose them.
 *  L3. A process never judges its own attempts.
 */
import { randomUUID } from 'node:crypto'
import type { Pool } from '../../db/pool.ts'
import type { Logger } from '../../logger.ts'
import { releaseLease, renewLease } from '../repository/leases.ts'

/** Renewals per lease period. */
const RENEWALS_PER_PERIOD = 4
const MIN_RENEW_INTERVAL_MS = 200

export interface ProcessLease {
  readonly processId: string
  /** Takes the lease (throws if the database does not answer) and keeps renewing it. */
  start(): Promise<void>
  /** How long the lease has been held without a failed or stalled renewal; 0 after a failed one (L2). */
  heldForMs(): number
  /** Stops renewing; with `release`, ends the lease at once instead of letting it lapse. */
  stop(release: boolean): Promise<void>
}

export interface LeaseDeps {
  pool: Pool
  logger: Logger
  /** How long a lease lasts without renewal. */
  periodSeconds: number
}

export function createProcessLease(deps: LeaseDeps): ProcessLease {
  const processId = randomUUID()
  const intervalMs = Math.max(
    MIN_RENEW_INTERVAL_MS,
    (deps.periodSeconds * 1000) / RENEWALS_PER_PERIOD,
  )
  const periodMs = deps.periodSeconds * 1000
  /** When the current unbroken run of renewals began (performance.now ms), or null after a failure. */
  let heldSince: number | null = null
  /** When the last successful renewal was sent. */
  let lastRenewalSentAt = 0
  let timer: NodeJS.Timeout | undefined
  let renewing: Promise<void> | undefined
  let stopped = false

  async function renew() {
    const sentAt = performance.now()
    try {
      await renewLease(deps.pool, processId, deps.periodSeconds)
      const doneAt = performance.now()
      // A renewal that took so long that the lease may have lapsed before it landed (the database
      // stalled rather than refused) starts a new run too.
      if (heldSince === null || doneAt - lastRenewalSentAt > periodMs) heldSince = doneAt
      lastRenewalSentAt = sentAt
    } catch (err) {
      if (heldSince !== null) {
        deps.logger.warn(
          { err: { message: (err as Error).message }, process_id: processId },
          'could not renew the engine lease; retrying',
        )
      }
      heldSince = null
    }
  }

  function schedule() {
    if (stopped) return
    timer = setTimeout(() => {
      renewing = renew().finally(() => {
        renewing = undefined
        schedule()
      })
    }, intervalMs)
    // Nothing to prove once the process is exiting anyway.
    timer.unref()
  }

  return {
    processId,
    async start() {
      lastRenewalSentAt = performance.now()
      await renewLease(deps.pool, processId, deps.periodSeconds)
      heldSince = performance.now()
      schedule()
    },
    heldForMs: () => (heldSince === null ? 0 : performance.now() - heldSince),
    async stop(release) {
      stopped = true
      clearTimeout(timer)
      await renewing
      if (!release) return
      await releaseLease(deps.pool, processId).catch((err) =>
        deps.logger.warn(
          { err: { message: (err as Error).message }, process_id: processId },
          'could not release the engine lease; it lapses by itself',
        ),
      )
    },
  }
}
