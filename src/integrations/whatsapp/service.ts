/**
 * WhatsApp through Evolution, as the tools and the scheduled action use it: check a number, verify a
 * recipient before a job is stored, and send now under the shared limiter.
 */
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../../logger.ts'
import { conflictProblem } from '../../problem-error.ts'
import { type EvolutionClient, EvolutionError } from '../evolution/index.ts'
import type { WhatsAppLimiter } from './limiter.ts'
import { parseMessageText } from './message.ts'
import { displayNumber, normalisePhoneNumber } from './phone.ts'
import { notOnWhatsAppProblem, problemFromEvolution, rateLimitedProblem } from './problems.ts'

export interface WhatsAppSettings {
  /** Timeout of one Evolution request (without the typing delay). */
  requestTimeoutMs: number
  /** A direct send waits this long for its slot at most; further away → 422 with the time. */
  directMaxWaitMs: number
  /** An identical direct send from the same API key within this window is not sent again. */
  dedupeWindowMs: number
}

export interface WhatsAppServiceDeps {
  client: EvolutionClient
  limiter: WhatsAppLimiter
  logger: Logger
  settings: WhatsAppSettings
}

export interface NumberStatus {
  /** Digits only, with country code. */
  number: string
  exists: boolean
}

export interface DirectSendResult {
  message_id: string | null
  /** `sent`: accepted by the WhatsApp gateway; `already_sent`: an identical earlier request was. */
  status: 'sent' | 'already_sent'
  to: string
}

export interface WhatsAppService {
  readonly instance: string
  readonly client: EvolutionClient
  readonly limiter: WhatsAppLimiter
  readonly settings: WhatsAppSettings
  /** Is this number on WhatsApp? 422 on a malformed number, 424 when Evolution fails. */
  checkNumber(raw: unknown): Promise<NumberStatus>
  /** Normalises `to` and checks it is on WhatsApp (422 if not) before a job is stored. */
  verifyRecipient(raw: unknown, field?: string): Promise<string>
  /** Sends now under the limiter; idempotent per (requestedBy, to, message) within the window. */
  sendNow(input: { to: unknown; message: unknown; requestedBy: string }): Promise<DirectSendResult>
}

function requestHash(requestedBy: string, to: string, text: string): string {
  return createHash('sha256')
    .update(JSON.stringify([requestedBy, to, text]))
    .digest('hex')
}

export function createWhatsAppService(deps: WhatsAppServiceDeps): WhatsAppService {
  const { client, limiter, settings } = deps
  const log = deps.logger

  async function lookUp(number: string, operation: 'check' | 'schedule', field: string) {
    try {
      return await client.checkNumber(number)
    } catch (err) {
      if (!(err instanceof EvolutionError)) throw err
      log.warn({ kind: err.kind, status: err.status, operation }, 'WhatsApp number check failed')
      throw problemFromEvolution(err, operation, field, number)
    }
  }

  return {
    instance: client.instance,
    client,
    limiter,
    settings,
    async checkNumber(raw) {
      const number = normalisePhoneNumber(raw, 'number')
      const result = await lookUp(number, 'check', 'number')
      return { number, exists: result.exists }
    },
    async verifyRecipient(raw, field = 'to') {
      const number = normalisePhoneNumber(raw, field)
      const result = await lookUp(number, 'schedule', field)
      if (!result.exists) throw notOnWhatsAppProblem(field, number)
      return number
    },
    async sendNow({ to: rawTo, message, requestedBy }) {
      const to = normalisePhoneNumber(rawTo, 'to')
      const text = parseMessageText(message, 'message')
      const reservation = await limiter.reserve({
        maxWaitMs: settings.directMaxWaitMs,
        requestHash: requestHash(requestedBy, to, text),
        dedupeWindowMs: settings.dedupeWindowMs,
      })
      if (reservation.kind === 'duplicate') {
        const { earlier } = reservation
        if (earlier.outcome === 'sent') {
          return { message_id: earlier.messageId, status: 'already_sent', to }
        }
        throw conflictProblem(
          earlier.outcome === 'sending'
            ? `The same message to ${displayNumber(to)} is being sent right now. Do not send it again.`
            : `The same message to ${displayNumber(to)} was sent at ${earlier.slotAt.toISOString()} but its delivery is uncertain. Do not send it again unless the user says it did not arrive.`,
        )
      }
      if (reservation.kind === 'too_far') {
        throw rateLimitedProblem(
          reservation.slotAt,
          reservation.waitMs,
          reservation.reason,
          limiter.limits,
        )
      }
      if (reservation.waitMs > 0) await sleep(reservation.waitMs)
      try {
        const sent = await client.sendText(to, text)
        await limiter
          .recordDirectOutcome(reservation.id, 'sent', sent.messageId)
          .catch((err) => log.error({ err }, 'could not record a sent WhatsApp message'))
        return { message_id: sent.messageId, status: 'sent', to }
      } catch (err) {
        if (err instanceof EvolutionError && err.maybeDelivered) {
          await limiter
            .recordDirectOutcome(reservation.id, 'uncertain', null)
            .catch((e) => log.error({ err: e }, 'could not record an uncertain WhatsApp send'))
        } else {
          await limiter.release(reservation.id).catch(() => {})
        }
        if (!(err instanceof EvolutionError)) throw err
        log.warn(
          { kind: err.kind, status: err.status, maybe_delivered: err.maybeDelivered },
          'direct WhatsApp send failed',
        )
        throw problemFromEvolution(err, 'send', 'to', to)
      }
    },
  }
}
