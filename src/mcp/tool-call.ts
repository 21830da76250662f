/**
 * One tools/call, as MCP clients should get it: `content` leads with the sentence to tell the user,
 * then the JSON; `structuredContent` is that JSON, checked against the tool's outputSchema. A
 * failure is a result with `isError: true` whose text is the problem body the REST face answers
 * (field, message, hint); an internal error says only that it was logged under the request id.
 */
import type { CallToolResult } from '@modelcontextprotocol/server'
import { problemBody, problemFor } from '../http/problem-response.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import { ProblemError } from '../problem-error.ts'
import type { Clock } from '../time/clock.ts'
import { ignoredFieldWarnings } from '../tools/ignored-fields.ts'
import { type AnyTool, callTool } from '../tools/index.ts'
import { observeToolCall } from '../tools/observe.ts'

/** The HTTP request a tools/call came in: who sent it, its id, log and path. */
export interface McpCall {
  keyName: string
  requestId: string
  log: Logger
  path: string
}

export interface ToolCallDeps {
  metrics: Metrics
  clock: Clock
}

function sentenceOf(tool: AnyTool, output: Record<string, unknown>): string {
  if (tool.summarize) return tool.summarize(output)
  return typeof output.summary === 'string' ? output.summary : `${tool.title}: done.`
}

/** The output with the argument names the tool ignored in its warnings, as the REST face does. */
function withIgnoredFields(tool: AnyTool, args: unknown, output: Record<string, unknown>) {
  if (!('warnings' in tool.output.shape) || typeof args !== 'object' || args === null) return output
  const ignored = ignoredFieldWarnings(
    args as Record<string, unknown>,
    Object.keys(tool.input.shape),
  )
  if (ignored.length === 0) return output
  return { ...output, warnings: [...ignored, ...((output.warnings as string[]) ?? [])] }
}

function problemResult(problem: ProblemError, call: McpCall, clock: Clock): CallToolResult {
  const body = problemBody(problem, {
    instance: call.path,
    requestId: call.requestId,
    now: clock.now(),
  })
  return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: true }
}

export async function callToolOverMcp(
  tool: AnyTool,
  args: unknown,
  call: McpCall,
  deps: ToolCallDeps,
): Promise<CallToolResult> {
  const ctx = { actor: { name: call.keyName, via: 'mcp' as const }, log: call.log }
  try {
    const raw = await observeToolCall(
      deps.metrics,
      { tool: tool.name, face: 'mcp' },
      () => callTool(tool, args, ctx),
      (record, err) => {
        const status = err instanceof ProblemError ? err.status : undefined
        call.log.info(
          {
            tool: tool.name,
            api_key_name: call.keyName,
            outcome: record.outcome,
            ...(status ? { status } : {}),
            duration_ms: Math.round(record.durationMs * 10) / 10,
          },
          'tool call',
        )
      },
    )
    const output = tool.output.safeParse(withIgnoredFields(tool, args, raw))
    if (!output.success) {
      // Our fault, not the caller's: the handler answered something its schema does not describe.
      throw new Error(`${tool.name} answered outside its output schema: ${output.error.message}`)
    }
    const structured = output.data as Record<string, unknown>
    return {
      content: [
        { type: 'text', text: sentenceOf(tool, structured) },
        { type: 'text', text: JSON.stringify(structured) },
      ],
      structuredContent: structured,
    }
  } catch (err) {
    return problemResult(
      problemFor(err, { log: call.log, requestId: call.requestId }),
      call,
      deps.clock,
    )
  }
}
