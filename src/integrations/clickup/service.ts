/**
 * The ClickUp service: verified webhook deliveries go into an inbox table and a pg-boss queue in one
 * transaction; a worker turns each task change into create/update/cancel of one job per (rule, task);
 * finished jobs are written back to the task; a reconciliation pass fixes drift.
 */
import { createHash } from 'node:crypto'
import type { PgBoss } from 'pg-boss'
import type { ActionRegistry } from '../../actions/registry.ts'
import { type Pool, type Queryable, withTransaction } from '../../db/pool.ts'
import { notFoundProblem, ProblemError } from '../../http/problem-error.ts'
import type { Logger } from '../../logger.ts'
import { bossDb } from '../../scheduler/engine/boss.ts'
import type { ClaimedAttempt } from '../../scheduler/engine/claim.ts'
import { isFinalAttempt } from '../../scheduler/engine/record-batch.ts'
import type { ExecutionOutcome } from '../../scheduler/repository/executions.ts'
import { findJob, type JobRecord } from '../../scheduler/repository/jobs.ts'
import type { SchedulerService } from '../../scheduler/service/index.ts'
import { JOB_STATUS } from '../../scheduler/states.ts'
import type { Clock } from '../../time/clock.ts'
import { type ClickUpClient, type ClickUpTask, createClickUpClient } from './client.ts'
import * as repo from './repository.ts'
import {
  parseRuleInput,
  planRun,
  renderFields,
  renderTemplate,
  ruleToInput,
  sameStatus,
  taskVariables,
} from './rules.ts'
import { verifySignature } from './signature.ts'

export const EVENTS_QUEUE = 'clickup-events'
export const WRITEBACK_QUEUE = 'clickup-writeback'
export const RECONCILE_QUEUE = 'clickup-reconcile'
export const ACTOR = { name: 'clickup', source: 'clickup' }
/** Events a webhook registered through this server subscribes to. */
export const WEBHOOK_EVENTS = [
  'taskCreated',
  'taskUpdated',
  'taskStatusUpdated',
  'taskDueDateUpdated',
  'taskDeleted',
  'taskMoved',
] as const
const QUEUE_RETRY = { retryLimit: 8, retryDelay: 5, retryBackoff: true }
const MAX_LIST_PAGES = 50
/** Inbox rows are kept this long; ClickUp's own retries of an event end within minutes. */
const EVENT_RETENTION_MS = 30 * 24 * 3_600_000
export const DEFAULT_SUCCESS_COMMENT = 'Scheduled job "{{job.name}}" ran successfully.'
export const DEFAULT_FAILURE_COMMENT = 'Scheduled job "{{job.name}}" failed: {{error}}'

export interface ClickUpServiceDeps {
  config: {
    apiUrl: string
    apiToken: string
    webhookSecret: string | null
    reconcileIntervalMinutes: number
    publicUrl: string
  }
  pool: Pool
  boss: PgBoss
  scheduler: SchedulerService
  registry: ActionRegistry
  clock: Clock
  logger: Logger
  /** false: this replica serves HTTP only; another one runs the queues. */
  runWorkers: boolean
}

export interface EventJobData {
  task_id: string
  event: string
  /** Date of the newest history item (ISO), or the receive time for events without one. */
  event_at: string
  deleted: boolean
  /** after.status of a status history item in the delivery, if any. */
  status_to: string | null
}

export interface WritebackJobData {
  job_id: string
  status: 'succeeded' | 'failed'
  error: string | null
}

type Applied = 'created' | 'updated' | 'cancelled' | 'unchanged' | 'skipped' | 'ignored'

interface ApplyContext {
  eventAt: Date
  statusTo: string | null
  /** Reconciliation acts on the current state whatever the stored event time. */
  force: boolean
}

interface HistoryItem {
  id?: string | number
  date?: string | number
  field?: string
  after?: unknown
}

const isActive = (job: JobRecord | null) =>
  job !== null && (job.status === JOB_STATUS.scheduled || job.status === JOB_STATUS.paused)

