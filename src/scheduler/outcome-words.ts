/**
 * One-sentence accounts of attempts and job outcomes an agent can repeat to a user: when (in the
 * job's zone), how late, what the target answered, and for failures the error and whether a retry
 * follows.
 */
import { WHATSAPP_ERROR_CLASS } from '../actions/whatsapp.ts'
import { CALLBACK_MAX_ATTEMPTS } from '../outcomes/attempts.ts'
import type { ExecutionRecord } from './repository/executions.ts'
import type { LastExecutionSummary } from './repository/jobs.ts'
import { ERROR_CLASS } from './states.ts'
import { formatHumanLocal, humanizeDuration } from './timing/index.ts'

/** What the words need to know about the job an attempt belongs to. */
export interface AttemptJob {
  timezone: string
  maxAttempts: number
  actionKind: string
}

/** Failures that settle the run at once: retrying would repeat a refusal or risk a duplicate. */
const NOT_RETRIED = new Set<string>([
  ERROR_CLASS.blocked,
  WHATSAPP_ERROR_CLASS.uncertainDelivery,
  WHATSAPP_ERROR_CLASS.rejected,
])
const MAX_ERROR_CHARS = 240

/** '85 ms', '1.2 s', '2 minutes 5 seconds'. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
  return humanizeDuration(ms)
}

/** 'Tue 8 Dec 2026 at 09:00 (America/Sao_Paulo)' */
export function whenLocal(date: Date, timezone: string): string {
  return `${formatHumanLocal(date, timezone)} (${timezone})`
}

