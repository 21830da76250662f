/**
 * What the integration did, kept for people: each event's outcome per rule, and every reconciliation
 * pass's result or error.
 */

import * as activity from './activity-repository.ts'
import type { Applied } from './apply.ts'
import type { ClickUpContext } from './context.ts'
import { reconcile } from './reconcile.ts'

const RECENT_EVENTS_SHOWN = 50

/** After an event was applied: stores, on the task's unprocessed events, what each rule did. */
export async function recordEventOutcome(
  svc: ClickUpContext,
  taskId: string,
  results: readonly Applied[],
): Promise<void> {
  const counts: Record<string, number> = {}
  for (const result of results) counts[result] = (counts[result] ?? 0) + 1
  const rules = await activity.listTaskOutcomes(svc.pool, taskId)
  await activity.markEventsProcessed(svc.pool, taskId, { results: counts, rules }, svc.clock.now())
}

/** Runs a reconciliation pass and stores its result, or its error (then rethrown). */
export async function runReconciliation(svc: ClickUpContext) {
  const startedAt = svc.clock.now()
  try {
    const result = await reconcile(svc)
    await activity.insertReconciliation(svc.pool, {
      startedAt,
      finishedAt: svc.clock.now(),
      result,
      error: null,
    })
    return result
  } catch (err) {
    await activity
      .insertReconciliation(svc.pool, {
        startedAt,
        finishedAt: svc.clock.now(),
        result: null,
        error: (err as Error).message,
      })
      .catch((recordErr) =>
        svc.logger.warn(
          { err: { message: (recordErr as Error).message } },
          'could not store the reconciliation error',
        ),
      )
    throw err
  }
}

export function recentEvents(svc: ClickUpContext) {
  return activity.listRecentEvents(svc.pool, RECENT_EVENTS_SHOWN)
}

export function lastReconciliation(svc: ClickUpContext) {
  return activity.findLastReconciliation(svc.pool)
}
