/** All SQL for the dashboard's sessions (ui_sessions) and failed-login throttling (ui_login_failures). */
import type { Queryable } from '../../db/pool.ts'

export interface SessionRecord {
  tokenHash: Buffer
  keyName: string
  keyFingerprint: string
  csrfToken: string
  timezone: string
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
}

export async function insertSession(db: Queryable, session: SessionRecord): Promise<void> {
  await db.query(
    `insert into ui_sessions (token_hash, key_name, key_fingerprint, csrf_token, timezone, created_at,
       last_seen_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      session.tokenHash,
      session.keyName,
      session.keyFingerprint,
      session.csrfToken,
      session.timezone,
      session.createdAt,
      session.lastSeenAt,
      session.expiresAt,
    ],
  )
}

/** The session if it is neither past its absolute expiry nor idle since `idleSince`; else null. */
export async function findLiveSession(
  db: Queryable,
  tokenHash: Buffer,
  now: Date,
  idleSince: Date,
): Promise<SessionRecord | null> {
  const result = await db.query(
    `select token_hash, key_name, key_fingerprint, csrf_token, timezone, created_at, last_seen_at,
       expires_at
     from ui_sessions where token_hash = $1 and expires_at > $2 and last_seen_at > $3`,
    [tokenHash, now, idleSince],
  )
  const row = result.rows[0]
  return row
    ? {
        tokenHash: row.token_hash,
        keyName: row.key_name,
        keyFingerprint: row.key_fingerprint,
        csrfToken: row.csrf_token,
        timezone: row.timezone,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
      }
    : null
}

export async function touchSession(db: Queryable, tokenHash: Buffer, now: Date): Promise<void> {
  await db.query('update ui_sessions set last_seen_at = $2 where token_hash = $1', [tokenHash, now])
}

export async function deleteSession(db: Queryable, tokenHash: Buffer): Promise<void> {
  await db.query('delete from ui_sessions where token_hash = $1', [tokenHash])
}

/** Removes sessions past their absolute expiry or idle since `idleSince`. */
export async function deleteDeadSessions(db: Queryable, now: Date, idleSince: Date): Promise<void> {
  await db.query('delete from ui_sessions where expires_at <= $1 or last_seen_at <= $2', [
    now,
    idleSince,
  ])
}

export async function insertLoginFailure(db: Queryable, client: string, at: Date): Promise<void> {
  await db.query('insert into ui_login_failures (client, failed_at) values ($1, $2)', [client, at])
}

/** Failures of this client since `since`, and the oldest of them (when the throttle lifts). */
export async function countLoginFailures(
  db: Queryable,
  client: string,
  since: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const result = await db.query<{ count: number; oldest: Date | null }>(
    `select count(*)::int as count, min(failed_at) as oldest from ui_login_failures
     where client = $1 and failed_at > $2`,
    [client, since],
  )
  return { count: result.rows[0]?.count ?? 0, oldest: result.rows[0]?.oldest ?? null }
}

export async function pruneLoginFailures(db: Queryable, before: Date): Promise<void> {
  await db.query('delete from ui_login_failures where failed_at <= $1', [before])
}
