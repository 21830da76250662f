/**
 * The contract of an agent tool: one definition (name, words, input, output, hints, handler) that
 * the OpenAPI face (http/tool-routes.ts), the MCP face (mcp/) and the dashboard's actions all serve.
 */
import type { RouteConfig, z } from '@hono/zod-openapi'
import type { DifyCatalog } from '../integrations/dify/index.ts'
import type { WhatsAppService } from '../integrations/whatsapp/index.ts'
import type { Logger } from '../logger.ts'
import type { ActionRegistry } from '../scheduler/action-registry.ts'
import type { Actor, SchedulerService } from '../scheduler/service/index.ts'
import type { Clock } from '../time/clock.ts'

/** MCP tool annotations: hints for a client deciding whether to ask the user first. */
export interface ToolAnnotations {
  /** Changes nothing. */
  readOnlyHint: boolean
  /** May undo or overwrite something (only meaningful when not read-only). */
  destructiveHint?: boolean
  /** Calling again with the same input changes nothing more. */
  idempotentHint?: boolean
  /** Reaches services outside this server (a webhook target, Dify, WhatsApp). */
  openWorldHint?: boolean
}

/** Per call: who is asking, through which face, and the request's logger. */
export interface ToolContext {
  /** Recorded in the audit trail of a job the call changes; `via` names the face. */
  actor: Actor
  log: Logger
}

/** The validated parts of an HTTP request to a tool route. */
export interface HttpParts {
  params?: Record<string, unknown>
  query?: Record<string, unknown>
  body?: Record<string, unknown>
}

/**
 * How the tool appears in /openapi.json, Dify's import: the route, its flat request schemas (path,
 * query, body: scalars, JSON text for structured values, `.nullish()` for optional fields) and the
 * documented responses.
 */
export interface HttpFace<Input> {
  method: 'get' | 'post' | 'patch'
  /** OpenAPI style, e.g. `/jobs/{job_id}`. */
  path: string
  request?: RouteConfig['request']
  responses: RouteConfig['responses']
  /** The status of a success; default 200. */
  status?(output: unknown): 200 | 201 | 202
  /**
   * Turns the validated request into the handler's input. Default: path, query and body merged
   * into one object, which suits every handler whose flat and nested inputs the service reads
   * alike (see field-spec.ts `structured`).
   */
  toInput?(parts: HttpParts): Input
}

export interface ToolDefinition<
  In extends z.ZodObject = z.ZodObject,
  Out extends z.ZodObject = z.ZodObject,
  HandlerInput = z.output<In>,
> {
  /** The operationId and the MCP tool name; `^[a-zA-Z0-9_-]{1,64}$`. */
  name: string
  /** A few words for people (OpenAPI summary, MCP title). */
  title: string
  /** For the LLM: when to use it, its rules, an example. */
  description: string
  /** The MCP input: every property typed, nested where that helps, numbers coerced. */
  input: In
  output: Out
  annotations: ToolAnnotations
  http: HttpFace<HandlerInput>
  /** The sentence an MCP result leads with; default: the output's `summary`. */
  summarize?(output: z.output<Out>): string
  /** Does the work; throws ProblemError for anything the caller can fix or should know. */
  handler(input: HandlerInput, ctx: ToolContext): Promise<z.input<Out>>
}

/** A tool with its types erased, as the registry and the faces hold it. */
export interface AnyTool {
  name: string
  title: string
  description: string
  input: z.ZodObject
  output: z.ZodObject
  annotations: ToolAnnotations
  http: HttpFace<unknown>
  summarize?(output: Record<string, unknown>): string
  handler(input: unknown, ctx: ToolContext): Promise<Record<string, unknown>>
}

/**
 * Checks a definition's types (the MCP input parses into what the handler takes; the handler
 * returns what the output describes) and erases them for the registry.
 */
export function defineTool<
  In extends z.ZodObject,
  Out extends z.ZodObject,
  HandlerInput = z.output<In>,
>(tool: ToolDefinition<In, Out, HandlerInput> & { input: z.ZodType<HandlerInput> }): AnyTool {
  return tool as unknown as AnyTool
}

/** What tool definitions are built from, once at start-up. */
export interface ToolDeps {
  scheduler: SchedulerService
  actions: ActionRegistry
  clock: Clock
  defaultTimezone: string
  /** Present only with DIFY_APPS: the Dify tools exist only then. */
  difyCatalog: DifyCatalog | null
  /** Present only with EVOLUTION_*: the WhatsApp tools exist only then. */
  whatsapp: WhatsAppService | null
}

/** Builds a tool (or several, or none when what it needs is not configured). */
export type ToolFactory = (deps: ToolDeps) => AnyTool | readonly AnyTool[] | null
