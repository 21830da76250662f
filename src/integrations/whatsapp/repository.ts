/** All SQL for the WhatsApp limiter tables (whatsapp_limiter_instances, whatsapp_send_slots). */
import type { Queryable } from '../../db/pool.ts'
import type { SlotHistory } from './slots.ts'

export type DirectOutcome = 'sending' | 'sent' | 'uncertain'

export interface SlotRecord {
  id: string
  slotAt: Date
  outcome: DirectOutcome | null
  messageId: string | null
}

// biome-ignore lint/suspicious/noExplicitAny: a raw pg row, mapped field by field
const mapSlot = (row: Record<string, any>): SlotRecord => ({
  id: String(row.id),
  slotAt: row.slot_at,
  outcome: row.outcome,
  messageId: row.message_id,
})

/**
 * Creates the instance row if needed and locks it until the caller's transaction ends: every
 * reservation for an instance, on any replica, runs one at a time.
 */
export async function lockInstance(db: Queryable, instance: string): Promise<void> {
  await db.query(
    'insert into whatsapp_limiter_instances (instance) values ($1) on conflict (instance) do nothing',
    [instance],
  )
  await db.query('select instance from whatsapp_limiter_instances where instance = $1 for update', [
    instance,
  ])
}

/** The database's current time (clock_timestamp, not the transaction start). */
export async function databaseNow(db: Queryable): Promise<Date> {
  const result = await db.query<{ now: Date }>('select clock_timestamp() as now')
  return result.rows[0]?.now ?? new Date()
}

/** The latest slot and the Nth most recent ones the caps look at. Call with the instance locked. */
export async function readSlotHistory(
  db: Queryable,
  instance: string,
  perMinute: number,
  perDay: number,
): Promise<SlotHistory> {
  const result = await db.query<{
    now: Date
    latest: Date | null
    nth_minute: Date | null
    nth_day: Date | null
  }>(
    `select clock_timestamp() as now,
       (select slot_at from whatsapp_send_slots where instance = $1
         order by slot_at desc limit 1) as latest,
       (select slot_at from whatsapp_send_slots where instance = $1
         order by slot_at desc offset $2::int - 1 limit 1) as nth_minute,
       (select slot_at from whatsapp_send_slots where instance = $1
         order by slot_at desc offset $3::int - 1 limit 1) as nth_day`,
    [instance, perMinute, perDay],
  )
  const row = result.rows[0]
  return {
    now: row?.now ?? new Date(),
    latest: row?.latest ?? null,
    nthInMinute: row?.nth_minute ?? null,
    nthInDay: row?.nth_day ?? null,
  }
}

/** The slot a scheduled occurrence holds (reserved earlier, not yet used), or null. */
export async function findHeldSlot(
  db: Queryable,
  instance: string,
  holder: string,
): Promise<SlotRecord | null> {
  const result = await db.query(
    `select id, slot_at, outcome, message_id from whatsapp_send_slots
      where instance = $1 and holder = $2`,
    [instance, holder],
  )
  return result.rows[0] ? mapSlot(result.rows[0]) : null
}

/** The latest direct send with this request hash created after `since`, or null. */
export async function findRecentRequest(
  db: Queryable,
  instance: string,
  requestHash: string,
  since: Date,
): Promise<SlotRecord | null> {
  const result = await db.query(
    `select id, slot_at, outcome, message_id from whatsapp_send_slots
      where instance = $1 and request_hash = $2 and created_at > $3
      order by created_at desc limit 1`,
    [instance, requestHash, since],
  )
  return result.rows[0] ? mapSlot(result.rows[0]) : null
}

export interface NewSlot {
  instance: string
  slotAt: Date
  holder: string | null
  requestHash: string | null
  outcome: DirectOutcome | null
}

export async function insertSlot(db: Queryable, slot: NewSlot): Promise<string> {
  const result = await db.query<{ id: string }>(
    `insert into whatsapp_send_slots (instance, slot_at, holder, request_hash, outcome)
     values ($1, $2, $3, $4, $5) returning id`,
    [slot.instance, slot.slotAt, slot.holder, slot.requestHash, slot.outcome],
  )
  return String(result.rows[0]?.id)
}

/** Gives a slot back (nothing was sent in it). Idempotent. */
export async function deleteSlot(db: Queryable, id: string): Promise<void> {
  await db.query('delete from whatsapp_send_slots where id = $1', [id])
}

/** The send started: the slot is used, whoever held it. Sets the direct outcome when given. */
export async function markSlotUsed(
  db: Queryable,
  id: string,
  outcome: DirectOutcome | null = null,
  messageId: string | null = null,
): Promise<void> {
  await db.query(
    `update whatsapp_send_slots set holder = null,
       outcome = coalesce($2, outcome), message_id = coalesce($3, message_id)
     where id = $1`,
    [id, outcome, messageId],
  )
}

/** Drops slots older than `before`: no cap looks further back than 24 hours. */
export async function pruneSlots(db: Queryable, instance: string, before: Date): Promise<void> {
  await db.query('delete from whatsapp_send_slots where instance = $1 and slot_at < $2', [
    instance,
    before,
  ])
}