export function createClickUpService(deps: ClickUpServiceDeps) {
  const log = deps.logger
  const stopController = new AbortController()
  const client: ClickUpClient = createClickUpClient({
    apiUrl: deps.config.apiUrl,
    token: deps.config.apiToken,
    logger: log,
    signal: stopController.signal,
  })
  let timer: NodeJS.Timeout | undefined

  // --- webhook intake ---

  async function receiveWebhook(rawBody: string, signature: string | undefined) {
    const secrets = await repo.webhookSecrets(deps.pool)
    if (deps.config.webhookSecret) secrets.push(deps.config.webhookSecret)
    if (!verifySignature(rawBody, signature, secrets)) {
      log.warn(
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
    let payload: {
      event?: string
      task_id?: string
      webhook_id?: string
      history_items?: HistoryItem[]
    }
    try {
      payload = JSON.parse(rawBody)
    } catch {
      throw new ProblemError({
        status: 400,
        type: 'malformed-json',
        title: 'Malformed JSON',
        detail: 'The body is not valid JSON.',
      })
    }
    const event = String(payload.event ?? '')
    const taskId = payload.task_id ? String(payload.task_id) : null
    // Only task events drive jobs; anything else is acknowledged and ignored (a non-2xx would count
    // as a failed delivery toward suspension).
    if (!taskId || !event.startsWith('task')) return { accepted: 0, duplicate: false }
    const now = deps.clock.now()
    const history = Array.isArray(payload.history_items) ? payload.history_items : []
    const items: repo.InboxItem[] = history
      .filter((item) => item.id !== undefined && item.id !== null)
      .map((item) => ({
        historyId: String(item.id),
        event,
        taskId,
        webhookId: payload.webhook_id ?? null,
        eventAt: Number.isFinite(Number(item.date)) ? new Date(Number(item.date)) : null,
        payload: item,
      }))
    if (items.length === 0) {
      const key =
        event === 'taskDeleted'
          ? `${event}:${taskId}`
          : `${event}:${taskId}:${createHash('sha256').update(rawBody).digest('hex').slice(0, 24)}`
      items.push({
        historyId: key,
        event,
        taskId,
        webhookId: payload.webhook_id ?? null,
        eventAt: now,
        payload,
      })
    }
    return withTransaction(deps.pool, async (tx) => {
      const inserted = new Set(await repo.insertEvents(tx, items))
      if (inserted.size === 0) return { accepted: 0, duplicate: true }
      const fresh = items.filter((item) => inserted.has(item.historyId))
      const times = fresh.map((item) => (item.eventAt ?? now).getTime())
      const statusItem = fresh
        .map((item) => item.payload as HistoryItem)
        .filter((item) => item.field === 'status')
        .at(-1)
      const after = statusItem?.after as { status?: string } | null | undefined
      const data: EventJobData = {
        task_id: taskId,
        event,
        event_at: new Date(Math.max(...times)).toISOString(),
        deleted: event === 'taskDeleted',
        status_to: after?.status ?? null,
      }
      await deps.boss.send(EVENTS_QUEUE, data, { ...QUEUE_RETRY, db: bossDb(tx) })
      return { accepted: inserted.size, duplicate: false }
    })
  }

  // --- applying a task's state to one rule ---

  function jobInput(rule: repo.RuleRecord, task: ClickUpTask, at: Date, seq: number) {
    const variables = taskVariables(task)
    return {
      name: `${rule.name}: ${task.name ?? task.id}`.slice(0, 200),
      description: `ClickUp task ${variables['task.url']} (rule ${rule.id})`,
      run_at: at.toISOString(),
      tags: 'clickup',
      dedupe_key: `clickup:${rule.id}:${task.id}${seq > 1 ? `#${seq}` : ''}`,
      ...renderFields(rule.actionFields, variables),
    }
  }

  async function createFor(rule: repo.RuleRecord, task: ClickUpTask, at: Date, seq: number) {
    try {
      const result = await deps.scheduler.createJob(rule.action, jobInput(rule, task, at, seq), {
        ...ACTOR,
        sourceRef: task.id,
      })
      return { jobId: String(result.job.id), note: 'job scheduled' }
    } catch (err) {
      // A retried pass whose job exists with another run time: adopt that job.
      if (err instanceof ProblemError && err.status === 409 && err.extensions.job_id) {
        const jobId = String(err.extensions.job_id)
        await deps.scheduler.updateJob(jobId, { run_at: at.toISOString() })
        return { jobId, note: 'job scheduled' }
      }
      if (err instanceof ProblemError && err.status === 422) {
        return { jobId: null, note: `could not schedule: ${err.detail}` }
      }
      throw err
    }
  }

  async function applyRule(
    tx: Queryable,
    rule: repo.RuleRecord,
    taskId: string,
    task: ClickUpTask | null,
    ctx: ApplyContext,
  ): Promise<Applied> {
    const link = await repo.findLink(tx, rule.id, taskId)
    if (!ctx.force && link?.lastEventAt && link.lastEventAt > ctx.eventAt) return 'ignored'
    const matches =
      task !== null &&
      !task.archived &&
      sameStatus(task.status?.status, rule.triggerStatus) &&
      (!rule.listId || String(task.list?.id ?? '') === rule.listId)
    const job = link?.jobId ? await findJob(deps.pool, link.jobId) : null
    const base: repo.LinkRecord = link ?? {
      ruleId: rule.id,
      taskId,
      jobId: null,
      seq: 1,
      runKey: null,
      lastEventAt: null,
      lastNote: null,
    }
    const save = (patch: Partial<repo.LinkRecord>) =>
      repo.saveLink(tx, { ...base, lastEventAt: ctx.eventAt, ...patch })

    if (!matches) {
      if (!link) return 'skipped'
      const why = task ? 'task is not in the trigger status' : 'task was deleted'
      if (isActive(job) && job) {
        await deps.scheduler.cancelJob(job.id)
        await save({ lastNote: `job cancelled: ${why}` })
        return 'cancelled'
      }
      await save({ lastNote: why })
      return 'unchanged'
    }
    const now = deps.clock.now()
    const plan = planRun(rule, task, now)
    if (!plan.ok) {
      log.info({ rule_id: rule.id, task_id: taskId, reason: plan.reason }, 'ClickUp task skipped')
      if (isActive(job) && job) await deps.scheduler.cancelJob(job.id)
      await save({
        runKey: null,
        lastNote: isActive(job) ? `job cancelled: ${plan.reason}` : plan.reason,
      })
      return isActive(job) ? 'cancelled' : 'skipped'
    }
    if (!job || job.status === JOB_STATUS.cancelled) {
      const seq = job ? base.seq + 1 : base.seq
      const created = await createFor(rule, task, plan.at, seq)
      await save({
        jobId: created.jobId ?? base.jobId,
        seq,
        runKey: plan.runKey,
        lastNote: created.note,
      })
      return created.jobId ? 'created' : 'skipped'
    }
    const entered = ctx.statusTo !== null && sameStatus(ctx.statusTo, rule.triggerStatus)
    const rearm = isActive(job)
      ? base.runKey !== plan.runKey
      : base.runKey !== plan.runKey || entered
    if (!rearm) {
      await save({})
      return 'unchanged'
    }
    await deps.scheduler.updateJob(job.id, { run_at: plan.at.toISOString() })
    await save({ runKey: plan.runKey, lastNote: `job set to run at ${plan.at.toISOString()}` })
    return 'updated'
  }

  /** Re-reads the task and applies it to every rule, under a per-task lock. */
  async function applyTask(taskId: string, ctx: ApplyContext, known?: ClickUpTask | null) {
    return withTransaction(deps.pool, async (tx) => {
      await repo.lockTask(tx, taskId)
      const task = known !== undefined ? known : await client.getTask(taskId)
      const results: Applied[] = []
      for (const rule of await repo.listRules(tx)) {
        results.push(await applyRule(tx, rule, taskId, task, ctx))
      }
      return results
    })
  }

  async function processEvent(data: EventJobData) {
    const ctx = { eventAt: new Date(data.event_at), statusTo: data.status_to, force: false }
    const results = await applyTask(data.task_id, ctx, data.deleted ? null : undefined)
    log.debug({ task_id: data.task_id, event: data.event, results }, 'ClickUp event applied')
  }

  // --- write-back ---

  /** Engine hook (after the attempt is recorded): queue the write-back of a final attempt. */
  function jobFinished(attempt: ClaimedAttempt, outcome: ExecutionOutcome) {
    if (attempt.job.source !== ACTOR.source || !isFinalAttempt(attempt, outcome)) return
    const data: WritebackJobData = {
      job_id: attempt.job.id,
      status: outcome.status,
      error:
        outcome.status === 'failed'
          ? [outcome.errorClass, outcome.errorMessage].filter(Boolean).join(': ') || 'unknown error'
          : null,
    }
    deps.boss
      .send(WRITEBACK_QUEUE, data, QUEUE_RETRY)
      .catch((err) =>
        log.error({ err, job_id: attempt.job.id }, 'could not queue ClickUp write-back'),
      )
  }

  async function writeBack(data: WritebackJobData) {
    const link = await repo.findLinkByJob(deps.pool, data.job_id)
    const rule = link ? await repo.findRule(deps.pool, link.ruleId) : null
    const job = await findJob(deps.pool, data.job_id)
    if (!link || !rule || !job) return
    const task = await client.getTask(link.taskId)
    if (!task) return
    const ok = data.status === 'succeeded'
    const variables = {
      ...taskVariables(task),
      'job.id': job.id,
      'job.name': job.name,
      'job.status': data.status,
      error: data.error ?? '',
    }
    let template = (ok ? rule.onSuccessComment : rule.onFailureComment) ?? ''
    if (!template) template = ok ? DEFAULT_SUCCESS_COMMENT : DEFAULT_FAILURE_COMMENT
    if (!ok && !/\{\{\s*error\s*\}\}/.test(template)) template = `${template}\nError: {{error}}`
    await client.comment(task.id, renderTemplate(template, variables))
    const status = ok ? rule.onSuccessStatus : rule.onFailureStatus
    if (status) await client.setStatus(task.id, status)
  }

  // --- reconciliation ---

  async function reconcile() {
    const counts: Record<Applied, number> = {
      created: 0,
      updated: 0,
      cancelled: 0,
      unchanged: 0,
      skipped: 0,
      ignored: 0,
    }
    const now = deps.clock.now()
    const ctx = { eventAt: now, statusTo: null, force: true }
    let tasksChecked = 0
    for (const rule of await repo.listRules(deps.pool)) {
      const seen = new Set<string>()
      if (rule.listId) {
        for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
          const result = await client.listTasks(rule.listId, rule.triggerStatus, page)
          for (const task of result.tasks) {
            seen.add(task.id)
            tasksChecked += 1
            const applied = await withTransaction(deps.pool, async (tx) => {
              await repo.lockTask(tx, task.id)
              return applyRule(tx, rule, task.id, task, ctx)
            })
            counts[applied] += 1
          }
          if (result.last_page !== false || result.tasks.length === 0) break
        }
      }
      // Jobs still waiting for tasks the listing did not return (moved, closed, deleted, or a rule
      // without list_id): read each task again.
      for (const link of await repo.listActiveLinks(deps.pool, rule.id)) {
        if (seen.has(link.taskId)) continue
        tasksChecked += 1
        const task = await client.getTask(link.taskId)
        const applied = await withTransaction(deps.pool, async (tx) => {
          await repo.lockTask(tx, link.taskId)
          return applyRule(tx, rule, link.taskId, task, ctx)
        })
        counts[applied] += 1
      }
    }
    const pruned = await repo.pruneEvents(deps.pool, new Date(now.getTime() - EVENT_RETENTION_MS))
    const result = {
      webhook_problems: await webhookProblems(),
      events_pruned: pruned,
      tasks_checked: tasksChecked,
      created: counts.created,
      updated: counts.updated,
      cancelled: counts.cancelled,
      unchanged: counts.unchanged + counts.ignored,
      skipped: counts.skipped,
    }
    log.info(result, 'ClickUp reconciliation done')
    return result
  }

  /**
   * Registered webhooks that are not healthy (failing, suspended) or gone from ClickUp: ClickUp sends
   * no notice when a hook stops, so each pass looks and logs a warning.
   */
  async function webhookProblems() {
    const stored = await repo.listWebhooks(deps.pool)
    const problems: { id: string; team_id: string; status: string; fail_count: number | null }[] =
      []
    for (const teamId of new Set(stored.map((hook) => hook.teamId))) {
      let remote: Awaited<ReturnType<ClickUpClient['listWebhooks']>>
      try {
        remote = await client.listWebhooks(teamId)
      } catch (err) {
        log.warn(
          { team_id: teamId, err: { message: (err as Error).message } },
          'could not read ClickUp webhook health',
        )
        continue
      }
      for (const hook of stored.filter((h) => h.teamId === teamId)) {
        const found = remote.webhooks.find((r) => r.id === hook.id)
        const status = found ? (found.health?.status ?? 'unknown') : 'missing'
        if (status === 'active') continue
        problems.push({
          id: hook.id,
          team_id: teamId,
          status,
          fail_count: found?.health?.fail_count ?? null,
        })
      }
    }
    if (problems.length > 0) {
      log.warn(
        { webhooks: problems },
        'ClickUp webhooks need attention: register them again (POST /clickup/webhooks)',
      )
    }
    return problems
  }

  // --- rules ---

  function ruleView(rule: repo.RuleRecord) {
    return {
      id: rule.id,
      ...ruleToInput(rule),
      created_at: rule.createdAt.toISOString(),
      updated_at: rule.updatedAt.toISOString(),
    }
  }

  async function loadRule(id: string) {
    const rule = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findRule(deps.pool, id) : null
    if (!rule)
      throw notFoundProblem(
        'Rule',
        `There is no ClickUp rule "${id}". GET /clickup/rules lists them.`,
      )
    return rule
  }

  async function cancelRuleJobs(ruleId: string) {
    for (const link of await repo.listActiveLinks(deps.pool, ruleId)) {
      if (link.jobId) await deps.scheduler.cancelJob(link.jobId)
    }
  }

  // --- webhooks ---

  async function registerWebhook(input: {
    team_id: string
    endpoint?: string | null
    space_id?: string | null
    folder_id?: string | null
    list_id?: string | null
  }) {
    const endpoint = input.endpoint || `${deps.config.publicUrl}/clickup/webhook`
    const location: Record<string, string> = {}
    for (const key of ['space_id', 'folder_id', 'list_id'] as const) {
      const value = input[key]
      if (value) location[key] = String(value)
    }
    const body: Record<string, unknown> = { endpoint, events: [...WEBHOOK_EVENTS] }
    for (const [key, value] of Object.entries(location)) body[key] = Number(value)
    const created = await upstream(() => client.createWebhook(input.team_id, body))
    const secret = created.webhook?.secret
    if (!secret) {
      throw new ProblemError({
        status: 424,
        type: 'clickup-error',
        title: 'ClickUp gave no secret',
        detail: `ClickUp created webhook ${created.id} but returned no secret, so its deliveries cannot be verified. Delete it in ClickUp and try again.`,
      })
    }
    await repo.insertWebhook(deps.pool, {
      id: created.id,
      teamId: input.team_id,
      endpoint,
      events: [...WEBHOOK_EVENTS],
      location,
      secret,
    })
    return {
      id: created.id,
      team_id: input.team_id,
      endpoint,
      events: [...WEBHOOK_EVENTS],
      ...location,
      health: created.webhook?.health ?? null,
    }
  }

  async function listWebhooks(teamId: string) {
    const stored = await repo.listWebhooks(deps.pool, teamId)
    const remote = await upstream(() => client.listWebhooks(teamId))
    const storedIds = new Set(stored.map((hook) => hook.id))
    return {
      webhooks: remote.webhooks.map((hook) => ({
        id: hook.id,
        endpoint: hook.endpoint,
        events: hook.events,
        list_id: hook.list_id == null ? null : String(hook.list_id),
        folder_id: hook.folder_id == null ? null : String(hook.folder_id),
        space_id: hook.space_id == null ? null : String(hook.space_id),
        health_status: hook.health?.status ?? null,
        fail_count: hook.health?.fail_count ?? null,
        secret_stored: storedIds.has(hook.id),
      })),
      // Stored here but no longer known to ClickUp (deleted there): re-register.
      missing_in_clickup: stored
        .filter((hook) => !remote.webhooks.some((r) => r.id === hook.id))
        .map((h) => h.id),
    }
  }

  async function upstream<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (err) {
      const status = (err as { status?: number | null }).status ?? null
      throw new ProblemError({
        status: 424,
        type: 'clickup-error',
        title: 'ClickUp refused or failed',
        detail: `${(err as Error).message}. ${status === 401 ? 'Check CLICKUP_API_TOKEN.' : 'Check the ids and try again.'}`,
        cause: err,
      })
    }
  }

  // --- lifecycle ---

  async function start() {
    for (const queue of [EVENTS_QUEUE, WRITEBACK_QUEUE, RECONCILE_QUEUE]) {
      await deps.boss.createQueue(queue)
    }
    if (!deps.runWorkers) return
    const options = { batchSize: 1, pollingIntervalSeconds: 0.5 }
    await deps.boss.work<EventJobData>(EVENTS_QUEUE, options, async ([job]) => {
      if (job) await processEvent(job.data)
    })
    await deps.boss.work<WritebackJobData>(WRITEBACK_QUEUE, options, async ([job]) => {
      if (job) await writeBack(job.data)
    })
    await deps.boss.work(RECONCILE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => {
      await reconcile()
    })
    const minutes = deps.config.reconcileIntervalMinutes
    if (minutes > 0) {
      timer = setInterval(() => {
        // One pass per interval across replicas: a singleton key within the interval.
        deps.boss
          .send(
            RECONCILE_QUEUE,
            {},
            { singletonKey: 'reconcile', singletonSeconds: minutes * 60 - 5 },
          )
          .catch((err) =>
            log.warn({ err: { message: err.message } }, 'could not queue reconciliation'),
          )
      }, minutes * 60_000)
      timer.unref()
    }
  }

  async function stop() {
    if (timer) clearInterval(timer)
    stopController.abort()
  }

  return {
    receiveWebhook,
    jobFinished,
    reconcile,
    registerWebhook,
    listWebhooks,
    start,
    stop,
    async listRules() {
      return { rules: (await repo.listRules(deps.pool)).map(ruleView) }
    },
    async getRule(id: string) {
      return ruleView(await loadRule(id))
    },
    async createRule(input: Record<string, unknown>) {
      const rule = parseRuleInput(deps.registry, input)
      return ruleView(await repo.insertRule(deps.pool, rule))
    },
    async updateRule(id: string, input: Record<string, unknown>) {
      const current = await loadRule(id)
      const merged = { ...ruleToInput(current) }
      for (const [key, value] of Object.entries(input)) if (value !== undefined) merged[key] = value
      // A new action drops the old action's fields.
      if (input.action && input.action !== current.action) {
        for (const key of Object.keys(current.actionFields)) if (!(key in input)) delete merged[key]
      }
      const rule = parseRuleInput(deps.registry, merged, current.id)
      const saved = await repo.replaceRule(deps.pool, rule)
      if (!saved) throw notFoundProblem('Rule', `ClickUp rule "${id}" was deleted meanwhile.`)
      return ruleView(saved)
    },
    async deleteRule(id: string) {
      const rule = await loadRule(id)
      await cancelRuleJobs(rule.id)
      await repo.deleteRule(deps.pool, rule.id)
      return { id: rule.id, deleted: true }
    },
  }
}

export type ClickUpService = ReturnType<typeof createClickUpService>
