/**
 * The dashboard's guards: the session cookie (only ever read here, under /ui; the tool routes and
 * /mcp take bearer keys only) and the synchronizer token every state-changing request must carry.
 */
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { UiEnv } from '../env.ts'
import { isHtmx } from '../render.ts'
import { isCsrfTokenValid, type Session, type SessionManager } from './sessions.ts'

export const CSRF_FIELD = '_csrf'
export const CSRF_HEADER = 'X-CSRF-Token'

export interface CookieSettings {
  name: string
  path: string
  secure: boolean
}

/**
 * Over HTTPS the cookie is `__Host-` prefixed and Secure (bound to this host, path /); over plain
 * HTTP (a LAN address) it cannot be, so it is limited to /ui instead.
 */
export function cookieSettings(publicUrl: string): CookieSettings {
  const secure = publicUrl.startsWith('https://')
  return secure
    ? { name: '__Host-ats_session', path: '/', secure: true }
    : { name: 'ats_session', path: '/ui', secure: false }
}

export function setSessionCookie(
  c: Parameters<typeof setCookie>[0],
  settings: CookieSettings,
  token: string,
  session: Session,
) {
  setCookie(c, settings.name, token, {
    path: settings.path,
    secure: settings.secure,
    httpOnly: true,
    sameSite: 'Strict',
    expires: session.expiresAt,
  })
}

export function clearSessionCookie(
  c: Parameters<typeof deleteCookie>[0],
  settings: CookieSettings,
) {
  deleteCookie(c, settings.name, { path: settings.path, secure: settings.secure })
}

export function readSessionToken(
  c: Parameters<typeof getCookie>[0],
  settings: CookieSettings,
): string | undefined {
  const token = getCookie(c, settings.name)
  return token && token.length <= 100 ? token : undefined
}

/** Where to send a visitor to log in, coming back to `path` afterwards. */
export function loginUrl(path: string): string {
  return `/ui/login?next=${encodeURIComponent(path)}`
}

/** Puts the session on the context, or sends the visitor to the login page. */
export function requireSession(sessions: SessionManager, settings: CookieSettings) {
  return createMiddleware<UiEnv>(async function requireSession(c, next) {
    const token = readSessionToken(c, settings)
    const session = token ? await sessions.resolve(token) : null
    if (!session) {
      if (token) clearSessionCookie(c, settings)
      const target = loginUrl(
        c.req.method === 'GET' ? c.req.path + new URL(c.req.url).search : '/ui',
      )
      if (isHtmx(c)) {
        // htmx would swap a redirected login page into the target; it navigates instead.
        c.header('HX-Redirect', target)
        return c.body(null, 401)
      }
      return c.redirect(target, 303)
    }
    c.set('session', session)
    // The access log names who made the request, as it does for the tools.
    c.set('apiKeyName', session.keyName)
    return next()
  })
}

/**
 * Every POST behind the login must carry the session's synchronizer token, in the form field or
 * (for scripted requests) the X-CSRF-Token header. hono/csrf in front already refuses cross-site
 * form posts by Origin / Sec-Fetch-Site; this also stops a same-site page that is not ours.
 */
export const requireCsrfToken = createMiddleware<UiEnv>(async function requireCsrfToken(c, next) {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
  let presented = c.req.header(CSRF_HEADER)
  if (!presented) {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const field = form[CSRF_FIELD]
    presented = typeof field === 'string' ? field : undefined
  }
  if (!isCsrfTokenValid(c.get('session').csrfToken, presented)) {
    throw new CsrfRefusal()
  }
  return next()
})

/** A state-changing request without the session's token (a forged or stale form). */
export class CsrfRefusal extends Error {
  override name = 'CsrfRefusal'
  constructor() {
    super('The request did not carry this session’s form token.')
  }
}
