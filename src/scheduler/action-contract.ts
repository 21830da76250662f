/** The contract every action kind fulfils: its agent-facing fields, validation, description and execution. */
import type { z } from '@hono/zod-openapi'
import type { Logger } from '../logger.ts'

/** What one attempt did; recorded on the execution row. Actions return it; they do not throw. */
export interface ActionResult {
  ok: boolean
  /** Non-secret summary of what was sent (method, URL, header names, body size). */
  requestSummary: Record<string, unknown>
  responseStatus?: number
  responseHeaders?: Record<string, string>
  responseBody?: string
  responseTruncated?: boolean
  /** Action-specific outcome, e.g. a Dify answer or a message id. */
  output?: Record<string, unknown>
  /** Short machine-readable class, e.g. `http_status`, `timeout`, `blocked`. */
  errorClass?: string
  errorMessage?: string
  /**
   * false: do not retry this occurrence (e.g. a message that may already have been delivered, or a
   * permanent refusal); the attempt is recorded as failed and the occurrence settles now.
   */
  retryable?: boolean
  /**
   * The action did not run yet and asks to run the same occurrence again at this time (e.g. a
   * rate-limit slot). The attempt is recorded as failed with this errorClass but uses up no retry.
   */
  deferUntil?: Date
}

export interface ExecutionContext {
  jobId: string
  executionId: string
  /** Due time of the occurrence (ISO). */
  occurrenceAt: string
  attempt: number
  /**
   * The Standard Webhooks `webhook-id` of what this attempt delivers: the same for every attempt of
   * one occurrence (retries, deferred re-runs, replays), so receivers can deduplicate on it.
   */
  messageId: string
  /** Aborted at the attempt timeout and at shutdown past the grace period. */
  signal: AbortSignal
  timeoutMs: number
  log: Logger
}

/** Stored form of an action: `params` are returned to agents, `secrets` never are. */
export interface PreparedAction<P, S> {
  params: P
  secrets: S
  /**
   * Notes for the caller about what was accepted (e.g. a body that is ignored for GET); returned in
   * the response's `warnings`, never stored.
   */
  warnings?: string[]
}

export interface ActionTool {
  /** Path of the scheduling tool, e.g. `/jobs/webhook`. */
  path: string
  operationId: string
  summary: string
  description: string
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every parameter shape
export type AnyActionDefinition = ActionDefinition<any, any>

export interface ActionDefinition<P, S> {
  /** Lower-case identifier stored in scheduled_jobs.action_kind, e.g. `webhook`. */
  kind: string
  tool: ActionTool
  /**
   * Flat, scalar, LLM-described body fields of this action (merged into the scheduling tool and,
   * as optional fields, into updateJob). Optional fields must be `.nullish()`.
   */
  fields: z.ZodRawShape
  /**
   * The same fields as MCP clients get them (tools/field-spec.ts): the same names, every property
   * typed, `.optional()` instead of `.nullish()`, structured values as objects. prepare() and
   * prepareUpdate() read either form.
   */
  toolFields: z.ZodRawShape
  /** Names of `fields` required at creation. */
  requiredFields: readonly string[]
  /** Attempt timeout of a job of this kind that gives no `timeout_seconds`. */
  defaultTimeoutSeconds: number
  /** Turns validated input into stored params and secrets; throws a 422 ProblemError on bad values. */
  prepare(input: Record<string, unknown>): Promise<PreparedAction<P, S>>
  /** Merges an update into existing params/secrets (only given fields change). */
  prepareUpdate(
    input: Record<string, unknown>,
    current: PreparedAction<P, S>,
  ): Promise<PreparedAction<P, S>>
  /**
   * Input fields that hold secrets (never returned or logged once stored), each with what may be
   * shown in its place, e.g. `headers` → `{header_names: [...]}`. Used where raw input is kept and
   * shown again (ClickUp rules).
   */
  secretFields?: Readonly<Record<string, (value: unknown) => Record<string, unknown>>>
  /**
   * Checks concrete input as prepare() would, but calling no outside service (DNS aside), for input
   * stored now and turned into a job later (ClickUp rules). Throws a 422 ProblemError.
   */
  checkInput?(input: Record<string, unknown>): Promise<void>
  /** A short phrase for summaries, e.g. `POST https://example.com/hook`. */
  describe(params: P): string
  execute(prepared: PreparedAction<P, S>, ctx: ExecutionContext): Promise<ActionResult>
}
