/** The tool registry: every face (OpenAPI, MCP, dashboard) is built from this one list. */
import { TOOL_FACTORIES } from './all-tools.ts'
import type { AnyTool, ToolDeps, ToolFactory } from './types.ts'

/** What an operationId, an MCP tool name and an LLM function name all accept. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/

export interface ToolRegistry {
  /** In document order; configured-only tools are present only when configured. */
  all(): readonly AnyTool[]
  get(name: string): AnyTool | undefined
  /** The tool, or a start-up error naming it (for callers that cannot work without it). */
  require(name: string): AnyTool
}

/** Fails start-up on a bad or repeated name, so a mistake cannot reach a running server. */
export function createToolRegistry(
  deps: ToolDeps,
  factories: readonly ToolFactory[] = TOOL_FACTORIES,
): ToolRegistry {
  const byName = new Map<string, AnyTool>()
  for (const factory of factories) {
    const built = factory(deps)
    for (const tool of built === null ? [] : Array.isArray(built) ? built : [built]) {
      if (!TOOL_NAME.test(tool.name))
        throw new Error(`Tool name "${tool.name}" must match ${TOOL_NAME}.`)
      if (byName.has(tool.name)) throw new Error(`Tool "${tool.name}" is defined twice.`)
      byName.set(tool.name, tool)
    }
  }
  const tools = [...byName.values()]
  return {
    all: () => tools,
    get: (name) => byName.get(name),
    require(name) {
      const tool = byName.get(name)
      if (!tool) throw new Error(`Tool "${name}" is not registered.`)
      return tool
    },
  }
}
