/** The tool registry's public surface. */

export { callTool, parseToolInput } from './invoke.ts'
export { createToolRegistry, type ToolRegistry } from './registry.ts'
export type { AnyTool, ToolContext, ToolDeps } from './types.ts'
