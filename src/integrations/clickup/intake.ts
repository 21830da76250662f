/**
 * Webhook intake: a verified delivery goes into the inbox table and the events queue in one
 * transaction. A signed delivery never gets a 4xx or 5xx for its content (ClickUp would count it
 * toward suspending the webhook): what cannot be used is stored as rejected with the reason, logged,
 * and answered 200.
 */
import { createHash } from 'node:crypto'
import { bossDb } from '../../db/boss-db.ts'
import { withTransaction } from '../../db/pool.ts'
import { toStorableText } from '../../db/storable-text.ts'
import { ProblemError } from '../../problem-error.ts'
import type { ClickUpContext } from './context.ts'
import { type Delivery, readDelivery } from './delivery.ts'
import * as inbox from './inbox-repository.ts'
import { EVENTS_QUEUE, type EventJobData, QUEUE_RETRY } from './queues.ts'
import * as repo from './repository.ts'
import { verifySignature } from './signature.ts'

/** An inbox row plus what the queued event is built from. */
type QueuedItem = inbox.InboxItem & { field: string | null; statusTo: string | null }

/** Rejected bodies are kept for inspection up to this many characters. */
const REJECTED_BODY_KEPT_CHARS = 64 * 1024

export interface IntakeResult {
  accepted: number
  duplicate: boolean
  /** Why a signed delivery could not be used (it was stored as rejected). */
  rejected?: string
}

export async function receiveWebhook(
  svc: ClickUpContext,
  rawBody: string,
  signature: string | undefined,
): Promise<IntakeResult> {
  await verifyDelivery(svc, rawBody, signature)
  const now = svc.clock.now()
  const delivery = readDelivery(rawBody, now)
  if (delivery.kind === 'ignored') return { accepted: 0, duplicate: false }
  if (delivery.kind === 'rejected') return storeRejected(svc, rawBody, delivery)
  if (delivery.droppedItems > 0) {
    svc.logger.warn(
      { task_id: delivery.taskId, event: delivery.event, dropped: delivery.droppedItems },
      'ClickUp delivery had history items without a usable id; they were skipped',
    )
  }
  const items = inboxItems(delivery, rawBody, now)
  return withTransaction(svc.pool, async (tx) => {
    const inserted = new Set(await inbox.insertEvents(tx, items))
    if (inserted.size === 0) return { accepted: 0, duplicate: true }
    const fresh = items.filter((item) => inserted.has(item.historyId))
    const data = eventJobData(fresh, delivery, now)
    await svc.boss.send(EVENTS_QUEUE, data, { ...QUEUE_RETRY, db: bossDb(tx) })
    return { accepted: inserted.size, duplicate: false }
  })
}

async function verifyDelivery(
  svc: ClickUpContext,
  rawBody: string,
  signature: string | undefined,
): Promise<void> {
  const secrets = await repo.webhookSecrets(svc.pool)
  if (svc.config.webhookSecret) secrets.push(svc.config.webhookSecret)
  if (verifySignature(rawBody, signature, secrets)) return
  svc.logger.warn(
    { has_signature: Boolean(signature) },
    'ClickUp webhook with a missing or wrong X-Signature refused; if this repeats, the stored secret is stale (re-register the webhook)',
  )
  throw new ProblemError({
    status: 401,
    type: 'invalid-signature',
    title: 'Invalid signature',
    detail:
      'X-Signature is missing or does not match the body under any known webhook secret. Register the webhook through POST /clickup/webhooks, or set CLICKUP_WEBHOOK_SECRET to its secret.',
  })
}

/** Keeps an unusable signed delivery (once per distinct body) with the reason, and logs it. */
async function storeRejected(
  svc: ClickUpContext,
  rawBody: string,
  delivery: Extract<Delivery, { kind: 'rejected' }>,
): Promise<IntakeResult> {
  const historyId = `rejected:${createHash('sha256').update(rawBody).digest('hex').slice(0, 32)}`
  const kept = rawBody.slice(0, REJECTED_BODY_KEPT_CHARS)
  const stored = await inbox.insertRejectedEvent(svc.pool, {
    historyId,
    event: delivery.event ?? '',
    reason: delivery.reason,
    payload: { raw: toStorableText(kept), truncated: kept.length < rawBody.length },
  })
  svc.logger.warn(
    { history_id: historyId, reason: delivery.reason, duplicate: !stored },
    'signed ClickUp delivery could not be used; stored as rejected',
  )
  return { accepted: 0, duplicate: !stored, rejected: delivery.reason }
}

/** One inbox row per usable history item; a delivery without any gets one row keyed by its content. */
function inboxItems(
  delivery: Extract<Delivery, { kind: 'task' }>,
  rawBody: string,
  now: Date,
): QueuedItem[] {
  const { event, taskId } = delivery
  const common = { event, taskId, webhookId: delivery.webhookId }
  const items: QueuedItem[] = delivery.items.map((item) => ({
    historyId: item.historyId,
    ...common,
    eventAt: item.eventAt,
    payload: item.payload,
    field: item.field,
    statusTo: item.statusTo,
  }))
  if (items.length > 0) return items
  const key =
    event === 'taskDeleted'
      ? `${event}:${taskId}`
      : `${event}:${taskId}:${createHash('sha256').update(rawBody).digest('hex').slice(0, 24)}`
  return [
    {
      historyId: key,
      ...common,
      eventAt: now,
      payload: delivery.payload,
      field: null,
      statusTo: null,
    },
  ]
}

/** The queued event: the newest time among the fresh items and the status the task moved to. */
function eventJobData(
  fresh: QueuedItem[],
  delivery: Extract<Delivery, { kind: 'task' }>,
  now: Date,
): EventJobData {
  const times = fresh.map((item) => (item.eventAt ?? now).getTime())
  const statusItem = fresh.filter((item) => item.field === 'status').at(-1)
  return {
    task_id: delivery.taskId,
    event: delivery.event,
    event_at: new Date(Math.max(...times)).toISOString(),
    deleted: delivery.event === 'taskDeleted',
    status_to: statusItem?.statusTo ?? null,
  }
}
