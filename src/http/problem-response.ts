/** Renders every error as RFC 9457 application/problem+json, and turns zod failures into field errors. */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ZodError } from 'zod'
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable.ts'
import type { Logger } from '../logger.ts'
import { type FieldError, ProblemError, validationProblem } from '../problem-error.ts'
import type { AppEnv } from './app-env.ts'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'
const PROBLEM_TYPE_BASE = 'urn:agent-tool-server:problem:'
/** RFC 9110 §11.6.1: every 401 names the scheme (and realm) to answer with. */
export const WWW_AUTHENTICATE = 'Bearer realm="agent-tool-server"'

/** Where a problem happened, for its body: the request's path, id and time. */
export interface ProblemScene {
  instance: string
  requestId: string
  now: Date
}

/** The RFC 9457 body of `problem`: the same members whichever face answers it. */
export function problemBody(problem: ProblemError, scene: ProblemScene): Record<string, unknown> {
  // Extensions first: a member named like a standard one (status, type…) can never replace it.
  return {
    ...problem.extensions,
    type: `${PROBLEM_TYPE_BASE}${problem.type}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(problem.errors ? { errors: problem.errors } : {}),
    instance: scene.instance,
    request_id: scene.requestId,
    now: scene.now.toISOString(),
  }
}

function render(c: Context<AppEnv>, problem: ProblemError): Response {
  const body = problemBody(problem, {
    instance: c.req.path,
    requestId: c.get('requestId'),
    now: c.get('clock').now(),
  })
  return new Response(JSON.stringify(body), {
    status: problem.status,
    headers: {
      ...(problem.status === 401 ? { 'WWW-Authenticate': WWW_AUTHENTICATE } : {}),
      ...problem.headers,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Cache-Control': 'no-store',
    },
  })
}

/** Hono's own exceptions (malformed JSON, body limit) keep their status with a readable body. */
function fromHttpException(err: HTTPException): ProblemError {
  if (err.status === 413) {
    return new ProblemError({
      status: 413,
      type: 'payload-too-large',
      title: 'Request body too large',
      detail: 'The request body is larger than this server accepts. Send a smaller body.',
    })
  }
  if (err.status === 400) {
    return new ProblemError({
      status: 400,
      type: 'malformed-request',
      title: 'Malformed request',
      detail: `${err.message || 'The request could not be read'}. Send a JSON object with Content-Type: application/json, e.g. {"name":"Remind Ana"}.`,
    })
  }
  return new ProblemError({
    status: err.status,
    type: 'http-error',
    title: err.message || 'Request failed',
    detail: err.message || 'The request failed.',
  })
}

/**
 * 503, not 500: nothing is wrong with the request, and a transaction cut off by the outage rolled
 * back, so the caller may send the same request again (creates are idempotent). The words cover
 * overload too: a request that waited past the pool's connection timeout for a free connection
 * fails with the same pg error as one that could not connect at all.
 */
function databaseUnavailable(cause: unknown): ProblemError {
  return new ProblemError({
    status: 503,
    type: 'database-unavailable',
    title: 'Database unavailable',
    detail: `The server cannot reach its database right now (it is down or too busy), so nothing was stored or changed. This is temporary: send the same request again in ${DATABASE_RETRY_AFTER_SECONDS} seconds or so.`,
    headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
    cause,
  })
}

/**
 * The problem to answer for any error: a ProblemError as it is, Hono's exceptions and a database
 * outage as theirs, anything else a generic 500 naming the request id, its details only in the log.
 */
export function problemFor(err: unknown, { log, requestId }: { log: Logger; requestId: string }) {
  if (err instanceof ProblemError) return err
  if (err instanceof HTTPException) return fromHttpException(err)
  if (isDatabaseUnavailable(err)) {
    log.warn({ err: { message: (err as Error).message } }, 'database unavailable; answered 503')
    return databaseUnavailable(err)
  }
  log.error({ err }, 'unhandled error')
  return new ProblemError({
    status: 500,
    type: 'internal-error',
    title: 'Internal server error',
    detail: `Something went wrong on the server. It has been logged with request id ${requestId}; try again later.`,
  })
}

export const handleError: ErrorHandler<AppEnv> = (err, c) =>
  render(c, problemFor(err, { log: c.get('log'), requestId: c.get('requestId') }))

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  render(
    c,
    new ProblemError({
      status: 404,
      type: 'not-found',
      title: 'No such endpoint',
      detail: `${c.req.method} ${c.req.path} does not exist. The tool list is at /openapi.json and the docs at /docs.`,
    }),
  )

function hintFor(issue: ZodError['issues'][number]): string {
  switch (issue.code) {
    case 'invalid_type': {
      // zod 4 leaves `input` off issues; its message ends "received <type>".
      const received = /received (\w+)/.exec(issue.message)?.[1]
      const missing =
        issue.input === undefined && (received === undefined || /^(undefined|null)$/.test(received))
      return missing || issue.input === null
        ? `Provide this field (expected ${issue.expected}).`
        : `Send a ${issue.expected}, not a ${received ?? typeof issue.input}.`
    }
    case 'invalid_value':
      return `Use one of: ${issue.values.map(String).join(', ')}.`
    case 'too_small':
      return `Use a value of at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}.`
    case 'too_big':
      return `Use a value of at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}.`
    case 'invalid_format':
      return `Send a valid ${issue.format}.`
    case 'unrecognized_keys':
      return `Remove these fields: ${issue.keys.join(', ')}.`
    default:
      return 'Correct this value and call again.'
  }
}

/** Every zod issue becomes a FieldError; a custom `hint` param on the issue wins over the generic one. */
export function zodToProblem(error: ZodError, target: string): ProblemError {
  const errors: FieldError[] = error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : target
    const params = (issue as { params?: { hint?: string } }).params
    return { field, message: issue.message, hint: params?.hint ?? hintFor(issue) }
  })
  return validationProblem(errors)
}
