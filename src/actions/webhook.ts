/** The webhook action: call a URL with a method, headers and body; 2xx is success, anything else a failed attempt. */
import { z } from '@hono/zod-openapi'
import { fieldProblem } from '../http/problem-error.ts'
import {
  type AddressPolicy,
  assertUrlAllowed,
  type HostResolver,
  type OutboundClient,
  OutboundError,
  type OutboundMethod,
} from '../outbound/index.ts'
import { ERROR_CLASS } from '../scheduler/states.ts'
import { parseJsonTextObject } from './json-text.ts'
import type { ActionDefinition, ActionResult, PreparedAction } from './types.ts'

export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const MAX_URL_LENGTH = 2048
const MAX_BODY_BYTES = 256 * 1024
const MAX_HEADERS = 30
/** Headers we set ourselves so receivers can deduplicate; callers cannot override them. */
const RESERVED_HEADERS = new Set(['x-job-id', 'x-execution-id', 'x-occurrence-at', 'x-attempt'])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export interface WebhookParams {
  url: string
  method: OutboundMethod
  /** Header names only; values are secrets. */
  header_names: string[]
  body: string | null
  body_type: 'json' | 'text' | null
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
  /** Attempt timeout of a webhook job that gives none (WEBHOOK_TIMEOUT_SECONDS). */
  defaultTimeoutSeconds: number
}

const fields = {
  url: z.string().openapi({
    description:
      'The URL to call, absolute http(s), e.g. https://example.com/hooks/reminder. Private and local addresses are refused unless the server allow-lists them.',
    example: 'https://example.com/hooks/reminder',
  }),
  method: z.string().nullish().openapi({
    description: 'HTTP method. One of: GET, POST, PUT, PATCH, DELETE. Default POST.',
    example: 'POST',
  }),
  body: z.string().nullish().openapi({
    description:
      'Request body as text. JSON text (e.g. {"text":"Hi Ana"}) is sent as application/json; anything else as text/plain. Ignored for GET.',
    example: '{"text":"Time to call Ana"}',
  }),
  headers: z.string().nullish().openapi({
    description:
      'Extra request headers as a JSON object text, e.g. {"X-Api-Key":"abc"}. Values are stored write-only: never shown again.',
    example: '{"X-Api-Key":"abc123"}',
  }),
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
      'Send the full URL, e.g. https://example.com/hooks/reminder.',
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

function parseHeaders(value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === '') return {}
  const object = parseJsonTextObject('headers', value, '{"X-Api-Key":"abc123"}')
  const entries = Object.entries(object)
  if (entries.length > MAX_HEADERS) {
    throw fieldProblem('headers', `has more than ${MAX_HEADERS} headers.`, 'Send fewer headers.')
  }
  const headers: Record<string, string> = {}
  for (const [name, raw] of entries) {
    if (!HEADER_NAME.test(name)) {
      throw fieldProblem(
        'headers',
        `"${name}" is not a valid header name.`,
        'Use names like X-Api-Key.',
      )
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw fieldProblem(
        'headers',
        `${name} is set by the server.`,
        'Remove it; every call carries it already.',
      )
    }
    if (typeof raw === 'object' && raw !== null) {
      throw fieldProblem(
        'headers',
        `the value of ${name} must be text.`,
        'Use {"Name":"value"} pairs.',
      )
    }
    const text = String(raw)
    if (/[\r\n\0]/.test(text)) {
      throw fieldProblem(
        'headers',
        `the value of ${name} contains a line break.`,
        'Remove line breaks.',
      )
    }
    headers[name] = text
  }
  return headers
}

function parseBody(
  value: unknown,
  method: OutboundMethod,
): Pick<WebhookParams, 'body' | 'body_type'> {
  if (value === undefined || value === null || value === '' || method === 'GET') {
    return { body: null, body_type: null }
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw fieldProblem(
      'body',
      `is larger than ${MAX_BODY_BYTES / 1024} KB.`,
      'Send a smaller body.',
    )
  }
  try {
    JSON.parse(text)
    return { body: text, body_type: 'json' }
  } catch {
    return { body: text, body_type: 'text' }
  }
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
      given('headers') || !current ? parseHeaders(input.headers) : current.secrets.headers
    const body =
      given('body') || !current
        ? parseBody(input.body, method)
        : method === 'GET'
          ? { body: null, body_type: null }
          : { body: current.params.body, body_type: current.params.body_type }
    if (url !== current?.params.url) await checkDestination(url)
    return {
      params: { url, method, header_names: Object.keys(headers), ...body },
      secrets: { headers },
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
    fields,
    requiredFields: ['url'],
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
          params.body_type === 'json' ? 'application/json' : 'text/plain; charset=utf-8'
      }
      headers['X-Job-Id'] = ctx.jobId
      headers['X-Execution-Id'] = ctx.executionId
      headers['X-Occurrence-At'] = ctx.occurrenceAt
      headers['X-Attempt'] = String(ctx.attempt)
      const requestSummary = {
        method: params.method,
        url: params.url,
        header_names: Object.keys(headers),
        body_bytes: params.body === null ? 0 : Buffer.byteLength(params.body),
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
