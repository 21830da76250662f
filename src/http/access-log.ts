/** One JSON log line and one metrics sample per request, labelled by route template (not raw path). */
import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { Metrics } from '../metrics.ts'
import type { AppEnv } from './app-env.ts'

/** The template of the handler that answered, e.g. `/jobs/:job_id`; `unmatched` for 404s, to bound label cardinality. */
function routeTemplate(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  // Global middleware is registered for method ALL; the endpoint itself has a concrete method.
  const endpoint = matchedRoutes(c).findLast((route) => route.method !== 'ALL')
  return endpoint?.path ?? 'unmatched'
}

export function accessLog({ metrics }: { metrics: Metrics }): MiddlewareHandler<AppEnv> {
  return async function accessLogMiddleware(c, next) {
    const started = performance.now()
    try {
      await next()
    } finally {
      const durationMs = performance.now() - started
      const route = routeTemplate(c)
      const status = String(c.res.status)
      const labels = { method: c.req.method, route, status }
      metrics.httpRequests.inc(labels)
      metrics.httpDuration.observe(labels, durationMs / 1000)
      const level = c.res.status >= 500 ? 'error' : 'info'
      c.get('log')[level](
        {
          method: c.req.method,
          route,
          path: c.req.path,
          status: c.res.status,
          duration_ms: Math.round(durationMs * 10) / 10,
          api_key_name: c.get('apiKeyName'),
        },
        'request',
      )
    }
  }
}
