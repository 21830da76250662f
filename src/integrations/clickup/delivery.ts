/**
 * Reading a signed ClickUp delivery. The signature proves who sent it, not that its shape is what
 * the reference shows, and ClickUp counts every non-2xx answer toward suspending the webhook: so
 * nothing here throws. A delivery is either usable (a task event with a usable task id), ignored (not
 * a task event) or rejected with a reason; history items that cannot be used are dropped one by one.
 */
import { z } from '@hono/zod-openapi'
import { isStorableText, toStorableJson, toStorableText } from '../../db/storable-text.ts'

/** ClickUp task ids (`86c0abcd`) and custom ids (`DEV-123`); anything else cannot be fetched. */
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/
const MAX_HISTORY_ID_LENGTH = 200
/** History dates outside this range are not ClickUp's clock; the receive time is used instead. */
const EARLIEST_EVENT_MS = Date.UTC(2000, 0, 1)
const LATEST_EVENT_AHEAD_MS = 24 * 3_600_000

const storable = (max: number) =>
  z.string().min(1).max(max).refine(isStorableText, 'contains a NUL character or a lone surrogate')

/** The envelope; everything else in it is kept as sent (made storable) but never relied on. */
const EnvelopeSchema = z.looseObject({
  event: z.string().max(100),
  task_id: z.union([z.string(), z.number().int().nonnegative()]).nullish(),
  webhook_id: z.unknown().optional(),
  history_items: z.unknown().optional(),
})

const HistoryItemSchema = z.looseObject({
  id: z.union([storable(MAX_HISTORY_ID_LENGTH), z.number().int().nonnegative()]),
  date: z.unknown().optional(),
  field: z.unknown().optional(),
  after: z.unknown().optional(),
})

export interface UsableItem {
  historyId: string
  /** The item's date when it is a plausible ClickUp time, else null. */
  eventAt: Date | null
  field: string | null
  /** after.status of a status item, when it is text. */
  statusTo: string | null
  /** The item as sent, with text PostgreSQL cannot store replaced. */
  payload: unknown
}

export type Delivery =
  | {
      kind: 'task'
      event: string
      taskId: string
      webhookId: string | null
      items: UsableItem[]
      /** How many history items could not be used. */
      droppedItems: number
      /** The whole body, storable (stored when no item is usable). */
      payload: unknown
    }
  | { kind: 'ignored'; event: string }
  | { kind: 'rejected'; event: string | null; reason: string }

export function readDelivery(rawBody: string, now: Date): Delivery {
  let parsed: unknown
  try {
    parsed = JSON.parse(rawBody)
  } catch {
    return { kind: 'rejected', event: null, reason: 'the body is not JSON' }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'rejected', event: null, reason: 'the body is not a JSON object' }
  }
  const envelope = EnvelopeSchema.safeParse(parsed)
  if (!envelope.success) {
    return { kind: 'rejected', event: null, reason: 'event is missing or not text' }
  }
  const event = toStorableText(envelope.data.event)
  const rawTaskId = envelope.data.task_id
  // Only task events drive jobs; others are acknowledged and ignored, as before.
  if (!event.startsWith('task')) return { kind: 'ignored', event }
  if (rawTaskId === undefined || rawTaskId === null) {
    return { kind: 'rejected', event, reason: 'a task event without task_id' }
  }
  const taskId = String(rawTaskId)
  if (!TASK_ID.test(taskId)) {
    return { kind: 'rejected', event, reason: 'task_id is not a ClickUp task id' }
  }
  const history = Array.isArray(envelope.data.history_items) ? envelope.data.history_items : []
  const items = history.map((item) => readItem(item, now)).filter((item) => item !== null)
  const webhookId = envelope.data.webhook_id
  return {
    kind: 'task',
    event,
    taskId,
    webhookId:
      typeof webhookId === 'string' && webhookId.length <= 200 ? toStorableText(webhookId) : null,
    items,
    droppedItems: history.length - items.length,
    payload: toStorableJson(parsed),
  }
}

function readItem(value: unknown, now: Date): UsableItem | null {
  const item = HistoryItemSchema.safeParse(value)
  if (!item.success) return null
  const after = item.data.after as { status?: unknown } | null | undefined
  return {
    historyId: String(item.data.id),
    eventAt: eventTime(item.data.date, now),
    field: typeof item.data.field === 'string' ? toStorableText(item.data.field) : null,
    statusTo:
      typeof after === 'object' && after !== null && typeof after.status === 'string'
        ? toStorableText(after.status)
        : null,
    payload: toStorableJson(value),
  }
}

/** A history date (Unix ms, as text or number) within ClickUp's plausible range, else null. */
export function eventTime(value: unknown, now: Date): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null
  if (typeof value === 'string' && !/^\d{1,16}$/.test(value.trim())) return null
  const ms = Number(value)
  if (!Number.isSafeInteger(ms)) return null
  if (ms < EARLIEST_EVENT_MS || ms > now.getTime() + LATEST_EVENT_AHEAD_MS) return null
  return new Date(ms)
}
