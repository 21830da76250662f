/**
 * How MCP clients read tools/list: Dify's conversion of an inputSchema into tool parameters
 * (services/tools/tools_transform_service.py::convert_mcp_schema_to_parameter, Dify 1.14.2, as
 * ../shared/reference/mcp-and-dashboard.md A1 records it), and a JSON Schema 2020-12 validator for
 * structuredContent against outputSchema (what the official client checks).
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { AnyJson } from './http.ts'

export interface DifyParameter {
  name: string
  type: string
  required: boolean
  description: string
  /** Kept for object and array parameters: the LLM sees the whole property schema. */
  inputSchema?: AnyJson
  /** Why Dify would have flattened it to a plain string (its structure lost), if it would. */
  lost?: string
}

/** Dify's parameters for one MCP tool. */
export function difyParameters(inputSchema: AnyJson): DifyParameter[] {
  const required = new Set<string>(inputSchema.required ?? [])
  return Object.entries<AnyJson>(inputSchema.properties ?? {}).map(([name, property]) => {
    let lost: string | undefined
    if ('$ref' in property) lost = '$ref'
    else if ('anyOf' in property) lost = 'anyOf'
    else if (property.type === undefined) lost = 'no type'
    let type = lost ? 'string' : Array.isArray(property.type) ? property.type[0] : property.type
    if (type === 'integer') type = 'number'
    return {
      name,
      type,
      required: required.has(name),
      description: String(property.description ?? ''),
      ...(type === 'object' || type === 'array' ? { inputSchema: property } : {}),
      ...(lost ? { lost } : {}),
    }
  })
}

const ajv = new Ajv2020({ strict: false, allErrors: true })

/** Validation errors of `value` against a JSON Schema 2020-12 document; [] when it conforms. */
export function schemaErrors(schema: AnyJson, value: unknown): string[] {
  const validate = ajv.compile(schema)
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`)
}
