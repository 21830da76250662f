/**
 * The WhatsApp action: send a text through Evolution when a job is due. The recipient is checked
 * when the job is created; each attempt waits for a limiter slot (or is deferred to it), and a send
 * that may have reached WhatsApp is never retried blindly (../shared/reference/evolution-api.md §7.2).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { EvolutionError, typingDelayMs } from '../integrations/evolution/index.ts'
import type { ReserveResult } from '../integrations/whatsapp/limiter.ts'
import { parseMessageText } from '../integrations/whatsapp/message.ts'
import { displayNumber } from '../integrations/whatsapp/phone.ts'
import type { WhatsAppService } from '../integrations/whatsapp/service.ts'
import { describeSlotReason } from '../integrations/whatsapp/slots.ts'
import type {
  ActionDefinition,
  ActionResult,
  ExecutionContext,
} from '../scheduler/action-contract.ts'
import { ERROR_CLASS } from '../scheduler/states.ts'
import { flatShape, mcpShape, requiredText } from '../tools/field-spec.ts'

export const WHATSAPP_KIND = 'whatsapp'

export const WHATSAPP_ERROR_CLASS = Object.freeze({
  /** The send may have gone through (a 400/5xx after the send, a timeout): not retried. */
  uncertainDelivery: 'uncertain_delivery',
  /** Evolution refused it for good (not on WhatsApp, bad key, unknown instance): not retried. */
  rejected: 'whatsapp_rejected',
  /** Socket closed, Evolution down or unreachable before sending: retried. */
  unavailable: 'whatsapp_unavailable',
  /** Waiting for a limiter slot: the occurrence runs again then, without using up a retry. */
  deferred: 'deferred',
} as const)

/** A deferred attempt comes back this much before its slot, so polling lateness never misses it. */
const DEFER_LEAD_MS = 5_000
/** Time kept free after the typing delay and the send so the outcome is recorded within the attempt. */
const SEND_MARGIN_MS = 1_000

export interface WhatsAppParams {
  /** Digits only, with country code. */
  to: string
  message: string
}

export type WhatsAppSecrets = Record<string, never>

export interface WhatsAppActionDefinition
  extends ActionDefinition<WhatsAppParams, WhatsAppSecrets> {
  /** Shared with the direct WhatsApp tools (same limiter, same client). */
  service: WhatsAppService
}

const fieldSpecs = {
  to: requiredText({
    description:
      'Phone number to send to, international form with country code, e.g. +55 11 99999-9999 or 5511999999999. Spaces, dashes and parentheses are fine. It must be on WhatsApp.',
    example: '+55 11 99999-9999',
    missing:
      'the phone number with country code, e.g. +55 11 99999-9999; ask the user for it if they did not give one',
    max: 40,
  }),
  message: requiredText({
    description:
      'The text to send, as the recipient should read it (plain text, line breaks allowed, at most 4096 characters).',
    example: 'Hi Ana, a reminder: your appointment is tomorrow at 9:00.',
    missing: 'the text to send, as the recipient should read it',
    max: 4096,
  }),
}

/** How long an attempt may wait inline for its slot; further away, it is deferred to the slot. */
export function inlineWaitBudgetMs(attemptTimeoutMs: number, requestTimeoutMs: number): number {
  return Math.max(attemptTimeoutMs / 2, attemptTimeoutMs - requestTimeoutMs - 4_000)
}

function deferred(
  reservation: Extract<ReserveResult, { kind: 'reserved' }>,
  budgetMs: number,
  requestSummary: Record<string, unknown>,
  service: WhatsAppService,
): ActionResult {
  const leadMs = Math.min(DEFER_LEAD_MS, budgetMs * 0.8)
  const slot = reservation.slotAt.toISOString()
  return {
    ok: false,
    requestSummary,
    deferUntil: new Date(Date.now() + Math.max(0, reservation.waitMs - leadMs)),
    output: { slot_at: slot },
    errorClass: WHATSAPP_ERROR_CLASS.deferred,
    errorMessage: `Waiting for a WhatsApp send slot at ${slot} (${describeSlotReason(reservation.reason, service.limiter.limits)}). The message will be sent then; this is not a failure.`,
  }
}

function failed(err: unknown, requestSummary: Record<string, unknown>): ActionResult {
  if (!(err instanceof EvolutionError)) {
    return {
      ok: false,
      requestSummary,
      errorClass: ERROR_CLASS.internal,
      errorMessage: 'The WhatsApp send failed unexpectedly before reaching Evolution.',
    }
  }
  const response = {
    responseStatus: err.status ?? undefined,
    responseBody: err.details.length > 0 ? JSON.stringify(err.details) : undefined,
  }
  if (err.maybeDelivered) {
    return {
      ok: false,
      retryable: false,
      requestSummary,
      ...response,
      errorClass: WHATSAPP_ERROR_CLASS.uncertainDelivery,
      errorMessage: `${err.message} The message may have been delivered, so it is not sent again automatically; check the chat before sending it again.`,
    }
  }
  const transient = ['unavailable', 'network', 'timeout', 'upstream', 'aborted'].includes(err.kind)
  return {
    ok: false,
    retryable: transient,
    requestSummary,
    ...response,
    errorClass: transient ? WHATSAPP_ERROR_CLASS.unavailable : WHATSAPP_ERROR_CLASS.rejected,
    errorMessage: err.message,
  }
}

