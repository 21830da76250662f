/**
 * The Hono environment shared by every router: what middleware puts on the context. It imports
 * nothing from the middleware that fills it, so middleware can import it without a circle.
 */
import type { Logger } from '../logger.ts'
import type { Clock } from '../time/clock.ts'

/** Checks a presented API key (auth.ts builds it from API_KEYS). */
export interface ApiKeyVerifier {
  /** True when no key is configured: every tool is open (start-up warns loudly). */
  readonly open: boolean
  /** The matching key's name, or null. */
  verify(presented: string): string | null
}

export interface AppVariables {
  requestId: string
  /** A child logger bound to this request's id. */
  log: Logger
  clock: Clock
  apiKeys: ApiKeyVerifier
  /** The name of the API key that authenticated this request (never the key). */
  apiKeyName: string | undefined
}

export interface AppEnv {
  Variables: AppVariables
}
