/** Applying a task's state to the rules: create, move or cancel the one job per (rule, task). */
import { type Queryable, withTransaction } from '../../db/pool.ts'
import type { JobRecord } from '../../scheduler/service/index.ts'
import { JOB_STATUS } from '../../scheduler/states.ts'
import { recordEventOutcome } from './activity.ts'
import type { ClickUpTask } from './client.ts'
import { ACTOR, type ClickUpContext } from './context.ts'
import type { EventJobData } from './queues.ts'
import * as repo from './repository.ts'
import { planRun, type RunPlan, sameStatus } from './rules.ts'
import { scheduleFor } from './schedule-job.ts'
import { queueTaskComment } from './writeback.ts'

export type Applied = 'created' | 'updated' | 'cancelled' | 'unchanged' | 'skipped' | 'ignored'

export interface ApplyContext {
  eventAt: Date
  statusTo: string | null
  /** Reconciliation acts on the current state whatever the stored event time. */
  force: boolean
}

/** One (rule, task) pair being applied: its stored link (or a fresh one), its job and how to save. */
interface Pair {
  tx: Queryable
  rule: repo.RuleRecord
  task: ClickUpTask | null
  link: repo.LinkRecord
  job: JobRecord | null
  save: (patch: Partial<repo.LinkRecord>) => Promise<void>
}

type Plan = Extract<RunPlan, { ok: true }>

const isActive = (job: JobRecord | null): job is JobRecord =>
  job !== null && (job.status === JOB_STATUS.scheduled || job.status === JOB_STATUS.paused)

const taskMatches = (rule: repo.RuleRecord, task: ClickUpTask) =>
  !task.archived &&
  sameStatus(task.status?.status, rule.triggerStatus) &&
  (!rule.listId || String(task.list?.id ?? '') === rule.listId)

const newLink = (ruleId: string, taskId: string): repo.LinkRecord => ({
  ruleId,
  taskId,
  jobId: null,
  seq: 1,
  runKey: null,
  lastEventAt: null,
  lastNote: null,
  taskUpdatedMs: null,
})

/** The task's date_updated in ms, or null when absent (a deleted task, or one without it). */
function taskVersion(task: ClickUpTask | null): number | null {
  const ms = Number(task?.date_updated ?? Number.NaN)
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null
}

/** The queue handler for one webhook event. */
export async function processEvent(svc: ClickUpContext, data: EventJobData) {
  const ctx = { eventAt: new Date(data.event_at), statusTo: data.status_to, force: false }
  const results = await applyTask(svc, data.task_id, ctx, data.deleted ? null : undefined)
  await recordEventOutcome(svc, data.task_id, results)
  svc.logger.debug({ task_id: data.task_id, event: data.event, results }, 'ClickUp event applied')
}

/**
 * Re-reads the task (unless known), then applies it to every rule under a per-task lock. The read
 * comes first, outside the transaction: a ClickUp call, with its rate-limit waits, must not hold a
 * connection, a transaction and the task's lock. Two workers can then apply two reads of one task
 * in either order; the task's own date_updated tells the older one, which is ignored (applyRule).
 */
export async function applyTask(
  svc: ClickUpContext,
  taskId: string,
  ctx: ApplyContext,
  known?: ClickUpTask | null,
) {
  const task = known !== undefined ? known : await svc.client.getTask(taskId)
  return withTransaction(svc.pool, async (tx) => {
    await repo.lockTask(tx, taskId)
    const results: Applied[] = []
    for (const rule of await repo.listRules(tx)) {
      results.push(await applyRule(svc, tx, rule, taskId, task, ctx))
    }
    return results
  })
}

/** Applies an already read task to one rule, under the per-task lock. */
export async function applyLocked(
  svc: ClickUpContext,
  rule: repo.RuleRecord,
  taskId: string,
  task: ClickUpTask | null,
  ctx: ApplyContext,
): Promise<Applied> {
  return withTransaction(svc.pool, async (tx) => {
    await repo.lockTask(tx, taskId)
    return applyRule(svc, tx, rule, taskId, task, ctx)
  })
}

