/** Creating the scheduler job for one (rule, task): its input, and adopting a job a retry made. */
import { ProblemError } from '../../problem-error.ts'
import type { ClickUpTask } from './client.ts'
import { ACTOR, type ClickUpContext } from './context.ts'
import type * as repo from './repository.ts'
import { renderFields, taskVariables } from './rules.ts'

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

/** The new job's id, or null with the reason when the rule's fields do not make a valid job. */
export async function scheduleFor(
  svc: ClickUpContext,
  rule: repo.RuleRecord,
  task: ClickUpTask,
  at: Date,
  seq: number,
): Promise<{ jobId: string | null; note: string }> {
  try {
    const result = await svc.scheduler.createJob(rule.action, jobInput(rule, task, at, seq), {
      ...ACTOR,
      sourceRef: task.id,
    })
    return { jobId: String(result.job.id), note: 'job scheduled' }
  } catch (err) {
    // A retried pass whose job exists with another run time: adopt that job.
    if (err instanceof ProblemError && err.status === 409 && err.extensions.job_id) {
      const jobId = String(err.extensions.job_id)
      await svc.scheduler.updateJob(jobId, { run_at: at.toISOString() }, ACTOR)
      return { jobId, note: 'job scheduled' }
    }
    if (err instanceof ProblemError && err.status === 422) {
      return { jobId: null, note: `could not schedule: ${err.detail}` }
    }
    throw err
  }
}
