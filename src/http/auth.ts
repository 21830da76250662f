/** API-key auth: `Authorization: Bearer <key>`, compared in constant time against every configured key. */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { ApiKey } from '../config.ts'
import { ProblemError } from '../problem-error.ts'
import type { ApiKeyVerifier, AppEnv } from './app-env.ts'

const digest = (value: string) => createHash('sha256').update(value).digest()

export function createApiKeyVerifier(keys: readonly ApiKey[]): ApiKeyVerifier {
  // Comparing fixed-length digests keeps the comparison constant-time whatever the lengths are.
  const digests = keys.map((k) => ({ name: k.name, digest: digest(k.key) }))
  return {
    open: keys.length === 0,
    verify(presented) {
      const candidate = digest(presented)
      let match: string | null = null
      for (const entry of digests) {
        if (timingSafeEqual(candidate, entry.digest) && match === null) match = entry.name
      }
      return match
    },
  }
}

/** Puts the verifier on the context so route-level `requireApiKey` can stay a static value. */
export function provideApiKeys(verifier: ApiKeyVerifier): MiddlewareHandler<AppEnv> {
  return async function provideApiKeysMiddleware(c, next) {
    c.set('apiKeys', verifier)
    await next()
  }
}

function unauthorized(detail: string): ProblemError {
  return new ProblemError({
    status: 401,
    type: 'unauthorized',
    title: 'Missing or invalid API key',
    detail,
    extensions: {
      hint: 'Send the header "Authorization: Bearer <API key>". In Dify: Auth type API Key, header Authorization, prefix Bearer.',
    },
  })
}

/**
 * The key name an `Authorization` header proves, or why it proves none. Only this header counts: a
 * dashboard cookie never authenticates a tool call.
 */
export function checkAuthorization(
  verifier: ApiKeyVerifier,
  header: string | undefined,
): { name: string } | { refused: string } {
  if (verifier.open) return { name: 'anonymous' }
  if (!header) return { refused: 'This endpoint needs an API key and none was sent.' }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  if (!match?.[1]) {
    return {
      refused: 'The Authorization header must use the Bearer scheme: "Bearer <API key>".',
    }
  }
  const name = verifier.verify(match[1].trim())
  return name ? { name } : { refused: 'The API key is not valid.' }
}

/** Route-level guard for every agent tool and admin route. */
export const requireApiKey = createMiddleware<AppEnv>(async function requireApiKey(c, next) {
  const result = checkAuthorization(c.get('apiKeys'), c.req.header('Authorization'))
  if ('refused' in result) throw unauthorized(result.refused)
  c.set('apiKeyName', result.name)
  return next()
})
