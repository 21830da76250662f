/** Logging in (a named API key for a session) and out. */
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { Hono } from 'hono'
import type { UiContext } from '../context.ts'
import type { UiEnv } from '../env.ts'
import { LoginPage } from '../pages/login.tsx'
import { renderPage } from '../render.ts'
import {
  clearSessionCookie,
  readSessionToken,
  requireCsrfToken,
  requireSession,
  setSessionCookie,
} from '../session/middleware.ts'

/** Only paths of this dashboard: `next` must never send a fresh session to another site. */
export function safeNext(value: unknown): string {
  const text = typeof value === 'string' ? value : ''
  return /^\/ui(\/[^\\]*)?$/.test(text) && !text.startsWith('//') && !/[\r\n]/.test(text)
    ? text
    : '/ui'
}

/**
 * The socket's address. X-Forwarded-For is not trusted (anyone can send it); behind a proxy every
 * login then shares the proxy's address, which throttles more, never less.
 */
function clientAddress(c: Context<UiEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

export function createAuthRoutes(ui: UiContext) {
  const login = (c: Context<UiEnv>, status: 200 | 401 | 429, extra: { error?: string } = {}) =>
    renderPage(
      c,
      <LoginPage
        assets={ui.assets}
        next={safeNext(c.req.query('next'))}
        defaultTimezone={ui.defaultTimezone}
        open={ui.sessions.open}
        notice={c.req.query('bye') ? 'You are logged out.' : null}
        {...extra}
      />,
      status,
    )

  return new Hono<UiEnv>()
    .get('/login', async (c) => {
      const token = readSessionToken(c, ui.cookie)
      if (token && (await ui.sessions.resolve(token))) {
        return c.redirect(safeNext(c.req.query('next')), 303)
      }
      return login(c, 200)
    })
    .post('/login', async (c) => {
      const form = await c.req.parseBody()
      const key = typeof form.key === 'string' ? form.key : ''
      const timezone = typeof form.tz === 'string' ? form.tz.trim() : ''
      const next = safeNext(form.next)
      const client = clientAddress(c)
      const result = await ui.sessions.login(key, timezone || undefined, client)
      if (result.ok) {
        setSessionCookie(c, ui.cookie, result.token, result.session)
        c.get('log').info({ api_key_name: result.session.keyName }, 'dashboard login')
        return c.redirect(next, 303)
      }
      if (result.reason === 'throttled') {
        c.header('Retry-After', String(result.retryAfterSeconds))
        c.get('log').warn({ client }, 'dashboard login throttled')
        return login(c, 429, {
          error: `Too many failed logins from your address. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minute(s).`,
        })
      }
      c.get('log').warn({ client }, 'dashboard login with an invalid API key')
      return login(c, 401, {
        error:
          'That API key is not valid. Use your own entry of API_KEYS (the part after "name:").',
      })
    })
    .post('/logout', requireSession(ui.sessions, ui.cookie), requireCsrfToken, async (c) => {
      const token = readSessionToken(c, ui.cookie)
      if (token) await ui.sessions.logout(token)
      clearSessionCookie(c, ui.cookie)
      return c.redirect('/ui/login?bye=1', 303)
    })
}
