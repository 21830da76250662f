/** X-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the webhook's secret. */
import { createHmac, timingSafeEqual } from 'node:crypto'

export function signBody(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')
}

/**
 * True when `signature` matches the body under any of `secrets`. Every secret is checked (no early
 * exit) and each comparison is constant-time over equal-length buffers.
 */
export function verifySignature(
  rawBody: string,
  signature: string | undefined | null,
  secrets: readonly string[],
): boolean {
  if (!signature) return false
  const given = Buffer.from(signature.trim().toLowerCase(), 'utf8')
  let matched = false
  for (const secret of secrets) {
    const expected = Buffer.from(signBody(secret, rawBody), 'utf8')
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true
  }
  return matched
}
