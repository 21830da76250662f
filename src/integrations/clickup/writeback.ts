/** Write-back: a ClickUp job's final outcome becomes a comment (and maybe a status) on its task. */
import type { ClaimedAttempt } from '../../scheduler/engine/claim.ts'
import { isFinalAttempt } from '../../scheduler/engine/record-batch.ts'
import type { ExecutionOutcome } from '../../scheduler/repository/executions.ts'
import { findJob } from '../../scheduler/repository/jobs.ts'
import { ACTOR, type ClickUpContext } from './context.ts'
import { QUEUE_RETRY, WRITEBACK_QUEUE, type WritebackJobData } from './queues.ts'
import * as repo from './repository.ts'
import { renderTemplate, taskVariables } from './rules.ts'

export const DEFAULT_SUCCESS_COMMENT = 'Scheduled job "{{job.name}}" ran successfully.'
export const DEFAULT_FAILURE_COMMENT = 'Scheduled job "{{job.name}}" failed: {{error}}'

/** Engine hook (after the attempt is recorded): queue the write-back of a final attempt. */
export function jobFinished(
  svc: ClickUpContext,
  attempt: ClaimedAttempt,
  outcome: ExecutionOutcome,
): void {
  if (attempt.job.source !== ACTOR.source || !isFinalAttempt(attempt, outcome)) return
  const data: WritebackJobData = {
    job_id: attempt.job.id,
    status: outcome.status,
    error:
      outcome.status === 'failed'
        ? [outcome.errorClass, outcome.errorMessage].filter(Boolean).join(': ') || 'unknown error'
        : null,
  }
  svc.boss
    .send(WRITEBACK_QUEUE, data, QUEUE_RETRY)
    .catch((err) =>
      svc.logger.error({ err, job_id: attempt.job.id }, 'could not queue ClickUp write-back'),
    )
}

/** The queue handler: comments on the task and sets the rule's status for the outcome. */
export async function writeBack(svc: ClickUpContext, data: WritebackJobData) {
  const link = await repo.findLinkByJob(svc.pool, data.job_id)
  const rule = link ? await repo.findRule(svc.pool, link.ruleId) : null
  const job = await findJob(svc.pool, data.job_id)
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
