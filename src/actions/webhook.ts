/** The webhook action: call a URL with a method, headers and body; 2xx is success, anything else a failed attempt. */
import { z } from '@hono/zod-openapi'
import {
  type AddressPolicy,
  assertUrlAllowed,
  type HostResolver,
  type OutboundClient,
  OutboundError,
  type OutboundMethod,
} from '../outbound/index.ts'
import type { WebhookSigner } from '../outbound/signing.ts'
import { fieldProblem } from '../problem-error.ts'
import type {
  ActionDefinition,
  ActionResult,
  PreparedAction,
} from '../scheduler/action-contract.ts'
import { ERROR_CLASS } from '../scheduler/states.ts'
import { flatShape, mcpShape, optionalText, requiredText, structured } from '../tools/field-spec.ts'
import { parseRequestHeaders, requestHeaderNames } from './request-headers.ts'
import { parseBody, parseContentType } from './webhook-body.ts'

export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const MAX_URL_LENGTH = 2048
export interface WebhookParams {
  url: string
  method: OutboundMethod
  /** Header names only; values are secrets. */
  header_names: string[]
  body: string | null
  body_type: 'json' | 'text' | null
  /** The Content-Type sent with the body when the headers name none; null = from body_type. */
  content_type?: string | null
}

export interface WebhookSecrets {
  headers: Record<string, string>
}

export interface WebhookActionDeps {
  outbound: OutboundClient
  policy: AddressPolicy
  /** Tests inject a resolver; production uses the system one. */
  lookup?: HostResolver
  maxResponseBytes: number
  /** Adds the Standard Webhooks headers (the signature only when a secret is configured). */
  signer: WebhookSigner
  /** Attempt timeout of a webhook job that gives none (WEBHOOK_TIMEOUT_SECONDS). */
  defaultTimeoutSeconds: number
}

const fieldSpecs = {
  url: requiredText({
    description:
      'The URL to call, absolute http(s), e.g. https://example.com/hooks/reminder. Private and local addresses are refused unless the server allow-lists them.',
    example: 'https://example.com/hooks/reminder',
    missing:
      'the full http(s) URL to call, e.g. https://example.com/hooks/reminder; ask the user for it if they did not give one',
  }),
  method: optionalText({
    description: 'HTTP method. One of: GET, POST, PUT, PATCH, DELETE. Default POST.',
    example: 'POST',
  }),
  body: optionalText({
    description:
      'Request body as text, at most 256 KB. JSON text with double quotes (e.g. {"text":"Hi Ana"}) is sent as application/json, other text as text/plain. A Python dict such as {\'text\': \'Hi\'} is refused unless content_type says plain text. Not sent with GET.',
    example: '{"text":"Time to call Ana"}',
  }),
  content_type: optionalText({
    description:
      'Optional Content-Type of body, e.g. application/json or text/plain; default: application/json for JSON text, else text/plain. With a JSON type the body must be valid JSON.',
    example: 'application/json',
    max: 200,
  }),
  headers: structured(
    {
      description:
        'Extra request headers as a JSON object text, e.g. {"X-Api-Key":"abc"}. Values are stored write-only: never shown again.',
      example: '{"X-Api-Key":"abc123"}',
    },
    {
      description:
        'Extra request headers, name to value, e.g. {"X-Api-Key":"abc"}. Values are stored write-only: never shown again.',
      example: { 'X-Api-Key': 'abc123' },
      schema: z.record(z.string(), z.string()),
    },
  ),
}

function parseMethod(value: unknown): OutboundMethod {
  if (value === undefined || value === null || value === '') return 'POST'
  const method = String(value).trim().toUpperCase()
  if (!(WEBHOOK_METHODS as readonly string[]).includes(method)) {
    throw fieldProblem(
      'method',
      `"${String(value)}" is not a supported method.`,
      `Use one of: ${WEBHOOK_METHODS.join(', ')}.`,
    )
  }
  return method as OutboundMethod
}

function parseUrl(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : ''
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {
    url = undefined
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    text.length > MAX_URL_LENGTH
  ) {
    throw fieldProblem(
      'url',
      'must be an absolute http or https URL.',
      'Send the full URL, e.g. https://example.com/hooks/reminder; ask the user for it rather than guessing a host.',
    )
  }
  if (url.username || url.password) {
    throw fieldProblem(
      'url',
      'must not contain a user name or password.',
      'Put credentials in the headers field instead, e.g. {"Authorization":"Bearer …"}.',
    )
  }
  return url.toString()
}

function classify(err: unknown): Pick<ActionResult, 'errorClass' | 'errorMessage' | 'retryable'> {
  if (err instanceof OutboundError) {
    // A refused destination stays refused: retrying would only repeat the refusal.
    if (err.kind === 'blocked' || err.kind === 'invalid_url') {
      return { errorClass: ERROR_CLASS.blocked, errorMessage: err.message, retryable: false }
    }
    const errorClass = err.kind === 'aborted' ? ERROR_CLASS.shutdown : err.kind
    return { errorClass, errorMessage: err.message }
  }
  return {
    errorClass: ERROR_CLASS.internal,
    errorMessage: err instanceof Error ? err.message : String(err),
  }
}

