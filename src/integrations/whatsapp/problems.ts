/**
 * Evolution failures as the problems agents see. The gateway being down or misconfigured is not the
 * caller's mistake, and Dify drops 5xx bodies and retries (../shared/reference/dify-tools.md rule 12),
 * so those are 424 Failed Dependency with a sentence saying what to do.
 */
import { fieldProblem, ProblemError } from '../../problem-error.ts'
import type { EvolutionError } from '../evolution/index.ts'
import { displayNumber } from './phone.ts'
import { describeSlotReason, type SendLimits, type SlotReason } from './slots.ts'

/** What the caller was doing, for "Nothing was …" sentences. */
export type WhatsAppOperation = 'check' | 'send' | 'schedule'

const NOTHING_DONE: Record<WhatsAppOperation, string> = {
  check: 'The number was not checked.',
  send: 'Nothing was sent.',
  schedule: 'Nothing was scheduled.',
}

export function notOnWhatsAppProblem(field: string, number: string): ProblemError {
  return fieldProblem(
    field,
    `${displayNumber(number)} is not on WhatsApp.`,
    'Check the number with the user: country code, area code and number, e.g. +55 11 99999-9999.',
  )
}

export function problemFromEvolution(
  err: EvolutionError,
  operation: WhatsAppOperation,
  field: string,
  number: string,
): ProblemError {
  if (err.kind === 'not_on_whatsapp') return notOnWhatsAppProblem(field, number)
  if (err.maybeDelivered) {
    return new ProblemError({
      status: 424,
      type: 'whatsapp-delivery-uncertain',
      title: 'WhatsApp delivery uncertain',
      detail: `${err.message} The message may have been delivered anyway. Do not send it again; ask the user whether it arrived.`,
      extensions: { retryable: false },
      cause: err,
    })
  }
  const misconfigured = ['unauthorized', 'instance_not_found', 'not_found', 'rejected', 'protocol']
  if (misconfigured.includes(err.kind)) {
    return new ProblemError({
      status: 424,
      type: 'whatsapp-gateway-error',
      title: 'WhatsApp gateway refused the request',
      detail: `${err.message} This is a problem of the server's WhatsApp setup, not of your input: tell the operator. ${NOTHING_DONE[operation]}`,
      extensions: { retryable: false },
      cause: err,
    })
  }
  return new ProblemError({
    status: 424,
    type: 'whatsapp-unavailable',
    title: 'WhatsApp gateway unavailable',
    detail: `The WhatsApp gateway is unavailable right now: ${err.message} This is temporary; try again in a few minutes. ${NOTHING_DONE[operation]}`,
    extensions: { retryable: true },
    cause: err,
  })
}

/** A direct send that would break a limit: 422 (not 429, whose body Dify drops) saying when it can go. */
export function rateLimitedProblem(
  slotAt: Date,
  waitMs: number,
  reason: SlotReason,
  limits: SendLimits,
): ProblemError {
  const seconds = Math.ceil(waitMs / 1000)
  const at = slotAt.toISOString()
  return new ProblemError({
    status: 422,
    type: 'whatsapp-rate-limited',
    title: 'WhatsApp send limit reached',
    detail: `Not sent: ${describeSlotReason(reason, limits)}. It can go at ${at} (in ${seconds} seconds). Call sendWhatsAppMessage again after that time, or use scheduleWhatsAppMessage with run_at ${at} to have it sent then.`,
    extensions: { retry_at: at, retry_after_seconds: seconds, reason },
  })
}
