/**
 * Dashboard sessions: a named API key is exchanged for a random session token (only its hash is
 * stored), with a CSRF token and the viewer's time zone, an absolute and an idle expiry. Failed logins
 * are counted per client address in PostgreSQL, so every replica throttles the same guesser.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ApiKey } from '../../config.ts'
import type { Pool } from '../../db/pool.ts'
import { createApiKeyVerifier } from '../../http/auth.ts'
import { isValidTimezone } from '../../scheduler/timing/index.ts'
import type { Clock } from '../../time/clock.ts'
import * as store from './store.ts'

/** However active, a session ends this long after login. */
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000
/** A session unused this long ends. */
export const SESSION_IDLE_MS = 2 * 3_600_000
/** last_seen_at is written at most this often per session (not on every page view). */
const TOUCH_INTERVAL_MS = 60_000
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000
export const LOGIN_FAILURES_ALLOWED = 10
/** The key name of sessions opened while API_KEYS is empty (every tool is open then too). */
export const OPEN_MODE_KEY_NAME = 'anonymous'

export interface Session {
  keyName: string
  csrfToken: string
  timezone: string
  expiresAt: Date
}

export type LoginResult =
  | { ok: true; token: string; session: Session }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }

export interface SessionManagerDeps {
  pool: Pool
  keys: readonly ApiKey[]
  clock: Clock
  defaultTimezone: string
}

const sha256 = (text: string) => createHash('sha256').update(text).digest()

/** Ties a session to the key it was opened with: rotating or removing the key ends the session. */
const fingerprint = (key: string) =>
  sha256(`agent-tool-server dashboard session\0${key}`).toString('hex').slice(0, 32)

export function createSessionManager({ pool, keys, clock, defaultTimezone }: SessionManagerDeps) {
  const verifier = createApiKeyVerifier(keys)
  const fingerprints = new Map(keys.map((k) => [k.name, fingerprint(k.key)]))
  const open = keys.length === 0

  function currentFingerprint(keyName: string): string | undefined {
    return open ? (keyName === OPEN_MODE_KEY_NAME ? 'open' : undefined) : fingerprints.get(keyName)
  }

  async function login(
    presented: string,
    timezone: string | undefined,
    client: string,
  ): Promise<LoginResult> {
    const now = clock.now()
    const windowStart = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS)
    const failures = await store.countLoginFailures(pool, client, windowStart)
    if (failures.count >= LOGIN_FAILURES_ALLOWED) {
      const liftsAt = (failures.oldest?.getTime() ?? now.getTime()) + LOGIN_FAILURE_WINDOW_MS
      return {
        ok: false,
        reason: 'throttled',
        retryAfterSeconds: Math.max(1, Math.ceil((liftsAt - now.getTime()) / 1000)),
      }
    }
    const keyName = open ? OPEN_MODE_KEY_NAME : verifier.verify(presented.trim())
    const keyFingerprint = keyName ? currentFingerprint(keyName) : undefined
    if (!keyName || !keyFingerprint) {
      await store.insertLoginFailure(pool, client, now)
      return { ok: false, reason: 'invalid' }
    }
    await store.pruneLoginFailures(pool, windowStart)
    await store.deleteDeadSessions(pool, now, new Date(now.getTime() - SESSION_IDLE_MS))
    const token = randomBytes(32).toString('base64url')
    const session: Session = {
      keyName,
      csrfToken: randomBytes(32).toString('base64url'),
      timezone: timezone && isValidTimezone(timezone) ? timezone : defaultTimezone,
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    }
    await store.insertSession(pool, {
      ...session,
      tokenHash: sha256(token),
      keyFingerprint,
      createdAt: now,
      lastSeenAt: now,
    })
    return { ok: true, token, session }
  }

  /** The live session of this cookie token, or null (unknown, expired, idle, or its key changed). */
  async function resolve(token: string): Promise<Session | null> {
    const now = clock.now()
    const tokenHash = sha256(token)
    const found = await store.findLiveSession(
      pool,
      tokenHash,
      now,
      new Date(now.getTime() - SESSION_IDLE_MS),
    )
    if (!found || found.keyFingerprint !== currentFingerprint(found.keyName)) return null
    if (now.getTime() - found.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await store.touchSession(pool, tokenHash, now)
    }
    return {
      keyName: found.keyName,
      csrfToken: found.csrfToken,
      timezone: found.timezone,
      expiresAt: found.expiresAt,
    }
  }

  async function logout(token: string): Promise<void> {
    await store.deleteSession(pool, sha256(token))
  }

  return { login, resolve, logout, open }
}

export type SessionManager = ReturnType<typeof createSessionManager>

/** Constant-time comparison of a presented CSRF token with the session's. */
export function isCsrfTokenValid(expected: string, presented: string | undefined): boolean {
  if (!presented) return false
  const a = sha256(expected)
  const b = sha256(presented)
  return timingSafeEqual(a, b)
}
