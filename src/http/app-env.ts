/** The Hono environment shared by every router: what middleware puts on the context. */
import type { Logger } from '../logger.ts'
import type { Clock } from '../time/clock.ts'
import type { ApiKeyVerifier } from './auth.ts'

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
