/** Builds routers that share the app's validation hook, and marks tool routes as API-key protected. */
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi'
import { findUnstorableText } from '../db/storable-text.ts'
import { unstorableTextProblem } from '../problem-error.ts'
import type { AppEnv } from './app-env.ts'
import { requireApiKey } from './auth.ts'
import { zodToProblem } from './problem-response.ts'

export const BEARER_SCHEME = 'bearerAuth'

/**
 * Every router uses this, so every validated input (JSON body, query, path, headers) passes the same
 * two checks: a zod failure becomes the 422 problem, and so does text PostgreSQL cannot store (a NUL,
 * a lone UTF-16 surrogate) anywhere in what validation let through. Refusing it here, naming the
 * field, is one rule for every route instead of a 500 from whichever statement meets it first.
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw zodToProblem(result.error, result.target)
      const path = findUnstorableText(result.data)
      if (path) throw unstorableTextProblem(path.length > 0 ? path.join('.') : result.target)
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
