/**
 * The Dify action: run a configured Dify app (workflow, chat, agent or completion) and record its
 * answer. Jobs store the app's name, never its key: the key is looked up in DIFY_APPS at run time.
 */
import { z } from '@hono/zod-openapi'
import {
  checkInputs,
  createDifyCatalog,
  createDifyClient,
  type DifyAnswer,
  type DifyApp,
  type DifyCatalog,
  type DifyClient,
  type DifyConfig,
  DifyError,
  type DifyMode,
  type DifyWorkflowRun,
} from '../integrations/dify/index.ts'
import type { Logger } from '../logger.ts'
import { fieldProblem, validationProblem } from '../problem-error.ts'
import type {
  ActionDefinition,
  ActionResult,
  PreparedAction,
} from '../scheduler/action-contract.ts'
import { ERROR_CLASS } from '../scheduler/states.ts'
import { flatShape, mcpShape, optionalText, requiredText, structured } from '../tools/field-spec.ts'
import { parseJsonTextObject } from './json-text.ts'

export const DIFY_KIND = 'dify'
/** Failed runs Dify itself reported (error envelope, error event, failed workflow). */
export const DIFY_ERROR_CLASS = 'dify_error'
const MAX_INPUTS_BYTES = 64 * 1024
const MAX_OUTPUTS_CHARS = 100_000
const CONVERSATION_ID = /^[A-Za-z0-9-]{1,64}$/
const CONVERSATIONAL: readonly DifyMode[] = ['chat', 'agent']
const aModeApp = (mode: DifyMode) => (mode === 'agent' ? 'an agent app' : `a ${mode} app`)

export interface DifyParams {
  app: string
  mode: DifyMode
  inputs: Record<string, unknown>
  query: string | null
  conversation_id: string | null
  user: string
}

/** Nothing: the app's key stays in the server's configuration. */
export type DifySecrets = Record<string, never>

export interface DifyActionDefinition extends ActionDefinition<DifyParams, DifySecrets> {
  /** The configured apps, for the listDifyApps tool. */
  catalog: DifyCatalog
  close(): Promise<void>
}

export interface DifyActionDeps {
  client: DifyClient
  catalog: DifyCatalog
  defaultUser: string
  logger: Logger
  /** Attempt timeout of a Dify job that gives none (DIFY_TIMEOUT_SECONDS). */
  defaultTimeoutSeconds: number
}

const given = (value: unknown) =>
  value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '')

const fieldSpecs = {
  app: requiredText({
    description:
      'Name of the Dify app to run, exactly as listDifyApps lists it, e.g. "helper". Call listDifyApps first to learn the names, modes and input variables.',
    example: 'helper',
    missing: 'the name of a Dify app from listDifyApps, e.g. "helper"',
    max: 50,
  }),
  inputs: structured(
    {
      description:
        'The app\'s input variables as JSON object text with double quotes, e.g. {"city":"Lisbon","tone":"short"}, at most 64 KB. Required variables are listed by listDifyApps. Default {}.',
      example: '{"city":"Lisbon"}',
      max: MAX_INPUTS_BYTES,
    },
    {
      description:
        'The app\'s input variables, name to value, e.g. {"city":"Lisbon","tone":"short"}, at most 64 KB. Required variables are listed by listDifyApps. Default {}.',
      example: { city: 'Lisbon' },
      schema: z.record(z.string(), z.unknown()),
    },
  ),
  query: optionalText({
    description:
      'The message sent to a chat or agent app, e.g. "Summarise today\'s open tickets". Required for chat and agent apps; not used by workflow and completion apps.',
    example: "Summarise today's open tickets",
    max: 20_000,
  }),
  conversation_id: optionalText({
    description:
      'Chat and agent apps only: continue this Dify conversation (the conversation_id from an earlier run). Empty = every run starts a new conversation.',
    max: 100,
  }),
  user: optionalText({
    description:
      'End-user identifier Dify records the run under, e.g. "ana@example.com". Default: the server\'s fixed user.',
    max: 200,
  }),
}

