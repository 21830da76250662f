/**
 * Tells "the database cannot be reached right now" apart from every other failure, so the HTTP layer
 * can answer 503 with Retry-After (temporary, try again) instead of a 500 (a bug).
 */

/**
 * SQLSTATEs that mean the server is unreachable, going away or out of connections (PostgreSQL
 * Appendix A): class 08 connection exception, 57P01–57P03 shutdown / crash recovery / not yet
 * accepting, 53300 too many connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300'])
/** What node-postgres and Node's sockets report when the connection cannot be made or is cut. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
])
/** node-postgres raises these as plain Errors without a code. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Connection terminated due to connection timeout',
]

/** Seconds a caller is told to wait before trying again while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

function matchesOne(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || SOCKET_CODES.has(code)) {
      return true
    }
  }
  return PG_CONNECTION_MESSAGES.some((message) => err.message.startsWith(message))
}

/**
 * True when `err` (or an error it wraps: `cause`, an AggregateError's `errors`) says the database
 * is unreachable. Outside calls (Dify, Evolution, ClickUp, webhooks) wrap their socket errors in
 * their own error types before they can reach the HTTP layer, so a bare socket error here is the
 * database's.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (depth > 5 || !(err instanceof Error)) return false
  if (matchesOne(err)) return true
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1)))
    return true
  return isDatabaseUnavailable((err as { cause?: unknown }).cause, depth + 1)
}
