/**
 * The OpenAPI face of the tool registry: one API-key protected route per tool, documented in
 * /openapi.json for Dify's importer. A route validates the tool's flat request (its defaultHook
 * gives the 422s and the edge text check), hands the handler the merged input and answers its
 * output as JSON.
 */
import type { OpenAPIHono, RouteConfig, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Metrics } from '../metrics.ts'
import { ignoredFieldsOf } from '../tools/ignored-fields.ts'
import type { ToolRegistry } from '../tools/index.ts'
import { observeToolCall } from '../tools/observe.ts'
import type { AnyTool, HttpParts } from '../tools/types.ts'
import type { AppEnv } from './app-env.ts'
import { createRouter, protectedRoute } from './router.ts'

/** The names a tool's JSON body declares, or null when it takes no body. */
function bodyFieldNames(tool: AnyTool): string[] | null {
  const media = tool.http.request?.body?.content['application/json'] as
    | { schema?: z.ZodObject }
    | undefined
  return media?.schema ? Object.keys(media.schema.shape) : null
}

type ValidatedContext = Context<AppEnv> & {
  req: { valid(target: 'param' | 'query' | 'json'): Record<string, unknown> | undefined }
}

function mountTool(router: OpenAPIHono<AppEnv>, tool: AnyTool, metrics: Metrics) {
  const { http } = tool
  const route = protectedRoute({
    method: http.method,
    path: http.path,
    operationId: tool.name,
    summary: tool.title,
    description: tool.description,
    ...(http.request ? { request: http.request } : {}),
    responses: http.responses,
  })
  const bodyFields = bodyFieldNames(tool)
  // Tools whose answer carries warnings also name the body fields they ignored (ignored-fields.ts).
  const namesIgnoredFields = bodyFields !== null && 'warnings' in tool.output.shape
  router.openapi(
    route as RouteConfig,
    (async (c: ValidatedContext) => {
      const parts: HttpParts = {
        params: c.req.valid('param'),
        query: c.req.valid('query'),
        body: c.req.valid('json'),
      }
      const input = http.toInput
        ? http.toInput(parts)
        : { ...parts.params, ...parts.query, ...parts.body }
      const ctx = {
        actor: { name: c.get('apiKeyName') ?? 'anonymous', via: 'api' as const },
        log: c.get('log'),
      }
      const output = await observeToolCall(metrics, { tool: tool.name, face: 'api' }, () =>
        tool.handler(input, ctx),
      )
      // Dify's squid proxy caches like any HTTP cache (dify-tools.md §6.2).
      if (http.method === 'get') c.header('Cache-Control', 'no-store')
      const answer =
        namesIgnoredFields && bodyFields
          ? {
              ...output,
              warnings: [
                ...(await ignoredFieldsOf(c, bodyFields)),
                ...((output.warnings as string[] | undefined) ?? []),
              ],
            }
          : output
      return c.json(answer, http.status?.(output) ?? 200)
    }) as never,
  )
}

/** Every tool of the registry as a route, on a router of its own (the tools document's). */
export function createToolRoutes(tools: ToolRegistry, metrics: Metrics): OpenAPIHono<AppEnv> {
  const router = createRouter()
  for (const tool of tools.all()) mountTool(router, tool, metrics)
  return router
}
