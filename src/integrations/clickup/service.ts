/**
 * The ClickUp service: verified webhook deliveries go into an inbox table and a pg-boss queue in one
 * transaction; a worker turns each task change into create/update/cancel of one job per (rule, task);
 * finished jobs are written back to the task; a reconciliation pass fixes drift.
 */
import type { Queryable } from '../../db/pool.ts'
import type { AbandonedAttempt, FinishedAttempt } from '../../scheduler/engine/index.ts'
import { lastReconciliation, recentEvents, runReconciliation } from './activity.ts'
import { createClickUpClient } from './client.ts'
import type { ClickUpContext, ClickUpServiceDeps } from './context.ts'
import { receiveWebhook } from './intake.ts'
import { createLifecycle } from './lifecycle.ts'
import { createRateBudget } from './rate-budget.ts'
import { createRule, deleteRule, getRule, listRules, updateRule } from './rule-admin.ts'
import { upstream } from './upstream.ts'
import { reregisterWebhook, webhookOverview } from './webhook-status.ts'
import { listWebhooks, registerWebhook, type WebhookInput } from './webhooks.ts'
import { queueAbandonedWritebacks, queueWritebacks } from './writeback.ts'

export function createClickUpService(deps: ClickUpServiceDeps) {
  const stopController = new AbortController()
  const client = createClickUpClient({
    apiUrl: deps.config.apiUrl,
    token: deps.config.apiToken,
    logger: deps.logger,
    signal: stopController.signal,
    budget: createRateBudget(deps.pool, deps.config.apiToken, deps.logger),
  })
  const svc: ClickUpContext = { ...deps, client }
  const { start, stop } = createLifecycle(svc, stopController)
  return {
    receiveWebhook: (rawBody: string, signature: string | undefined) =>
      receiveWebhook(svc, rawBody, signature),
    queueWritebacks: (tx: Queryable, finished: readonly FinishedAttempt[]) =>
      queueWritebacks(svc, tx, finished),
    queueAbandonedWritebacks: (tx: Queryable, closed: readonly AbandonedAttempt[]) =>
      queueAbandonedWritebacks(svc, tx, closed),
    /** Inline (POST /clickup/reconcile, the dashboard): a ClickUp failure is the documented 424. */
    reconcile: () => upstream(() => runReconciliation(svc)),
    registerWebhook: (input: WebhookInput) => registerWebhook(svc, input),
    listWebhooks: (teamId: string) => listWebhooks(svc, teamId),
    start,
    stop,
    listRules: () => listRules(svc),
    getRule: (id: string) => getRule(svc, id),
    createRule: (input: Record<string, unknown>) => createRule(svc, input),
    updateRule: (id: string, input: Record<string, unknown>) => updateRule(svc, id, input),
    deleteRule: (id: string) => deleteRule(svc, id),
    webhookOverview: () => webhookOverview(svc),
    reregisterWebhook: (id: string) => reregisterWebhook(svc, id),
    recentEvents: () => recentEvents(svc),
    lastReconciliation: () => lastReconciliation(svc),
  }
}

export type ClickUpService = ReturnType<typeof createClickUpService>