export function createDifyAction(deps: DifyActionDeps): DifyActionDefinition {
  const { catalog, client } = deps

  function resolveApp(name: unknown): DifyApp {
    const app = typeof name === 'string' ? catalog.find(name) : undefined
    if (app) return app
    throw fieldProblem(
      'app',
      given(name) ? `there is no Dify app named "${String(name)}".` : 'is required.',
      `Use one of: ${catalog.names().join(', ')} (listDifyApps shows their inputs).`,
    )
  }

  function parseInputs(value: unknown): Record<string, unknown> {
    if (!given(value)) return {}
    const inputs = parseJsonTextObject('inputs', value, '{"city":"Lisbon"}')
    if (Buffer.byteLength(JSON.stringify(inputs)) > MAX_INPUTS_BYTES) {
      throw fieldProblem('inputs', 'is larger than 64 KB.', 'Send smaller inputs.')
    }
    return inputs
  }

  function onlyConversational(field: string, app: DifyApp) {
    if (!CONVERSATIONAL.includes(app.mode)) {
      throw fieldProblem(
        field,
        `does not apply to "${app.name}", ${aModeApp(app.mode)}.`,
        `Remove ${field}; put what the app needs in inputs, e.g. {"text":"…"} (listDifyApps shows its variables).`,
      )
    }
  }

  /** Dify's form, when Dify answers; a refused key is the operator's problem, so say so at once. */
  async function assertInputsFit(app: DifyApp, inputs: Record<string, unknown>) {
    const lookup = await catalog.inputVariables(app)
    if (!lookup.ok) {
      const { error } = lookup
      if (error.kind === 'dify' && (error.status === 401 || error.status === 403)) {
        throw fieldProblem(
          'app',
          `Dify refuses this server's API key for "${app.name}" (HTTP ${error.status}).`,
          'Nothing was scheduled. Ask the operator to fix the key in DIFY_APPS, or use another app.',
        )
      }
      // Dify may be down for a moment; the job runs later, and Dify checks the inputs then.
      deps.logger.warn(
        { dify_app: app.name, error_kind: error.kind, error_code: error.code },
        'Dify input form unavailable; inputs accepted unchecked',
      )
      return
    }
    const issues = checkInputs(inputs, lookup.variables, app.name)
    if (issues.length > 0) {
      throw validationProblem(
        issues.map((issue) => ({
          field: `inputs.${issue.variable}`,
          message: issue.message,
          hint: issue.hint,
        })),
      )
    }
  }

  async function build(
    input: Record<string, unknown>,
    current?: PreparedAction<DifyParams, DifySecrets>,
  ): Promise<PreparedAction<DifyParams, DifySecrets>> {
    const app = resolveApp(given(input.app) || !current ? input.app : current.params.app)
    const sameApp = current !== undefined && app.name === current.params.app
    const inputs =
      given(input.inputs) || !current ? parseInputs(input.inputs) : current.params.inputs
    const conversational = CONVERSATIONAL.includes(app.mode)

    if (given(input.query)) onlyConversational('query', app)
    const query = given(input.query)
      ? String(input.query).trim()
      : conversational && current
        ? current.params.query
        : null
    if (conversational && !query) {
      throw fieldProblem(
        'query',
        `is required for "${app.name}", ${aModeApp(app.mode)}.`,
        'Send the message the app should answer, e.g. "Summarise today\'s open tickets".',
      )
    }

    if (given(input.conversation_id)) onlyConversational('conversation_id', app)
    const conversationId = given(input.conversation_id)
      ? String(input.conversation_id).trim()
      : conversational && sameApp
        ? current.params.conversation_id
        : null
    if (conversationId !== null && !CONVERSATION_ID.test(conversationId)) {
      throw fieldProblem(
        'conversation_id',
        'is not a Dify conversation id.',
        'Use the conversation_id an earlier run returned (a UUID), or leave it empty.',
      )
    }

    const user = given(input.user)
      ? String(input.user).trim()
      : (current?.params.user ?? deps.defaultUser)
    if (/[\p{Cc}]/u.test(user)) {
      throw fieldProblem('user', 'contains control characters.', 'Use a plain identifier.')
    }

    if (!sameApp || given(input.inputs)) await assertInputsFit(app, inputs)
    return {
      params: {
        app: app.name,
        mode: app.mode,
        inputs,
        query: conversational ? query : null,
        conversation_id: conversational ? conversationId : null,
        user,
      },
      secrets: {},
    }
  }

  return {
    kind: DIFY_KIND,
    tool: {
      path: '/jobs/dify',
      operationId: 'scheduleDifyRun',
      summary: 'Schedule a run of a Dify app',
      description:
        'Schedules a run of one of the Dify apps this server knows (call listDifyApps first for names and inputs): once (run_at or delay), repeatedly (every), or on a cron. Chat and agent apps need query. Each run records the answer (or workflow outputs) and conversation_id, readable with listExecutions. Give exactly one of run_at, delay, every, cron. Default timeout 300 s per run. Safe to retry: an identical call returns the same job.',
    },
    fields: flatShape(fieldSpecs),
    toolFields: mcpShape(fieldSpecs),
    requiredFields: ['app'],
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    prepare: (input) => build(input),
    prepareUpdate: (input, current) => build(input, current),
    describe: (params) => `run Dify app "${params.app}" (${params.mode})`,
    execute: ({ params }, ctx) => runApp(deps, params, ctx),
    catalog,
    close: () => client.close(),
  }
}