async function applyRule(
  svc: ClickUpContext,
  tx: Queryable,
  rule: repo.RuleRecord,
  taskId: string,
  task: ClickUpTask | null,
  ctx: ApplyContext,
): Promise<Applied> {
  // A rule deleted meanwhile applies to nothing (see deleteRule).
  if (!(await repo.lockRule(tx, rule.id, 'share'))) return 'skipped'
  const stored = await repo.findLink(tx, rule.id, taskId)
  if (!ctx.force && stored?.lastEventAt && stored.lastEventAt > ctx.eventAt) return 'ignored'
  const version = taskVersion(task)
  // A read older than one already applied (another worker read the task later and got here first).
  if (version !== null && stored?.taskUpdatedMs != null && version < stored.taskUpdatedMs) {
    return 'ignored'
  }
  const job = stored?.jobId ? await svc.scheduler.findJobRecord(stored.jobId) : null
  const link = stored ?? newLink(rule.id, taskId)
  const save = (patch: Partial<repo.LinkRecord>) =>
    repo.saveLink(tx, { ...link, lastEventAt: ctx.eventAt, taskUpdatedMs: version, ...patch })
  const pair: Pair = { tx, rule, task, link, job, save }

  if (!task || !taskMatches(rule, task)) return stored ? leaveTrigger(svc, pair) : 'skipped'
  const plan = planRun(rule, task, svc.clock.now())
  if (!plan.ok) {
    svc.logger.info(
      { rule_id: rule.id, task_id: taskId, reason: plan.reason },
      'ClickUp task skipped',
    )
    return cancelAndNote(svc, pair, plan.reason, { runKey: null }, 'skipped')
  }
  if (!job || job.status === JOB_STATUS.cancelled) return scheduleNew(svc, pair, task, plan)
  return rearm(svc, pair, job, plan, ctx.statusTo)
}

/** No job yet, or only a cancelled one: create the next one in the pair's sequence. */
async function scheduleNew(
  svc: ClickUpContext,
  pair: Pair,
  task: ClickUpTask,
  plan: Plan,
): Promise<Applied> {
  const seq = pair.job ? pair.link.seq + 1 : pair.link.seq
  const created = await scheduleFor(svc, pair.rule, task, plan.at, seq)
  // Said once per new reason, not on every event of the task.
  if (!created.jobId && created.note !== pair.link.lastNote) {
    await reportUnschedulable(svc, pair, task, created.note)
  }
  await pair.save({
    jobId: created.jobId ?? pair.link.jobId,
    seq,
    runKey: plan.runKey,
    lastNote: created.note,
  })
  return created.jobId ? 'created' : 'skipped'
}

/**
 * A rule that cannot make a job for the task (its fields, filled in, are refused: a URL the SSRF
 * policy blocks, a header value that cannot be sent…) says so in the log and on the task, where the
 * person waiting for the job looks. The comment is queued in this transaction and posted after it.
 */
async function reportUnschedulable(
  svc: ClickUpContext,
  pair: Pair,
  task: ClickUpTask,
  note: string,
): Promise<void> {
  svc.logger.warn(
    { rule_id: pair.rule.id, task_id: task.id, reason: note },
    'ClickUp rule could not schedule a job for the task; told the task in a comment',
  )
  await queueTaskComment(svc, pair.tx, {
    task_id: task.id,
    comment: `Rule "${pair.rule.name}" could not schedule its job for this task: ${note.replace(/^could not schedule: /, '')} Fix the rule (PATCH /clickup/rules/${pair.rule.id}) or the task: the next change of the task, or the next reconciliation, schedules it.`,
  })
}

/**
 * A waiting job moves when its run time changes; a finished one also runs again when the task
 * re-enters the trigger status.
 */
async function rearm(
  svc: ClickUpContext,
  pair: Pair,
  job: JobRecord,
  plan: Plan,
  statusTo: string | null,
): Promise<Applied> {
  const entered = statusTo !== null && sameStatus(statusTo, pair.rule.triggerStatus)
  if (pair.link.runKey === plan.runKey && (isActive(job) || !entered)) {
    await pair.save({})
    return 'unchanged'
  }
  await svc.scheduler.updateJob(job.id, { run_at: plan.at.toISOString() }, ACTOR)
  await pair.save({ runKey: plan.runKey, lastNote: `job set to run at ${plan.at.toISOString()}` })
  return 'updated'
}

/** A linked task left the trigger status (or was deleted): its waiting job is cancelled. */
function leaveTrigger(svc: ClickUpContext, pair: Pair): Promise<Applied> {
  const why = pair.task ? 'task is not in the trigger status' : 'task was deleted'
  return cancelAndNote(svc, pair, why, {}, 'unchanged')
}

/** Cancels the pair's job if it still waits, and notes why on the link. */
async function cancelAndNote(
  svc: ClickUpContext,
  pair: Pair,
  why: string,
  patch: Partial<repo.LinkRecord>,
  otherwise: Applied,
): Promise<Applied> {
  const active = isActive(pair.job)
  if (pair.job && active) await svc.scheduler.cancelJob(pair.job.id, ACTOR)
  await pair.save({ ...patch, lastNote: active ? `job cancelled: ${why}` : why })
  return active ? 'cancelled' : otherwise
}
