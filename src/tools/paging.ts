/** The paging fields of the list tools, in both forms (query parameters for OpenAPI, typed for MCP). */
import { z } from '@hono/zod-openapi'

const LIMIT_WORDS = 'Page size, 1–100, default 20.'
const CURSOR_WORDS = 'next_cursor from the previous page; empty for the first page.'

const emptyToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value)

/** Query parameters arrive as text; an empty one (Dify fills optional ones with "") means absent. */
export const flatPaging = {
  limit: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .openapi({ type: 'integer', description: LIMIT_WORDS, example: 20 }),
  ),
  cursor: z.string().max(500).optional().openapi({ description: CURSOR_WORDS }),
}

export const mcpPaging = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: LIMIT_WORDS, examples: [20] }),
  cursor: z.string().max(500).optional().meta({ description: CURSOR_WORDS }),
}
