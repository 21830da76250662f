/**
 * The people's dashboard at /ui: server-rendered pages (hono/jsx), plain forms that work without
 * JavaScript, enhanced by htmx. Sessions live in PostgreSQL; every change goes through the same
 * service functions the tools use and is recorded under the viewer's key name, through `ui`.
 */
import type { Context } from 'hono'
import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ProblemError } from '../problem-error.ts'
import type { DashboardDeps, UiContext } from './context.ts'
import type { UiEnv } from './env.ts'
import { ErrorCard, type ErrorInfo, ErrorPage } from './pages/error.tsx'
import { isHtmx, renderFragment, renderPage } from './render.ts'
import { createAuthRoutes } from './routes/auth.tsx'
import { createClickUpRoutes } from './routes/clickup.tsx'
import { createJobRoutes } from './routes/jobs.tsx'
import { createOverviewRoutes } from './routes/overview.tsx'
import {
  CsrfRefusal,
  cookieSettings,
  requireCsrfToken,
  requireSession,
} from './session/middleware.ts'
import { createSessionManager } from './session/sessions.ts'
import { createStaticAssets } from './static.ts'
import { refuseUnstorableInput } from './storable-input.ts'

export type { DashboardDeps } from './context.ts'

/** CSP: our own files only, no inline script or style, never framed. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
}

function errorInfo(err: unknown, c: Context<UiEnv>): ErrorInfo {
  if (err instanceof CsrfRefusal || (err instanceof HTTPException && err.status === 403)) {
    return {
      status: 403,
      title: 'Request refused',
      detail:
        'This change did not come from a page of this dashboard in your current session (a form from another site, or a page opened before you last logged in). Nothing was changed. Reload the page and try again.',
    }
  }
  if (err instanceof ProblemError) {
    return { status: err.status, title: err.title, detail: err.detail }
  }
  if (err instanceof HTTPException && err.status < 500) {
    return { status: err.status, title: 'Request refused', detail: err.message || 'Bad request.' }
  }
  c.get('log').error({ err }, 'dashboard error')
  return {
    status: 500,
    title: 'Something went wrong',
    detail: 'The server could not show this page. Try again in a moment.',
    requestId: c.get('requestId'),
  }
}

export function createDashboard(deps: DashboardDeps) {
  const ui: UiContext = {
    ...deps,
    assets: createStaticAssets(),
    cookie: cookieSettings(deps.publicUrl),
    sessions: createSessionManager({
      pool: deps.pool,
      keys: deps.keys,
      clock: deps.clock,
      defaultTimezone: deps.defaultTimezone,
    }),
  }
  const publicOrigin = new URL(deps.publicUrl).origin
  const app = new Hono<UiEnv>()

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
    }),
  )
  // Cross-site form posts are refused by Origin / Sec-Fetch-Site before anything else runs; the
  // synchronizer token (requireCsrfToken) is the second layer. PUBLIC_URL's origin is accepted too,
  // for a proxy that changes the Host header.
  app.use(
    '*',
    csrf({
      origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin,
    }),
  )
  app.use('*', refuseUnstorableInput)
  app.route('/static', ui.assets.routes)
  app.route('/', createAuthRoutes(ui))
  app.use('*', requireSession(ui.sessions, ui.cookie))
  app.use('*', requireCsrfToken)
  app.route('/', createOverviewRoutes(ui))
  app.route('/', createJobRoutes(ui))
  app.route('/', createClickUpRoutes(ui))
  app.all('*', (c) => {
    // /ui/ (with the slash) is the overview too.
    if (c.req.path === '/ui/' && c.req.method === 'GET') return c.redirect('/ui', 301)
    throw new ProblemError({
      status: 404,
      type: 'not-found',
      title: 'Page not found',
      detail: 'There is no such page in the dashboard. The jobs are at /ui/jobs.',
    })
  })

  app.onError((err, c) => {
    const info = errorInfo(err, c)
    const session = c.get('session') ?? null
    const status = info.status as ContentfulStatusCode
    if (isHtmx(c)) {
      // The requested swap target may not fit an error: show it in place of the page's content.
      c.header('HX-Retarget', '#main')
      c.header('HX-Reswap', 'innerHTML')
      return renderFragment(c, <ErrorCard {...info} session={session} />, status)
    }
    return renderPage(c, <ErrorPage {...info} assets={ui.assets} session={session} />, status)
  })
  return app
}
