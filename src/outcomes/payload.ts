/**
 * What a callback says: the JSON body POSTed to callback_url (Standard Webhooks' recommended
 * {type, timestamp, data} shape) and the sentences posted into a Dify conversation or sent by
 * WhatsApp. Built from the stored execution, so a callback reports exactly what the record says.
 */
import type { ActionRegistry } from '../scheduler/action-registry.ts'
import type { ExecutionRecord } from '../scheduler/repository/executions.ts'
import type { JobRecord } from '../scheduler/repository/jobs.ts'
import { executionView } from '../scheduler/views.ts'

const EXCERPT_CHARS = 500

/** The first characters of what the target answered: the response body, a Dify answer, the output. */
export function outcomeExcerpt(execution: ExecutionRecord): string | null {
  const output = execution.output
  const text =
    execution.responseBody ??
    (typeof output?.answer === 'string' ? output.answer : null) ??
    (output ? JSON.stringify(output) : null)
  if (!text) return null
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text
}

export function outcomePayload(
  job: JobRecord,
  execution: ExecutionRecord,
  registry: ActionRegistry,
) {
  const view = executionView(execution, job)
  const action = registry.get(job.actionKind)
  return {
    type: `job.run.${execution.status}`,
    timestamp: view.finished_at,
    data: {
      job: {
        id: job.id,
        name: job.name,
        status: job.status,
        action: action ? action.describe(job.actionParams) : job.actionKind,
        timezone: job.timezone,
        tags: job.tags,
      },
      execution: {
        id: execution.id,
        summary: view.summary,
        status: execution.status,
        attempt: execution.attempt,
        max_attempts: job.maxAttempts,
        manual: execution.manual,
        occurrence_at: view.occurrence_at,
        occurrence_local: view.occurrence_local,
        started_at: view.started_at,
        started_local: view.started_local,
        finished_at: view.finished_at,
        finished_local: view.finished_local,
        duration_ms: execution.durationMs,
        response_status: execution.responseStatus,
        excerpt: outcomeExcerpt(execution),
        error: view.error,
      },
    },
  }
}

export type OutcomePayload = ReturnType<typeof outcomePayload>

const verdict = (execution: ExecutionRecord) =>
  execution.status === 'succeeded' ? 'succeeded' : 'failed'

/** For a person (WhatsApp): the job's name, how it ended, and the attempt in a sentence. */
export function outcomeSentenceForPerson(job: JobRecord, execution: ExecutionRecord): string {
  return `Scheduled job "${job.name}" ${verdict(execution)}. ${executionView(execution, job).summary}`
}

/**
 * For the agent that scheduled the job (a Dify conversation): the same, with the ids it needs to
 * look further or replay a failure.
 */
export function outcomeSentenceForAgent(job: JobRecord, execution: ExecutionRecord): string {
  const replay =
    execution.status === 'succeeded'
      ? ''
      : ` To run it again, call retryExecution with execution_id ${execution.id}.`
  return `[agent-tool-server] Outcome of the scheduled job "${job.name}" (job_id ${job.id}, execution_id ${execution.id}): ${verdict(execution)}. ${executionView(execution, job).summary}${replay}`
}