async function send(
  service: WhatsAppService,
  params: WhatsAppParams,
  ctx: ExecutionContext,
): Promise<ActionResult> {
  const deadline = Date.now() + ctx.timeoutMs
  const requestSummary = {
    instance: service.instance,
    to: params.to,
    message_chars: params.message.length,
  }
  const holder = `${ctx.jobId}@${ctx.occurrenceAt}`
  let reservation: ReserveResult
  try {
    reservation = await service.limiter.reserve({ holder })
  } catch (err) {
    ctx.log.warn({ err: { message: (err as Error).message } }, 'WhatsApp slot reservation failed')
    return {
      ok: false,
      requestSummary,
      errorClass: ERROR_CLASS.internal,
      errorMessage: 'Could not reserve a WhatsApp send slot (database error); nothing was sent.',
    }
  }
  if (reservation.kind !== 'reserved') throw new Error('a held reservation is always granted')
  const budgetMs = inlineWaitBudgetMs(ctx.timeoutMs, service.settings.requestTimeoutMs)
  if (reservation.waitMs > budgetMs) return deferred(reservation, budgetMs, requestSummary, service)
  try {
    if (reservation.waitMs > 0) await sleep(reservation.waitMs, undefined, { signal: ctx.signal })
  } catch {
    // Shutdown while waiting: nothing was sent; the retry finds the slot it still holds.
    return {
      ok: false,
      requestSummary,
      errorClass: ERROR_CLASS.shutdown,
      errorMessage:
        'The server shut down while the message waited for its send slot; nothing was sent.',
    }
  }
  try {
    await service.limiter.markUsed(reservation.id)
  } catch {
    return {
      ok: false,
      requestSummary,
      errorClass: ERROR_CLASS.internal,
      errorMessage:
        'Could not mark the WhatsApp send slot as used (database error); nothing was sent.',
    }
  }
  const timeoutMs = Math.min(
    service.settings.requestTimeoutMs,
    deadline - Date.now() - typingDelayMs(params.message) - SEND_MARGIN_MS,
  )
  try {
    const sent = await service.client.sendText(params.to, params.message, {
      signal: ctx.signal,
      timeoutMs: Math.max(1_000, timeoutMs),
    })
    return {
      ok: true,
      requestSummary: { ...requestSummary, api_version: sent.apiVersion },
      responseStatus: sent.httpStatus,
      output: { message_id: sent.messageId, status: sent.status, remote_jid: sent.remoteJid },
    }
  } catch (err) {
    if (!(err instanceof EvolutionError && err.maybeDelivered)) {
      await service.limiter.release(reservation.id).catch(() => {})
    }
    return failed(err, requestSummary)
  }
}

export function createWhatsAppAction(service: WhatsAppService): WhatsAppActionDefinition {
  return {
    kind: WHATSAPP_KIND,
    service,
    tool: {
      path: '/jobs/whatsapp',
      operationId: 'scheduleWhatsAppMessage',
      summary: 'Schedule a WhatsApp message',
      description:
        'Schedules a WhatsApp text message to a phone number: once (run_at or delay), repeatedly (every), or on a cron. Give exactly one of run_at, delay, every, cron. The number is checked first: 422 if it is not on WhatsApp. Messages are spaced out to protect the sending number, so one may go out a little after its time when many are due together. Returns the job, the next run times and a sentence to tell the user. Safe to retry. 424 means the WhatsApp gateway is unavailable: temporary, try again later.',
    },
    fields: flatShape(fieldSpecs),
    toolFields: mcpShape(fieldSpecs),
    requiredFields: ['to', 'message'],
    // One Evolution request plus as long again waiting for a send slot (the inline wait budget).
    defaultTimeoutSeconds: Math.ceil((2 * service.settings.requestTimeoutMs) / 1000),
    async prepare(input) {
      const message = parseMessageText(input.message)
      const to = await service.verifyRecipient(input.to)
      return { params: { to, message }, secrets: {} }
    },
    async prepareUpdate(input, current) {
      const given = (key: string) => input[key] !== undefined && input[key] !== null
      const message = given('message') ? parseMessageText(input.message) : current.params.message
      const to =
        given('to') && input.to !== current.params.to
          ? await service.verifyRecipient(input.to)
          : current.params.to
      return { params: { to, message }, secrets: {} }
    },
    describe: (params) => `WhatsApp message to ${displayNumber(params.to)}`,
    execute: ({ params }, ctx) => send(service, params, ctx),
  }
}
