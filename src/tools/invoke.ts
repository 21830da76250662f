/**
 * Calling a tool with raw arguments (the MCP face, the dashboard): the same checks the OpenAPI face
 * gets from its route validation, and the same 422 problems.
 */
import { findUnstorableText } from '../db/storable-text.ts'
import { zodToProblem } from '../http/problem-response.ts'
import { fieldProblem, unstorableTextProblem } from '../problem-error.ts'
import type { AnyTool, ToolContext } from './types.ts'

/**
 * null and "" at the top level mean "not given", as everywhere in the service (Dify 0.15 sends null
 * for every field the model left out; clients fill blank form fields with ""). Dropping them lets
 * the MCP schema say `type: string` instead of a nullable union.
 */
function givenOnly(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).filter(([, value]) => value !== null && value !== ''),
  )
}

/** The tool's input from raw arguments; throws the 422 problem naming each bad field. */
export function parseToolInput(tool: AnyTool, args: unknown): unknown {
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw fieldProblem(
      'arguments',
      'must be an object of named arguments.',
      `Send the arguments as an object, e.g. {"${Object.keys(tool.input.shape)[0] ?? 'name'}": "…"}.`,
    )
  }
  const parsed = tool.input.safeParse(givenOnly((args ?? {}) as Record<string, unknown>))
  if (!parsed.success) throw zodToProblem(parsed.error, 'arguments')
  // The same rule as the OpenAPI face's edge check (http/router.ts): no NUL or lone surrogate.
  const path = findUnstorableText(parsed.data)
  if (path) throw unstorableTextProblem(path.length > 0 ? path.join('.') : 'arguments')
  return parsed.data
}

/** Parses and runs; what the handler throws (a ProblemError or worse) is the caller's to render. */
export async function callTool(
  tool: AnyTool,
  args: unknown,
  ctx: ToolContext,
): Promise<Record<string, unknown>> {
  return tool.handler(parseToolInput(tool, args), ctx)
}
