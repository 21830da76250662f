/**
 * Builds the MCP server for one request: every registry tool, with the schemas checked and converted
 * once at start-up. A fresh server per request keeps the endpoint stateless (any replica answers)
 * and keeps concurrent callers apart (a shared one mixes up answers to equal JSON-RPC ids:
 * GHSA-345p-7cg4-v4c7).
 */
import { McpServer } from '@modelcontextprotocol/server'
import { TOOLS_DESCRIPTION } from '../http/openapi.ts'
import type { ToolRegistry } from '../tools/index.ts'
import { listedSchemas } from './listed-schema.ts'
import { callToolOverMcp, type McpCall, type ToolCallDeps } from './tool-call.ts'

export const MCP_SERVER_NAME = 'agent-tool-server'

export function createMcpServerFactory(
  tools: ToolRegistry,
  deps: ToolCallDeps & { version: string },
): (call: McpCall) => McpServer {
  // Throws at start-up when a tool's schema breaks a rule MCP clients need.
  const served = tools.all().map((tool) => ({ tool, schemas: listedSchemas(tool) }))
  return (call) => {
    const server = new McpServer(
      { name: MCP_SERVER_NAME, version: deps.version },
      // The tool list never changes while the server runs, and a stateless server has no one to tell.
      { capabilities: { tools: { listChanged: false } }, instructions: TOOLS_DESCRIPTION },
    )
    for (const { tool, schemas } of served) {
      server.registerTool(
        tool.name,
        {
          title: tool.title,
          description: tool.description,
          inputSchema: schemas.inputSchema,
          outputSchema: schemas.outputSchema,
          annotations: { title: tool.title, ...tool.annotations },
        },
        (args: unknown) => callToolOverMcp(tool, args, call, deps),
      )
    }
    return server
  }
}