function lateness(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms late` : `${formatElapsed(ms)} late`
}

function answered(kind: string, status: number | null): string {
  if (status === null) return 'it finished'
  switch (kind) {
    case 'webhook':
      return `the URL answered HTTP ${status}`
    case 'dify':
      return 'Dify answered'
    case 'whatsapp':
      return `Evolution accepted the message (HTTP ${status})`
    default:
      return `the target answered HTTP ${status}`
  }
}

/** 'timeout: The request timed out after 30 s.' cut to a readable length, ending a sentence. */
export function errorPhrase(errorClass: string | null, message: string | null): string {
  const text = message ?? 'no message'
  const cut = text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text
  return `${errorClass ?? 'error'}: ${/[.!?…]$/.test(cut) ? cut : `${cut}.`}`
}

/** What happens after a failed attempt: a retry, a deferred re-run, or nothing. */
function afterFailure(
  attempt: number,
  maxAttempts: number,
  errorClass: string | null,
  manual: boolean,
) {
  if (errorClass === WHATSAPP_ERROR_CLASS.deferred) return 'The same run is tried again then.'
  if (errorClass === ERROR_CLASS.shutdown) return 'The run is tried again after the restart.'
  if (errorClass !== null && NOT_RETRIED.has(errorClass)) {
    return 'It is not retried automatically.'
  }
  if (attempt < maxAttempts) return `Attempt ${attempt + 1} of ${maxAttempts} follows.`
  return manual ? 'That was the last attempt of this manual run.' : 'That was the last attempt.'
}

/**
 * One sentence about one attempt, e.g. 'Ran Tue 8 Dec 2026 at 09:00 (America/Sao_Paulo), 12 ms late;
 * the URL answered HTTP 200 in 85 ms.' or 'Attempt 1 of 3 of the run due … failed after 30 s with
 * timeout: … Attempt 2 of 3 follows.'
 */
export function describeAttempt(execution: ExecutionRecord, job: AttemptJob): string {
  if (execution.reportsExecutionId) return describeCallbackAttempt(execution, job.timezone)
  const zone = job.timezone
  const due = whenLocal(execution.occurrenceAt, zone)
  const which = execution.manual ? 'the manual run' : `the run due ${due}`
  const of = `attempt ${execution.attempt} of ${job.maxAttempts}`
  const took = execution.durationMs === null ? '' : ` in ${formatElapsed(execution.durationMs)}`
  switch (execution.status) {
    case 'running':
      return `Started ${whenLocal(execution.startedAt, zone)} (${of} for ${which}, ${lateness(execution.latenessMs)}) and is still running.`
    case 'succeeded': {
      const start =
        execution.attempt === 1
          ? `Ran ${execution.manual ? 'on request ' : ''}${whenLocal(execution.startedAt, zone)}, ${lateness(execution.latenessMs)}`
          : `${capitalise(of)} for ${which} succeeded at ${whenLocal(execution.startedAt, zone)}`
      return `${start}; ${answered(job.actionKind, execution.responseStatus)}${took}.`
    }
    case 'failed': {
      if (execution.errorClass === WHATSAPP_ERROR_CLASS.deferred) {
        return `${capitalise(of)} for ${which} was deferred: ${execution.errorMessage ?? 'waiting for a send slot'}`
      }
      const status =
        execution.responseStatus !== null && job.actionKind === 'webhook'
          ? ` (HTTP ${execution.responseStatus})`
          : ''
      return `${capitalise(of)} for ${which} failed${took ? ` after${took.slice(3)}` : ''}${status} with ${errorPhrase(execution.errorClass, execution.errorMessage)} ${afterFailure(execution.attempt, job.maxAttempts, execution.errorClass, execution.manual)}`
    }
  }
}

const CALLBACK_TARGETS: Record<string, string> = {
  url: 'callback',
  conversation: 'notice into the Dify conversation',
  whatsapp: 'WhatsApp notice',
}

function callbackAnswered(target: string, status: number | null): string {
  if (target === 'url') return status === null ? 'it finished' : `the URL answered HTTP ${status}`
  if (target === 'conversation') return 'Dify answered'
  return 'Evolution accepted it'
}

/**
 * One sentence about one callback attempt, e.g. 'Callback for the run due … delivered Tue 8 Dec
 * 2026 at 09:00 (America/Sao_Paulo); the URL answered HTTP 200 in 40 ms.'
 */
function describeCallbackAttempt(execution: ExecutionRecord, zone: string): string {
  const target = String(execution.requestSummary?.target ?? 'url')
  const what = CALLBACK_TARGETS[target] ?? 'callback'
  const run = `the run due ${whenLocal(execution.occurrenceAt, zone)}`
  const of = `attempt ${execution.attempt} of ${CALLBACK_MAX_ATTEMPTS}`
  const took = execution.durationMs === null ? '' : ` in ${formatElapsed(execution.durationMs)}`
  switch (execution.status) {
    case 'running':
      return `${capitalise(what)} for ${run} (${of}) started ${whenLocal(execution.startedAt, zone)} and is still running.`
    case 'succeeded':
      return `${capitalise(what)} for ${run} delivered ${whenLocal(execution.startedAt, zone)}; ${callbackAnswered(target, execution.responseStatus)}${took}.`
    case 'failed': {
      if (execution.errorClass === WHATSAPP_ERROR_CLASS.deferred) {
        return `${capitalise(what)} for ${run} waits for a WhatsApp send slot: ${execution.errorMessage ?? ''}`
      }
      const retried =
        execution.errorClass !== null && NOT_RETRIED.has(execution.errorClass)
          ? 'It is not tried again'
          : execution.attempt < CALLBACK_MAX_ATTEMPTS
            ? `Attempt ${execution.attempt + 1} of ${CALLBACK_MAX_ATTEMPTS} follows`
            : 'That was its last attempt'
      return `${capitalise(what)} for ${run} failed (${of}${took ? `, after${took.slice(3)}` : ''}) with ${errorPhrase(execution.errorClass, execution.errorMessage)} ${retried}; the job and its run are not affected.`
    }
  }
}

/** Why a job's last run ended as it did, for job summaries: 'the run due … failed on attempt 3 of 3 with timeout: …'. */
export function describeLastRun(last: LastExecutionSummary, job: AttemptJob): string {
  const due = whenLocal(last.occurrenceAt, job.timezone)
  if (last.status === 'succeeded') {
    return `the last run (due ${due}) succeeded${last.responseStatus !== null ? `: ${answered(job.actionKind, last.responseStatus)}` : ''}.`
  }
  if (last.status === 'running')
    return `the run due ${due} is running now (attempt ${last.attempt}).`
  const retried =
    last.attempt < job.maxAttempts && last.errorClass !== null && NOT_RETRIED.has(last.errorClass)
      ? ' and was not retried'
      : ''
  const status =
    last.responseStatus !== null && job.actionKind === 'webhook'
      ? ` (HTTP ${last.responseStatus})`
      : ''
  return `the run due ${due} failed on attempt ${last.attempt} of ${job.maxAttempts}${retried}${status} with ${errorPhrase(last.errorClass, last.errorMessage)}`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
