/** createApp(deps): the whole HTTP surface, built without a port so tests can call it in process. */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context, Next } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ApiKey } from './config.ts'
import type { Pool } from './db/pool.ts'
import { accessLog } from './http/access-log.ts'
import type { ApiKeyVerifier, AppEnv } from './http/app-env.ts'
import { provideApiKeys } from './http/auth.ts'
import { mountDocs } from './http/docs.ts'
import {
  buildOpsDocument,
  buildToolsDocument,
  OPS_DOCUMENT_PATH,
  prepareDocuments,
  TOOLS_DOCUMENT_PATH,
} from './http/openapi.ts'
import { handleError, handleNotFound } from './http/problem-response.ts'
import { requestId } from './http/request-id.ts'
import { BEARER_SCHEME, createRouter } from './http/router.ts'
import { createToolRoutes } from './http/tool-routes.ts'
import type { ClickUpService } from './integrations/clickup/index.ts'
import type { DifyCatalog } from './integrations/dify/index.ts'
import type { WhatsAppService } from './integrations/whatsapp/index.ts'
import type { Logger } from './logger.ts'
import { documentMcp, mountMcp } from './mcp/endpoint.ts'
import type { Metrics } from './metrics.ts'
import { ProblemError } from './problem-error.ts'
import { createClickUpRoutes } from './routes/clickup.ts'
import { createHealthRoutes, type ReadinessCheck } from './routes/health.ts'
import type { ActionRegistry } from './scheduler/action-registry.ts'
import type { SchedulerService } from './scheduler/service/index.ts'
import type { Clock } from './time/clock.ts'
import { createToolRegistry, type ToolRegistry } from './tools/index.ts'
import { createDashboard } from './ui/index.tsx'

export const APP_VERSION = '0.1.0'

export interface AppDeps {
  config: {
    publicUrl: string
    defaultTimezone: string
    bodyLimitBytes: number
    metricsRequireAuth: boolean
  }
  logger: Logger
  clock: Clock
  metrics: Metrics
  apiKeys: ApiKeyVerifier
  readiness: readonly ReadinessCheck[]
  registry: ActionRegistry
  scheduler: SchedulerService
  /** Present only when CLICKUP_API_TOKEN is set (runtime.clickup). */
  clickup?: ClickUpService | null
  /** Present only when DIFY_APPS names an app (runtime.difyCatalog): mounts listDifyApps. */
  difyCatalog?: DifyCatalog | null
  /** Present only when EVOLUTION_* is set (runtime.whatsapp): mounts the direct WhatsApp tools. */
  whatsapp?: WhatsAppService | null
  /** The people's dashboard at /ui (sessions in this pool, logins with these keys); absent: no /ui. */
  dashboard?: { pool: Pool; keys: readonly ApiKey[] } | null
}

/** The agent tools, for every face; Dify and WhatsApp tools only when configured. */
function buildTools(deps: AppDeps): ToolRegistry {
  return createToolRegistry({
    scheduler: deps.scheduler,
    actions: deps.registry,
    clock: deps.clock,
    defaultTimezone: deps.config.defaultTimezone,
    difyCatalog: deps.difyCatalog ?? null,
    whatsapp: deps.whatsapp ?? null,
  })
}

/** Agent tools go in `tools` (→ /openapi.json); health, metrics and integrations in `ops`. */
function mountRouters(
  deps: AppDeps,
  agentTools: ToolRegistry,
  tools: OpenAPIHono<AppEnv>,
  ops: OpenAPIHono<AppEnv>,
) {
  tools.route('/', createToolRoutes(agentTools, deps.metrics))
  ops.route(
    '/',
    createHealthRoutes({
      readiness: deps.readiness,
      metrics: deps.metrics,
      metricsRequireAuth: deps.config.metricsRequireAuth,
    }),
  )
  // Integration endpoints, not agent tools: the ops document.
  if (deps.clickup)
    ops.route('/', createClickUpRoutes({ clickup: deps.clickup, registry: deps.registry }))
  documentMcp(ops, BEARER_SCHEME)
}

/**
 * A body over the limit is answered before it is read, so the rest of it is still on the wire:
 * @hono/node-server drains it for at most 500 ms and then destroys the socket, which a client that
 * was told "keep-alive" would reuse and fail on. `Connection: close` tells it not to.
 */
async function closeAfterOversizedBody(c: Context<AppEnv>, next: Next) {
  await next()
  if (c.res.status === 413) c.header('Connection', 'close')
}

export function createApp(deps: AppDeps) {
  const app = createRouter()
  // Order matters: the id and logger wrap everything, so even a 413 or a 401 is logged with its id.
  app.use('*', async function provideClock(c, next) {
    c.set('clock', deps.clock)
    await next()
  })
  app.use('*', requestId({ logger: deps.logger }))
  app.use('*', accessLog({ metrics: deps.metrics }))
  app.use('*', provideApiKeys(deps.apiKeys))
  app.use('*', closeAfterOversizedBody)
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: () => {
        throw new ProblemError({
          status: 413,
          type: 'payload-too-large',
          title: 'Request body too large',
          detail: `The request body is larger than ${deps.config.bodyLimitBytes} bytes. Send a smaller body.`,
        })
      },
    }),
  )
  app.onError(handleError)
  app.notFound(handleNotFound)

  const agentTools = buildTools(deps)
  mountMcp(app, {
    tools: agentTools,
    metrics: deps.metrics,
    clock: deps.clock,
    logger: deps.logger,
    version: APP_VERSION,
  })
  const tools = createRouter()
  const ops = createRouter()
  prepareDocuments(tools, ops)
  mountRouters(deps, agentTools, tools, ops)
  app.route('/', tools)
  app.route('/', ops)
  if (deps.dashboard) {
    app.route(
      '/ui',
      createDashboard({
        ...deps.dashboard,
        publicUrl: deps.config.publicUrl,
        defaultTimezone: deps.config.defaultTimezone,
        scheduler: deps.scheduler,
        tools: agentTools,
        metrics: deps.metrics,
        registry: deps.registry,
        clickup: deps.clickup ?? null,
        clock: deps.clock,
        logger: deps.logger,
      }),
    )
  }

  const documentOptions = { publicUrl: deps.config.publicUrl, version: APP_VERSION }
  // Built once: the route table does not change after start-up.
  const toolsDocument = buildToolsDocument(tools, documentOptions)
  const opsDocument = buildOpsDocument(ops, documentOptions)
  app.get(TOOLS_DOCUMENT_PATH, (c) => c.json(toolsDocument))
  app.get(OPS_DOCUMENT_PATH, (c) => c.json(opsDocument))
  mountDocs(app, [
    { url: TOOLS_DOCUMENT_PATH, name: 'Agent tools' },
    { url: OPS_DOCUMENT_PATH, name: 'Operations' },
  ])
  return app
}