/** Builds the action from configuration, or null when no Dify app is configured. */
export function createConfiguredDifyAction(options: {
  config: DifyConfig
  userAgent: string
  logger: Logger
}): DifyActionDefinition | null {
  const { config } = options
  if (!config.apiUrl || config.apps.length === 0) return null
  const client = createDifyClient({ baseUrl: config.apiUrl, userAgent: options.userAgent })
  return createDifyAction({
    client,
    catalog: createDifyCatalog({ client, apps: config.apps }),
    defaultUser: config.defaultUser,
    logger: options.logger,
    defaultTimeoutSeconds: config.timeoutSeconds,
  })
}

const ENDPOINTS: Record<DifyMode, string> = {
  workflow: 'POST /v1/workflows/run',
  chat: 'POST /v1/chat-messages',
  agent: 'POST /v1/chat-messages (streaming)',
  completion: 'POST /v1/completion-messages',
}

async function runApp(
  deps: DifyActionDeps,
  params: DifyParams,
  ctx: Parameters<DifyActionDefinition['execute']>[1],
): Promise<ActionResult> {
  const app = deps.catalog.find(params.app)
  const mode = app?.mode ?? params.mode
  const requestSummary = {
    endpoint: ENDPOINTS[mode],
    app: params.app,
    mode,
    user: params.user,
    conversation_id: params.conversation_id,
    input_names: Object.keys(params.inputs),
    query_chars: params.query?.length ?? 0,
  }
  if (!app) {
    return {
      ok: false,
      requestSummary,
      errorClass: DIFY_ERROR_CLASS,
      errorMessage: `Dify app "${params.app}" is no longer configured on this server (DIFY_APPS). Update the job to another app or cancel it.`,
    }
  }
  const call = { apiKey: app.apiKey, timeoutMs: ctx.timeoutMs, signal: ctx.signal }
  const base = { inputs: params.inputs, user: params.user }
  const chat = { ...base, query: params.query ?? '', conversationId: params.conversation_id }
  try {
    switch (app.mode) {
      case 'workflow':
        return workflowResult(await deps.client.runWorkflow(base, call), requestSummary)
      case 'chat':
        return answerResult(await deps.client.sendChatMessage(chat, call), requestSummary)
      case 'agent':
        return answerResult(await deps.client.runAgent(chat, call), requestSummary)
      case 'completion':
        return answerResult(await deps.client.sendCompletion(base, call), requestSummary)
      default: {
        const unknown: never = app.mode
        throw new Error(`unknown Dify mode ${String(unknown)}`)
      }
    }
  } catch (err) {
    return { ok: false, requestSummary, ...classify(err) }
  }
}

function answerResult(answer: DifyAnswer, requestSummary: Record<string, unknown>): ActionResult {
  return {
    ok: true,
    requestSummary,
    responseStatus: 200,
    output: {
      answer: answer.answer,
      ...(answer.answerTruncated ? { answer_truncated: true } : {}),
      conversation_id: answer.conversationId,
      message_id: answer.messageId,
    },
  }
}

function workflowResult(
  run: DifyWorkflowRun,
  requestSummary: Record<string, unknown>,
): ActionResult {
  const text = run.outputs ? JSON.stringify(run.outputs) : ''
  const outputs =
    text.length > MAX_OUTPUTS_CHARS
      ? {
          outputs: null,
          outputs_preview: text.slice(0, MAX_OUTPUTS_CHARS),
          outputs_truncated: true,
        }
      : { outputs: run.outputs }
  const ok = run.status === 'succeeded' || run.status === 'partial-succeeded'
  return {
    ok,
    requestSummary,
    responseStatus: 200,
    output: {
      ...outputs,
      status: run.status,
      workflow_run_id: run.workflowRunId,
      task_id: run.taskId,
      elapsed_seconds: run.elapsedSeconds,
    },
    ...(ok
      ? {}
      : {
          errorClass: DIFY_ERROR_CLASS,
          errorMessage: `The Dify workflow run ended ${run.status}${run.error ? `: ${run.error}` : '.'}`,
        }),
  }
}

function classify(
  err: unknown,
): Pick<ActionResult, 'errorClass' | 'errorMessage' | 'responseStatus'> {
  if (!(err instanceof DifyError)) {
    return {
      errorClass: ERROR_CLASS.internal,
      errorMessage: err instanceof Error ? err.message : String(err),
    }
  }
  const errorClass =
    err.kind === 'timeout'
      ? ERROR_CLASS.timeout
      : err.kind === 'network'
        ? ERROR_CLASS.network
        : err.kind === 'aborted'
          ? ERROR_CLASS.shutdown
          : DIFY_ERROR_CLASS
  return {
    errorClass,
    errorMessage: err.describe(),
    ...(err.status !== null && err.kind === 'dify' && err.status >= 100
      ? { responseStatus: err.status }
      : {}),
  }
}
