/** The one error the Dify client throws: what Dify (or the network) said, plus what to do about it. */

/**
 * - `dify`: Dify answered with an error (an HTTP error envelope, an `error` stream event, a failed workflow run);
 * - `protocol`: Dify's answer could not be understood (not JSON, a stream without message_end, too large);
 * - `timeout`: no complete answer within the call's timeout;
 * - `network`: Dify could not be reached;
 * - `aborted`: the caller's signal ended the call (shutdown).
 */
export type DifyErrorKind = 'dify' | 'protocol' | 'timeout' | 'network' | 'aborted'

export interface DifyErrorInit {
  kind: DifyErrorKind
  /** HTTP status (or the `status` of a stream error event); null when Dify never answered. */
  status: number | null
  /** Dify's error code (e.g. `invalid_param`), or ours (`timeout`, `network`, `bad_response`). */
  code: string
  /** Dify's own message, or ours; never contains the API key. */
  message: string
  cause?: unknown
}

export class DifyError extends Error {
  readonly kind: DifyErrorKind
  readonly status: number | null
  readonly code: string
  /** Dify's (or our) message without the hint. */
  readonly detail: string

  constructor(init: DifyErrorInit) {
    super(init.message, { cause: init.cause })
    this.name = 'DifyError'
    this.kind = init.kind
    this.status = init.status
    this.code = init.code
    this.detail = init.message
  }

  /** What a person (or agent) should do about it, by status and code. */
  get hint(): string {
    return hintFor(this)
  }

  /** One readable sentence or two: what happened, then what to do. */
  describe(): string {
    const head =
      this.kind === 'dify'
        ? `Dify answered ${this.status ?? 'an error'}${this.code ? ` ${this.code}` : ''}: ${this.detail}`
        : this.detail
    const hint = this.hint
    return hint ? `${head.replace(/[.\s]*$/, '.')} ${hint}` : head
  }
}

function hintFor(error: DifyError): string {
  if (error.kind === 'timeout') {
    return 'Dify may still be working; give the job a larger timeout_seconds (or raise DIFY_TIMEOUT_SECONDS).'
  }
  if (error.kind === 'network') return 'Check DIFY_API_URL and that Dify is running.'
  if (error.kind === 'aborted' || error.kind === 'protocol') return ''
  if (error.code === 'conversation_not_exists' || /conversation/i.test(error.detail)) {
    if (error.status === 404) {
      return 'The conversation_id does not exist for this user; leave conversation_id empty to start a new conversation.'
    }
  }
  switch (error.status) {
    case 400:
      return 'Check the inputs and query against listDifyApps (required variables, allowed values).'
    case 401:
    case 403:
      return "The app's API key in DIFY_APPS is wrong or was revoked; create a new key under the app's API Access page."
    case 404:
      return 'Dify does not know this resource; check that the app is published and its API is enabled.'
    case 429:
      return 'Dify is rate limiting; the run is retried later.'
    default:
      return error.status !== null && error.status >= 500
        ? 'Dify failed internally; the run is retried if attempts remain.'
        : ''
  }
}
