/** SQL for the ClickUp event inbox (clickup_events): received deliveries, deduplicated by history id. */
import type { Queryable } from '../../db/pool.ts'

export interface InboxItem {
  historyId: string
  event: string
  taskId: string
  webhookId: string | null
  eventAt: Date | null
  payload: unknown
}

/** Inserts the items not seen before and returns their history ids (a re-delivery returns none). */
export async function insertEvents(db: Queryable, items: readonly InboxItem[]): Promise<string[]> {
  if (items.length === 0) return []
  const result = await db.query<{ history_id: string }>(
    `insert into clickup_events (history_id, event, task_id, webhook_id, event_at, payload)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
     on conflict (history_id) do nothing
     returning history_id`,
    [
      items.map((i) => i.historyId),
      items.map((i) => i.event),
      items.map((i) => i.taskId),
      items.map((i) => i.webhookId),
      items.map((i) => i.eventAt),
      items.map((i) => JSON.stringify(i.payload)),
    ],
  )
  return result.rows.map((row) => row.history_id)
}

/**
 * Keeps a signed delivery that could not be used, with the reason (no task, so no processing).
 * False when the same body was stored before.
 */
export async function insertRejectedEvent(
  db: Queryable,
  item: { historyId: string; event: string; reason: string; payload: unknown },
): Promise<boolean> {
  const result = await db.query(
    `insert into clickup_events (history_id, event, task_id, rejected_reason, payload)
     values ($1, $2, null, $3, $4::jsonb)
     on conflict (history_id) do nothing`,
    [item.historyId, item.event, item.reason, JSON.stringify(item.payload)],
  )
  return (result.rowCount ?? 0) > 0
}

/** Deletes inbox rows older than `before` (their only use, deduplicating re-deliveries, is long past). */
export async function pruneEvents(db: Queryable, before: Date): Promise<number> {
  const result = await db.query('delete from clickup_events where received_at < $1', [before])
  return result.rowCount ?? 0
}
