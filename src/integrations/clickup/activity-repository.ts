/**
 * SQL for what the ClickUp integration did, shown on the dashboard: the outcome of each received
 * event and the results of reconciliation passes.
 */
import type { Queryable } from '../../db/pool.ts'

/** What applying one event did for one rule. */
export interface RuleOutcome {
  rule_id: string
  rule: string
  job_id: string | null
  note: string | null
}

export interface EventOutcome {
  /** How many rules ended in each result (created, updated, cancelled, unchanged, skipped, ignored). */
  results: Record<string, number>
  rules: RuleOutcome[]
}

/** The rules linked to a task, with their job and the note the last apply left. */
export async function listTaskOutcomes(db: Queryable, taskId: string): Promise<RuleOutcome[]> {
  const result = await db.query(
    `select l.rule_id, r.name, l.job_id, l.last_note from clickup_rule_tasks l
       join clickup_rules r on r.id = l.rule_id
      where l.task_id = $1 order by r.created_at, r.id`,
    [taskId],
  )
  return result.rows.map((row) => ({
    rule_id: row.rule_id,
    rule: row.name,
    job_id: row.job_id,
    note: row.last_note,
  }))
}

/**
 * Marks the task's events not yet processed as processed with this outcome. Events of one task are
 * applied from the task's current state, so the pass that runs first answers for all of them.
 */
export async function markEventsProcessed(
  db: Queryable,
  taskId: string,
  outcome: EventOutcome,
  now: Date,
): Promise<void> {
  await db.query(
    `update clickup_events set processed_at = $3, outcome = $2::jsonb
      where task_id = $1 and processed_at is null`,
    [taskId, JSON.stringify(outcome), now],
  )
}

export interface EventRecord {
  historyId: string
  event: string
  taskId: string
  eventAt: Date | null
  receivedAt: Date
  processedAt: Date | null
  outcome: EventOutcome | null
}

/** The newest `limit` received events, newest first. */
export async function listRecentEvents(db: Queryable, limit: number): Promise<EventRecord[]> {
  const result = await db.query(
    `select history_id, event, task_id, event_at, received_at, processed_at, outcome
       from clickup_events order by received_at desc, history_id limit $1`,
    [limit],
  )
  return result.rows.map((row) => ({
    historyId: row.history_id,
    event: row.event,
    taskId: row.task_id,
    eventAt: row.event_at,
    receivedAt: row.received_at,
    processedAt: row.processed_at,
    outcome: row.outcome,
  }))
}

export interface ReconciliationRecord {
  startedAt: Date
  finishedAt: Date
  result: Record<string, unknown> | null
  error: string | null
}

/** How many reconciliation results are kept. */
const RECONCILIATIONS_KEPT = 50

/** Stores a pass's result (or error) and prunes all but the newest RECONCILIATIONS_KEPT. */
export async function insertReconciliation(
  db: Queryable,
  record: ReconciliationRecord,
): Promise<void> {
  await db.query(
    `insert into clickup_reconciliations (started_at, finished_at, result, error)
     values ($1, $2, $3::jsonb, $4)`,
    [
      record.startedAt,
      record.finishedAt,
      record.result ? JSON.stringify(record.result) : null,
      record.error,
    ],
  )
  await db.query(
    `delete from clickup_reconciliations where id not in
       (select id from clickup_reconciliations order by id desc limit $1)`,
    [RECONCILIATIONS_KEPT],
  )
}

/** The newest pass, or null when none ran yet. */
export async function findLastReconciliation(db: Queryable): Promise<ReconciliationRecord | null> {
  const result = await db.query(
    `select started_at, finished_at, result, error from clickup_reconciliations
      order by id desc limit 1`,
  )
  const row = result.rows[0]
  return row
    ? {
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        result: row.result,
        error: row.error,
      }
    : null
}