export function createWebhookAction(
  deps: WebhookActionDeps,
): ActionDefinition<WebhookParams, WebhookSecrets> {
  async function checkDestination(url: string) {
    try {
      await assertUrlAllowed(url, deps.policy, deps.lookup)
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      throw fieldProblem(
        'url',
        `cannot be called: ${reason}`,
        'Use a public http(s) URL. An operator can admit internal hosts with WEBHOOK_ALLOWLIST.',
      )
    }
  }

  async function build(
    input: Record<string, unknown>,
    current?: PreparedAction<WebhookParams, WebhookSecrets>,
  ): Promise<PreparedAction<WebhookParams, WebhookSecrets>> {
    const given = (key: string) => input[key] !== undefined && input[key] !== null
    const url = given('url') || !current ? parseUrl(input.url) : current.params.url
    const method = given('method') || !current ? parseMethod(input.method) : current.params.method
    const headers =
      given('headers') || !current
        ? parseRequestHeaders('headers', input.headers)
        : current.secrets.headers
    const headerType = Object.entries(headers).find(
      ([name]) => name.toLowerCase() === 'content-type',
    )
    const contentType =
      given('content_type') || !current
        ? parseContentType(input.content_type)
        : (current.params.content_type ?? null)
    const { warnings, ...body } =
      given('body') || given('content_type') || !current
        ? parseBody(
            given('body') || !current ? input.body : current.params.body,
            method,
            contentType ?? headerType?.[1] ?? null,
          )
        : method === 'GET'
          ? { body: null, body_type: null, content_type: null, warnings: [] }
          : {
              body: current.params.body,
              body_type: current.params.body_type,
              content_type: current.params.content_type ?? null,
              warnings: [],
            }
    if (headerType && contentType && headerType[1] !== contentType) {
      warnings.push(
        `headers set Content-Type to "${headerType[1]}", which is sent instead of content_type "${contentType}".`,
      )
    }
    if (url !== current?.params.url) await checkDestination(url)
    return {
      params: {
        url,
        method,
        header_names: Object.keys(headers),
        ...body,
        content_type: headerType ? null : body.content_type,
      },
      secrets: { headers },
      warnings,
    }
  }

  return {
    kind: 'webhook',
    tool: {
      path: '/jobs/webhook',
      operationId: 'scheduleWebhook',
      summary: 'Schedule a webhook call',
      description:
        'Schedules an HTTP call to a URL: once (run_at or delay), repeatedly (every), or on a cron. Give exactly one of run_at, delay, every, cron. Returns the job, the next run times and a sentence to tell the user. Safe to retry: an identical call returns the same job.',
    },
    fields: flatShape(fieldSpecs),
    toolFields: mcpShape(fieldSpecs),
    requiredFields: ['url'],
    secretFields: { headers: (value) => ({ header_names: requestHeaderNames(value) }) },
    checkInput: async (input) => void (await build(input)),
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    prepare: (input) => build(input),
    prepareUpdate: (input, current) => build(input, current),
    describe: (params) => `${params.method} ${params.url}`,
    async execute({ params, secrets }, ctx) {
      const headers: Record<string, string> = {}
      let hasContentType = false
      for (const name in secrets.headers) {
        headers[name] = secrets.headers[name] as string
        if (!hasContentType && name.toLowerCase() === 'content-type') hasContentType = true
      }
      if (params.body !== null && !hasContentType) {
        headers['Content-Type'] =
          params.content_type ??
          (params.body_type === 'json' ? 'application/json' : 'text/plain; charset=utf-8')
      }
      headers['X-Job-Id'] = ctx.jobId
      headers['X-Execution-Id'] = ctx.executionId
      headers['X-Occurrence-At'] = ctx.occurrenceAt
      headers['X-Attempt'] = String(ctx.attempt)
      Object.assign(headers, deps.signer.headers(ctx.messageId, params.body ?? ''))
      const requestSummary = {
        method: params.method,
        url: params.url,
        header_names: Object.keys(headers),
        body_bytes: params.body === null ? 0 : Buffer.byteLength(params.body),
        webhook_id: ctx.messageId,
      }
      try {
        const response = await deps.outbound.request({
          url: params.url,
          method: params.method,
          headers,
          body: params.body ?? undefined,
          timeoutMs: ctx.timeoutMs,
          signal: ctx.signal,
          maxResponseBytes: deps.maxResponseBytes,
        })
        const ok = response.status >= 200 && response.status < 300
        return {
          ok,
          requestSummary,
          responseStatus: response.status,
          responseHeaders: response.headers,
          responseBody: response.body,
          responseTruncated: response.bodyTruncated,
          ...(ok
            ? {}
            : {
                errorClass: ERROR_CLASS.httpStatus,
                errorMessage: `The URL answered HTTP ${response.status}.`,
              }),
        }
      } catch (err) {
        return { ok: false, requestSummary, ...classify(err) }
      }
    },
  }
}
