/** Accepts a caller's X-Request-Id when it is safe to echo, otherwise makes one; echoes it on every response. */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../logger.ts'
import type { AppEnv } from './app-env.ts'

export const REQUEST_ID_HEADER = 'X-Request-Id'
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export interface RequestIdOptions {
  logger: Logger
  generate?: () => string
}

export function requestId({
  logger,
  generate = randomUUID,
}: RequestIdOptions): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER)
    // A caller-chosen id ends up in logs and headers, so only plain tokens are trusted.
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : generate()
    c.set('requestId', id)
    c.set('log', logger.child({ req_id: id }))
    c.header(REQUEST_ID_HEADER, id)
    await next()
    // Error and not-found responses are built after the first header call; set it again.
    c.res.headers.set(REQUEST_ID_HEADER, id)
  }
}
