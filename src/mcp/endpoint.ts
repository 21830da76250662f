/**
 * POST /mcp (and /mcp/: Dify strips a trailing slash, and a 404 reaches it as "Session terminated
 * by server"): the agent tools over MCP Streamable HTTP, stateless, through the official SDK's
 * createMcpHandler. The API key is checked before the transport sees the request; GET and DELETE
 * (session operations a stateless server has none of) answer 405.
 */
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import { createMcpHandler } from '@modelcontextprotocol/server'
import type { Context } from 'hono'
import type { AppEnv } from '../http/app-env.ts'
import { checkAuthorization } from '../http/auth.ts'
import { WWW_AUTHENTICATE } from '../http/problem-response.ts'
import type { Logger } from '../logger.ts'
import type { ToolRegistry } from '../tools/index.ts'
import { createMcpServerFactory } from './server.ts'
import type { McpCall, ToolCallDeps } from './tool-call.ts'

export const MCP_PATHS = ['/mcp', '/mcp/'] as const

/** JSON-RPC has no code for it; -32001 is what MCP servers commonly answer an unauthorised call with. */
const UNAUTHORIZED_CODE = -32001

function unauthorized(reason: string): Response {
  const message = `${reason} Send the header "Authorization: Bearer <API key>" (in Dify 1.9 or later: a header of the MCP server).`
  return new Response(
    JSON.stringify({ jsonrpc: '2.0', error: { code: UNAUTHORIZED_CODE, message }, id: null }),
    {
      status: 401,
      headers: {
        'Content-Type': 'application/json',
        'WWW-Authenticate': WWW_AUTHENTICATE,
        'Cache-Control': 'no-store',
      },
    },
  )
}

export interface McpEndpointDeps extends ToolCallDeps {
  tools: ToolRegistry
  logger: Logger
  version: string
}

export function mountMcp(app: OpenAPIHono<AppEnv>, deps: McpEndpointDeps) {
  const serverFor = createMcpServerFactory(deps.tools, deps)
  const handler = createMcpHandler(
    (context) => serverFor(context.authInfo?.extra?.call as McpCall),
    {
      // Reporting only (a malformed message, a refused protocol version): the answer says why.
      onerror: (err) => deps.logger.info({ err: { message: err.message } }, 'mcp request refused'),
    },
  )

  async function serveMcp(c: Context<AppEnv>) {
    const auth = checkAuthorization(c.get('apiKeys'), c.req.header('Authorization'))
    if ('refused' in auth) return unauthorized(auth.refused)
    c.set('apiKeyName', auth.name)
    const call: McpCall = {
      keyName: auth.name,
      requestId: c.get('requestId'),
      log: c.get('log'),
      path: c.req.path,
    }
    // The SDK hands authInfo, untouched, to the server factory: this request's caller and logger.
    const res = await handler.fetch(c.req.raw, {
      authInfo: { token: '', clientId: auth.name, scopes: [], extra: { call } },
    })
    if (res.status === 405 && !res.headers.has('Allow')) res.headers.set('Allow', 'POST')
    return res
  }

  // Named methods, not app.all: the access log labels a request by its endpoint's route, and
  // skips ALL-method entries (those are middleware). GET and DELETE reach the SDK for its 405.
  app.on(['POST', 'GET', 'DELETE'], [...MCP_PATHS], serveMcp)
}

/** /mcp in the operations document, for people reading /docs (MCP clients read tools/list). */
export function documentMcp(ops: OpenAPIHono<AppEnv>, bearerScheme: string) {
  const jsonRpc = z.record(z.string(), z.unknown()).openapi({
    description:
      'A JSON-RPC 2.0 message: initialize, notifications/initialized, tools/list, tools/call.',
  })
  ops.openAPIRegistry.registerPath({
    method: 'post',
    path: '/mcp',
    operationId: 'mcp',
    summary: 'The agent tools over MCP',
    description:
      'Model Context Protocol, Streamable HTTP, stateless (no session id; any replica answers). Serves the tools of /openapi.json with nested inputs and typed outputs. Also at /mcp/. GET and DELETE answer 405. See README → Connect Dify over MCP.',
    security: [{ [bearerScheme]: [] }],
    request: { body: { content: { 'application/json': { schema: jsonRpc } }, required: true } },
    responses: {
      200: {
        description:
          'The JSON-RPC answer, as application/json or a text/event-stream of one message',
      },
      202: { description: 'A notification was accepted' },
      401: { description: 'Missing or invalid API key (a JSON-RPC error, WWW-Authenticate set)' },
      405: { description: 'GET and DELETE: a stateless server has no session to stream or end' },
    },
  })
}
