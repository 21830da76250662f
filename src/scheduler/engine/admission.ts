/**
 * The admission rule: how many occurrences the next claim may take, or whether to wait for a batch
 * worth a transaction. Pure (no timers, no I/O): the dispatcher asks before every claim and reports
 * every sign that room is coming; tests drive it with a fixed clock.
 */
import type { Clock } from '../../time/clock.ts'

export interface AdmissionSettings {
  /** Occurrences claimed per transaction at most. */
  batchSize: number
  /** Attempts running (or promised to a claim) at once in this process at most. */
  maxInFlight: number
}

export type Admission =
  /** Claim up to `size` occurrences now. */
  | { kind: 'claim'; size: number }
  /** No free slot: a finishing attempt wakes the loop. */
  | { kind: 'full' }
  /** Room is coming: look again at `recheckAt` (a finishing attempt may wake the loop sooner). */
  | { kind: 'wait'; recheckAt: Date }

/**
 * While attempts are running, a claim waits until it can take at least this share of a batch (or of
 * maxInFlight, if smaller). Every claim costs a transaction whatever its size, and a slot frees with
 * every finished attempt: claiming at the first free slot would claim one at a time.
 */
export const MIN_CLAIM_SHARE = 0.6

/**
 * ...but only while room is coming: an attempt finished or a batch was claimed since the loop last
 * looked, or within this time. When the running attempts are slow (long webhook calls holding most
 * slots), a due occurrence must not wait for them. A fresh claim counts because its attempts are
 * about to run and finish; "since the loop last looked" counts because on a starved machine the loop
 * can run well after the finish that woke it, and the last 100 ms alone would then look quiet.
 */
export const ROOM_QUIET_MS = 100

/** The smallest claim worth a transaction while attempts are running. */
export function minimumClaim(settings: AdmissionSettings): number {
  return Math.max(
    1,
    Math.floor(MIN_CLAIM_SHARE * Math.min(settings.batchSize, settings.maxInFlight)),
  )
}

export interface AdmissionRule {
  /**
   * What the next claim may do, given the slots in use (running attempts plus slots promised to
   * claims in progress). A `wait` answer consumes the progress noted since the last look.
   */
  decide(busy: number): Admission
  /** An attempt finished or a batch was claimed: room is coming. */
  noteProgress(): void
}

export function createAdmissionRule(settings: AdmissionSettings, clock: Clock): AdmissionRule {
  const minClaim = minimumClaim(settings)
  /** When an attempt last finished or a batch was claimed (clock ms). */
  let lastProgressAt = Number.NEGATIVE_INFINITY
  /** Whether one did since the rule last had to choose between a small claim and a wait. */
  let progressSinceLook = false
  return {
    decide(busy) {
      const room = Math.min(settings.batchSize, settings.maxInFlight - busy)
      if (room <= 0) return { kind: 'full' }
      if (room < minClaim && busy > 0) {
        const now = clock.now().getTime()
        const roomComing = progressSinceLook || now - lastProgressAt <= ROOM_QUIET_MS
        progressSinceLook = false
        if (roomComing) return { kind: 'wait', recheckAt: new Date(now + ROOM_QUIET_MS) }
      }
      return { kind: 'claim', size: room }
    },
    noteProgress() {
      lastProgressAt = clock.now().getTime()
      progressSinceLook = true
    },
  }
}
