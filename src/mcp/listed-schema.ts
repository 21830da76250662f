/**
 * The JSON Schemas tools/list shows for a tool, built once from its zod input and output and held to
 * what MCP clients can read (../shared/reference/mcp-and-dashboard.md A1, A4): Dify keeps only
 * top-level properties, takes a property without `type` (or with `$ref`, `anyOf`) as a plain
 * string, and resolves no `$ref`. A tool breaking a rule stops start-up, naming it.
 *
 * They reach the SDK as Standard Schemas whose `validate` passes every value through: the MCP face
 * validates arguments itself (mcp/tool-call.ts) so a bad one gets the same problem body as the
 * REST 422, not the SDK's own error text.
 */
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server'
import type { AnyTool } from '../tools/index.ts'

type JsonSchema = Record<string, unknown>

/** The zod 4 converter behind `~standard.jsonSchema`, the one the SDK itself would call. */
function toJsonSchema(schema: AnyTool['input'], io: 'input' | 'output'): JsonSchema {
  return schema['~standard'].jsonSchema[io]({ target: 'draft-2020-12' }) as JsonSchema
}

function walk(node: unknown, path: string, visit: (node: JsonSchema, path: string) => void) {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`, visit)
  } else if (node && typeof node === 'object') {
    visit(node as JsonSchema, path)
    for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`, visit)
  }
}

/** Every way `schema` breaks the rules, as sentences naming the place; [] when it keeps them. */
export function mcpSchemaViolations(schema: JsonSchema, where: string): string[] {
  const problems: string[] = []
  if (schema.type !== 'object') problems.push(`${where}: the root must be an object`)
  walk(schema, where, (node, path) => {
    // A `properties` map holds names, not keywords.
    if (path.endsWith('.properties')) return
    for (const keyword of ['$ref', '$defs', 'definitions', '$id']) {
      if (keyword in node) problems.push(`${path}: has ${keyword}`)
    }
  })
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  for (const [name, property] of Object.entries(properties)) {
    const type = property.type
    if (typeof type !== 'string' && !(Array.isArray(type) && typeof type[0] === 'string'))
      problems.push(`${where}.properties.${name}: needs a type`)
    for (const union of ['anyOf', 'oneOf', 'allOf']) {
      if (union in property) problems.push(`${where}.properties.${name}: has ${union}`)
    }
    if (typeof property.description !== 'string' && where.endsWith('inputSchema'))
      problems.push(`${where}.properties.${name}: needs a description`)
  }
  return problems
}

/** A Standard Schema that shows `json` and lets every value through. */
function listed(json: JsonSchema): StandardSchemaWithJSON {
  return {
    '~standard': {
      version: 1,
      vendor: 'agent-tool-server',
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: () => json, output: () => json },
    },
  }
}

export interface ListedTool {
  inputSchema: StandardSchemaWithJSON
  outputSchema: StandardSchemaWithJSON
}

/** The schemas of `tool` as tools/list shows them; throws when they break the rules. */
export function listedSchemas(tool: AnyTool): ListedTool {
  const input = toJsonSchema(tool.input, 'input')
  const output = toJsonSchema(tool.output, 'output')
  const problems = [
    ...mcpSchemaViolations(input, `${tool.name}.inputSchema`),
    ...mcpSchemaViolations(output, `${tool.name}.outputSchema`),
  ]
  if (problems.length > 0) {
    throw new Error(`Tool ${tool.name} cannot be served over MCP: ${problems.join('; ')}.`)
  }
  return { inputSchema: listed(input), outputSchema: listed(output) }
}
