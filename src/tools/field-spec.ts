/**
 * A tool field written once, in the two forms its faces need. `flat` is what Dify's OpenAPI importer
 * can use (../shared/reference/dify-tools.md §1): a top-level scalar, `.nullish()` when optional
 * (Dify 0.15 sends null for every field the model left out), structured values as JSON text, the
 * words in `.openapi()`. `mcp` is what MCP clients read (../shared/reference/mcp-and-dashboard.md
 * A1, A4): `.optional()` so every property keeps a plain `type` (a nullable one becomes `anyOf`,
 * which Dify's MCP conversion turns into a string), numbers through `z.coerce` (clients send "5"),
 * structured values as objects and arrays, the words in `.meta()` (what `.openapi()` says never
 * reaches a JSON Schema).
 */
import { z } from '@hono/zod-openapi'
import { requiredText as requiredMessage } from '../http/field-messages.ts'

export interface ToolField {
  flat: z.ZodType
  mcp: z.ZodType
}

export type ToolFields = Record<string, ToolField>

/** The words an LLM reads about a field, and an example value. */
export interface FieldWords {
  description: string
  example?: unknown
}

const openapiWords = ({ description, example }: FieldWords) => ({
  description,
  ...(example !== undefined ? { example } : {}),
})

/** JSON Schema spells examples as a list. */
const schemaWords = ({ description, example }: FieldWords) => ({
  description,
  ...(example !== undefined ? { examples: [example] } : {}),
})

const text = (max: number | undefined) => (max === undefined ? z.string() : z.string().max(max))

/** Optional text: absent, null and "" all mean "not given" to the service. */
export function optionalText(words: FieldWords & { max?: number }): ToolField {
  return {
    flat: text(words.max).nullish().openapi(openapiWords(words)),
    mcp: text(words.max).optional().meta(schemaWords(words)),
  }
}

/**
 * Required text. `missing` says what the value is and when to ask the user; it becomes the message
 * of a missing or mistyped value (http/field-messages.ts).
 */
export function requiredText(
  words: FieldWords & { missing: string; min?: number; max?: number },
): ToolField {
  const build = () => {
    let schema = z.string({ error: requiredMessage(words.missing) })
    if (words.min !== undefined) schema = schema.min(words.min)
    if (words.max !== undefined) schema = schema.max(words.max)
    return schema
  }
  return {
    flat: build().openapi(openapiWords(words)),
    mcp: build().meta(schemaWords(words)),
  }
}

/** An optional whole number in [min, max]; MCP clients may send it as text ("5"). */
export function optionalInteger(words: FieldWords & { min: number; max: number }): ToolField {
  return {
    flat: z.number().int().min(words.min).max(words.max).nullish().openapi(openapiWords(words)),
    mcp: z.coerce.number().int().min(words.min).max(words.max).optional().meta(schemaWords(words)),
  }
}

/**
 * A structured value: JSON text for Dify's importer (which shows objects as strings), the value
 * itself over MCP (whose clients keep a property's full schema). The service reads either form
 * (actions/json-text.ts parses text and takes objects as they are), so no mapping is needed and a
 * request keeps the content hash it always had.
 */
export function structured(
  flat: FieldWords & { max?: number },
  mcp: FieldWords & { schema: z.ZodType },
): ToolField {
  return {
    flat: text(flat.max).nullish().openapi(openapiWords(flat)),
    mcp: mcp.schema.optional().meta(schemaWords(mcp)),
  }
}

/** Every field optional: updateJob changes only what is sent. */
export function optionalFields(fields: ToolFields): ToolFields {
  return Object.fromEntries(
    Object.entries(fields).map(([name, field]) => [
      name,
      { flat: field.flat.nullish(), mcp: field.mcp.optional() },
    ]),
  )
}

export function flatShape(fields: ToolFields): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.flat]))
}

export function mcpShape(fields: ToolFields): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.mcp]))
}
