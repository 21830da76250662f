/** Write-back: a ClickUp job's final outcome becomes a comment (and maybe a status) on its task. */
import { bossDb } from '../../db/boss-db.ts'
import type { Queryable } from '../../db/pool.ts'
import {
  type AbandonedAttempt,
  type FinishedAttempt,
  isFinalAttempt,
} from '../../scheduler/engine/index.ts'
import { ABANDONED_MESSAGE, ERROR_CLASS } from '../../scheduler/states.ts'
import { ClickUpError } from './client.ts'
import { ACTOR, type ClickUpContext } from './context.ts'
import {
  type OutcomeWriteback,
  QUEUE_RETRY,
  type TaskComment,
  WRITEBACK_QUEUE,
  type WritebackJobData,
} from './queues.ts'
import * as repo from './repository.ts'
import { renderTemplate, taskVariables } from './rules.ts'

export const DEFAULT_SUCCESS_COMMENT = 'Scheduled job "{{job.name}}" ran successfully.'
export const DEFAULT_FAILURE_COMMENT = 'Scheduled job "{{job.name}}" failed: {{error}}'

/**
 * Engine hook, inside the transaction that records a batch of outcomes: queues the write-back of
 * every final attempt of a ClickUp job, so it commits with the outcome (a crash in between can no
 * longer record the run and lose its comment and status change).
 */
export async function queueWritebacks(
  svc: ClickUpContext,
  tx: Queryable,
  finished: readonly FinishedAttempt[],
): Promise<void> {
  await insertWritebacks(
    svc,
    tx,
    finished
      .filter(
        ({ attempt, outcome }) =>
          attempt.job.source === ACTOR.source && isFinalAttempt(attempt, outcome),
      )
      .map(({ attempt, outcome }) => ({
        job_id: attempt.job.id,
        status: outcome.status,
        error:
          outcome.status === 'failed' ? errorText(outcome.errorClass, outcome.errorMessage) : null,
      })),
  )
}

/**
 * Engine hook, inside the sweep that closes attempts whose process died: a ClickUp job's final attempt
 * closed that way gets the failure write-back a recorded failure would have had.
 */
export async function queueAbandonedWritebacks(
  svc: ClickUpContext,
  tx: Queryable,
  closed: readonly AbandonedAttempt[],
): Promise<void> {
  await insertWritebacks(
    svc,
    tx,
    closed
      .filter((attempt) => attempt.final && attempt.source === ACTOR.source)
      .map((attempt) => ({
        job_id: attempt.jobId,
        status: 'failed',
        error: errorText(ERROR_CLASS.abandoned, ABANDONED_MESSAGE),
      })),
  )
}

/** Queues the write-backs in `tx`, in one statement; none costs nothing. */
async function insertWritebacks(
  svc: ClickUpContext,
  tx: Queryable,
  writebacks: readonly WritebackJobData[],
): Promise<void> {
  if (writebacks.length === 0) return
  await svc.boss.insert(
    WRITEBACK_QUEUE,
    writebacks.map((data) => ({ data, ...QUEUE_RETRY })),
    { db: bossDb(tx) },
  )
}

/** `{{error}}` of a failure comment: error class and message. */
function errorText(
  errorClass: string | null | undefined,
  errorMessage: string | null | undefined,
): string {
  return [errorClass, errorMessage].filter(Boolean).join(': ') || 'unknown error'
}

/** Queues a comment for a task in `tx`, so it is posted (and retried) once the transaction commits. */
export async function queueTaskComment(
  svc: ClickUpContext,
  tx: Queryable,
  comment: TaskComment,
): Promise<void> {
  await insertWritebacks(svc, tx, [comment])
}

/** The queue handler: an outcome's comment and status, or a plain comment. */
export async function writeBack(svc: ClickUpContext, data: WritebackJobData) {
  if ('comment' in data) return postComment(svc, data)
  return writeBackOutcome(svc, data)
}

async function postComment(svc: ClickUpContext, data: TaskComment) {
  try {
    await svc.client.comment(data.task_id, data.comment)
  } catch (err) {
    // The task was deleted meanwhile: nobody is left to read the comment.
    if (err instanceof ClickUpError && err.status === 404) return
    throw err
  }
}

/** Comments on the task and sets the rule's status for the outcome. */
async function writeBackOutcome(svc: ClickUpContext, data: OutcomeWriteback) {
  const link = await repo.findLinkByJob(svc.pool, data.job_id)
  const rule = link ? await repo.findRule(svc.pool, link.ruleId) : null
  const job = await svc.scheduler.findJobRecord(data.job_id)
  if (!link || !rule || !job) return
  const task = await svc.client.getTask(link.taskId)
  if (!task) return
  const ok = data.status === 'succeeded'
  const variables = {
    ...taskVariables(task),
    'job.id': job.id,
    'job.name': job.name,
    'job.status': data.status,
    error: data.error ?? '',
  }
  await svc.client.comment(task.id, renderTemplate(commentTemplate(rule, ok), variables))
  const status = ok ? rule.onSuccessStatus : rule.onFailureStatus
  if (status) await svc.client.setStatus(task.id, status)
}

/** The rule's comment for the outcome, or the default; a failure comment always shows the error. */
function commentTemplate(rule: repo.RuleRecord, ok: boolean): string {
  const template =
    (ok ? rule.onSuccessComment : rule.onFailureComment) ||
    (ok ? DEFAULT_SUCCESS_COMMENT : DEFAULT_FAILURE_COMMENT)
  if (!ok && !/\{\{\s*error\s*\}\}/.test(template)) return `${template}\nError: {{error}}`
  return template
}
