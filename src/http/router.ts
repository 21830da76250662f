/** Builds routers that share the app's validation hook, and marks tool routes as API-key protected. */
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi'
import type { AppEnv } from './app-env.ts'
import { requireApiKey } from './auth.ts'
import { zodToProblem } from './problem-response.ts'

export const BEARER_SCHEME = 'bearerAuth'

/** Every router uses this so a zod failure anywhere becomes the same 422 problem. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw zodToProblem(result.error, result.target)
    },
  })
}

/**
 * A route that needs `Authorization: Bearer <key>`: declares the security requirement in the
 * document and runs the key check before validation, so a keyless caller learns nothing else.
 */
export function protectedRoute<const R extends Omit<RouteConfig, 'security' | 'middleware'>>(
  config: R,
) {
  return createRoute({
    ...config,
    security: [{ [BEARER_SCHEME]: [] }],
    middleware: [requireApiKey] as const,
  })
}
