/** Liveness, readiness and Prometheus metrics: the operations surface, outside the agent tool list. */
import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, protectedRoute } from '../http/router.ts'
import type { Metrics } from '../metrics.ts'

/** One named thing the server needs to do its work (database, migrations, workers). Throws when it is not ready. */
export interface ReadinessCheck {
  name: string
  check(): Promise<void>
}

export interface HealthRoutesDeps {
  readiness: readonly ReadinessCheck[]
  metrics: Metrics
  metricsRequireAuth: boolean
}

export const READINESS_TIMEOUT_MS = 2_000

const CheckResult = z.object({ ok: z.boolean(), error: z.string().optional() })
const ReadyBody = z
  .object({
    status: z.string().openapi({ description: 'ready or not_ready' }),
    checks: z.record(z.string(), CheckResult),
    now: z.string(),
  })
  .openapi('Readiness')

const healthzRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'healthz',
  description: 'Liveness: the process is up and answering.',
  responses: {
    200: {
      description: 'Alive',
      content: {
        'application/json': { schema: z.object({ status: z.string(), now: z.string() }) },
      },
    },
  },
})

const readyzRoute = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'readyz',
  description: 'Readiness: 200 when every dependency check passes, 503 naming the failing checks.',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadyBody } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: ReadyBody } } },
  },
})

const metricsConfig = {
  method: 'get',
  path: '/metrics',
  operationId: 'metrics',
  description: 'Prometheus metrics in the text exposition format.',
  responses: {
    200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
  },
} as const

async function runCheck(check: ReadinessCheck): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${READINESS_TIMEOUT_MS} ms`)),
          READINESS_TIMEOUT_MS,
        )
      }),
    ])
    return { ok: true }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  } finally {
    clearTimeout(timer)
  }
}

export function createHealthRoutes(deps: HealthRoutesDeps) {
  const metricsRoute = deps.metricsRequireAuth
    ? protectedRoute(metricsConfig)
    : createRoute(metricsConfig)
  return createRouter()
    .openapi(healthzRoute, (c) =>
      c.json({ status: 'ok', now: c.get('clock').now().toISOString() }, 200),
    )
    .openapi(readyzRoute, async (c) => {
      const results = await Promise.all(deps.readiness.map(runCheck))
      const checks = Object.fromEntries(
        deps.readiness.map((check, i) => [check.name, results[i] ?? { ok: false }]),
      )
      const ready = results.every((r) => r.ok)
      c.header('Cache-Control', 'no-store')
      const body = {
        status: ready ? 'ready' : 'not_ready',
        checks,
        now: c.get('clock').now().toISOString(),
      }
      return ready ? c.json(body, 200) : c.json(body, 503)
    })
    .openapi(metricsRoute, async (c) => {
      const text = await deps.metrics.registry.metrics()
      return c.text(text, 200, { 'Content-Type': deps.metrics.registry.contentType })
    })
}
