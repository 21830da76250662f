/**
 * The one error type that carries an HTTP status and an RFC 9457 problem body.
 * Domain code throws it; the app's error handler renders it as application/problem+json.
 */

/** One bad input field, written so an LLM can correct its next call. */
export interface FieldError {
  /** Path of the field, e.g. `timezone` or `headers.Authorization`. */
  field: string
  /** What is wrong with the value. */
  message: string
  /** How to fix it, ideally with an example value. */
  hint: string
}

export interface ProblemInit {
  status: number
  /** Short slug that identifies the problem type, e.g. `validation-error`. */
  type: string
  title: string
  detail: string
  errors?: FieldError[]
  /** Extra members merged into the body (e.g. `allowed`, `job_id`). Never put secrets here. */
  extensions?: Record<string, unknown>
  /** Response headers the status calls for (`WWW-Authenticate` on 401, `Retry-After` on 503). */
  headers?: Record<string, string>
  cause?: unknown
}

export class ProblemError extends Error {
  readonly status: number
  readonly type: string
  readonly title: string
  readonly detail: string
  readonly errors: FieldError[] | undefined
  readonly extensions: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(init: ProblemInit) {
    super(init.detail, { cause: init.cause })
    this.name = 'ProblemError'
    this.status = init.status
    this.type = init.type
    this.title = init.title
    this.detail = init.detail
    this.errors = init.errors
    this.extensions = init.extensions ?? {}
    this.headers = init.headers ?? {}
  }
}

/** A 422 for one or more bad fields: the common case for agent mistakes. */
export function validationProblem(errors: FieldError[], detail?: string): ProblemError {
  const fields = errors.map((e) => e.field).join(', ')
  return new ProblemError({
    status: 422,
    type: 'validation-error',
    title: 'Invalid request',
    detail: detail ?? `Fix these fields and call again: ${fields}.`,
    errors,
  })
}

/** Shorthand for a single bad field. */
export function fieldProblem(field: string, message: string, hint: string): ProblemError {
  return validationProblem([{ field, message, hint }], `${field}: ${message}`)
}

/** A 422 for text PostgreSQL cannot store: a NUL character or a lone UTF-16 surrogate. */
export function unstorableTextProblem(field: string): ProblemError {
  return fieldProblem(
    field,
    'contains a NUL character (U+0000) or a lone UTF-16 surrogate (half of an emoji), which cannot be stored.',
    'Remove that character; send binary data as base64 text, and emoji whole.',
  )
}

export function notFoundProblem(what: string, detail: string): ProblemError {
  return new ProblemError({ status: 404, type: 'not-found', title: `${what} not found`, detail })
}

export function conflictProblem(
  detail: string,
  extensions?: Record<string, unknown>,
): ProblemError {
  return new ProblemError({
    status: 409,
    type: 'conflict',
    title: 'Conflict with the current state',
    detail,
    extensions,
  })
}
