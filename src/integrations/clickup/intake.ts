/** Webhook intake: a verified delivery goes into the inbox table and the events queue in one transaction. */
import { createHash } from 'node:crypto'
import { bossDb } from '../../db/boss-db.ts'
import { withTransaction } from '../../db/pool.ts'
import { ProblemError } from '../../http/problem-error.ts'
import type { ClickUpContext } from './context.ts'
import { EVENTS_QUEUE, type EventJobData, QUEUE_RETRY } from './queues.ts'
import * as repo from './repository.ts'
import { verifySignature } from './signature.ts'

interface HistoryItem {
  id?: string | number
  date?: string | number
  field?: string
  after?: unknown
}

interface WebhookPayload {
  event?: string
  task_id?: string
  webhook_id?: string
  history_items?: HistoryItem[]
}

export async function receiveWebhook(
  svc: ClickUpContext,
  rawBody: string,
  signature: string | undefined,
) {
  await verifyDelivery(svc, rawBody, signature)
  const payload = parsePayload(rawBody)
  const event = String(payload.event ?? '')
  const taskId = payload.task_id ? String(payload.task_id) : null
  // Only task events drive jobs; anything else is acknowledged and ignored (a non-2xx would count
  // as a failed delivery toward suspension).
  if (!taskId || !event.startsWith('task')) return { accepted: 0, duplicate: false }
  const now = svc.clock.now()
  const items = inboxItems(payload, event, taskId, rawBody, now)
  return withTransaction(svc.pool, async (tx) => {
    const inserted = new Set(await repo.insertEvents(tx, items))
    if (inserted.size === 0) return { accepted: 0, duplicate: true }
    const fresh = items.filter((item) => inserted.has(item.historyId))
    const data = eventJobData(fresh, event, taskId, now)
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

function parsePayload(rawBody: string): WebhookPayload {
  try {
    return JSON.parse(rawBody)
  } catch {
    throw new ProblemError({
      status: 400,
      type: 'malformed-json',
      title: 'Malformed JSON',
      detail: 'The body is not valid JSON.',
    })
  }
}

/** One inbox row per history item; a delivery without any gets one row keyed by its content. */
function inboxItems(
  payload: WebhookPayload,
  event: string,
  taskId: string,
  rawBody: string,
  now: Date,
): repo.InboxItem[] {
  const common = { event, taskId, webhookId: payload.webhook_id ?? null }
  const history = Array.isArray(payload.history_items) ? payload.history_items : []
  const items: repo.InboxItem[] = history
    .filter((item) => item.id !== undefined && item.id !== null)
    .map((item) => ({
      historyId: String(item.id),
      ...common,
      eventAt: Number.isFinite(Number(item.date)) ? new Date(Number(item.date)) : null,
      payload: item,
    }))
  if (items.length > 0) return items
  const key =
    event === 'taskDeleted'
      ? `${event}:${taskId}`
      : `${event}:${taskId}:${createHash('sha256').update(rawBody).digest('hex').slice(0, 24)}`
  return [{ historyId: key, ...common, eventAt: now, payload }]
}

/** The queued event: the newest time among the fresh items and the status the task moved to. */
function eventJobData(
  fresh: repo.InboxItem[],
  event: string,
  taskId: string,
  now: Date,
): EventJobData {
  const times = fresh.map((item) => (item.eventAt ?? now).getTime())
  const statusItem = fresh
    .map((item) => item.payload as HistoryItem)
    .filter((item) => item.field === 'status')
    .at(-1)
  const after = statusItem?.after as { status?: string } | null | undefined
  return {
    task_id: taskId,
    event,
    event_at: new Date(Math.max(...times)).toISOString(),
    deleted: event === 'taskDeleted',
    status_to: after?.status ?? null,
  }
}
