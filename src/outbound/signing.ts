/**
 * Signing outgoing deliveries the Standard Webhooks way (spec/standard-webhooks.md, "Signature
 * scheme" and "Webhook headers"): `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64 part of
 * a `whsec_` secret.
 */
import { createHash, createHmac } from 'node:crypto'

const SECRET_PREFIX = 'whsec_'
/** The spec asks for at least 24 random bytes; more than 64 is a pasted mistake, not a key. */
const MIN_SECRET_BYTES = 24
const MAX_SECRET_BYTES = 64
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

export const SIGNATURE_HEADERS = Object.freeze({
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const)

/**
 * `whsec_…` secrets (comma- or space-separated) → their keys, in the order given. Throws a message
 * naming the entry by position, never repeating it (it is a secret).
 */
export function parseSigningSecrets(raw: string | undefined): Buffer[] {
  const entries = (raw ?? '').split(/[\s,]+/).filter(Boolean)
  return entries.map((entry, index) => {
    const at = `entry ${index + 1}`
    if (!entry.startsWith(SECRET_PREFIX)) {
      throw new Error(
        `${at} does not start with whsec_; generate one with: echo "whsec_$(openssl rand -base64 32)"`,
      )
    }
    const text = entry.slice(SECRET_PREFIX.length)
    const key = Buffer.from(text, 'base64')
    if (!BASE64.test(text) || key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
      throw new Error(
        `${at} is not whsec_ followed by the base64 of ${MIN_SECRET_BYTES}–${MAX_SECRET_BYTES} random bytes; generate one with: echo "whsec_$(openssl rand -base64 32)"`,
      )
    }
    return key
  })
}

export interface WebhookSigner {
  /**
   * The three headers for one attempt. Every configured key signs, the first listed first: the
   * spec's zero-downtime rotation sends the current and the previous signature side by side, and a
   * receiver accepts the delivery if any one of them verifies.
   */
  headers(messageId: string, body: string, timestampSeconds?: number): Record<string, string>
}

/**
 * A signer for these keys. Without keys, deliveries still carry `webhook-id` and
 * `webhook-timestamp` (receivers can deduplicate on the id) but no `webhook-signature`.
 */
export function createWebhookSigner(keys: readonly Buffer[]): WebhookSigner & { signs: boolean } {
  return {
    signs: keys.length > 0,
    headers(messageId, body, timestampSeconds = Math.floor(Date.now() / 1000)) {
      const headers: Record<string, string> = {
        [SIGNATURE_HEADERS.id]: messageId,
        [SIGNATURE_HEADERS.timestamp]: String(timestampSeconds),
      }
      if (keys.length === 0) return headers
      const content = `${messageId}.${timestampSeconds}.${body}`
      headers[SIGNATURE_HEADERS.signature] = keys
        .map((key) => `v1,${createHmac('sha256', key).update(content).digest('base64')}`)
        .join(' ')
      return headers
    },
  }
}

/**
 * The `webhook-id` of a message. The spec wants it unique per event and "the same no matter how
 * many times a webhook that has failed is retried", so it is derived from what the message is about
 * (e.g. a job's occurrence), not from one attempt: retries, deferred re-runs and replays of the same
 * occurrence all carry the same id, and receivers can use it as their idempotency key. No dots (the
 * signed content is dot-delimited).
 */
export function webhookMessageId(...parts: readonly (string | number | boolean)[]): string {
  return `msg_${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32)}`
}
