/**
 * The one error the Evolution client throws, classified from Evolution's polymorphic error bodies
 * (../shared/reference/evolution-api.md §7) into what the caller can do about it.
 */

/**
 * - `not_on_whatsapp`: the number has no WhatsApp account (400 `exists: false`); permanent.
 * - `wrong_version`: a v1 body went to v2 or the reverse (400 `instance requires property`); re-probe.
 * - `rejected`: Evolution refused the request before sending (validation, other 4xx); permanent.
 * - `unauthorized`: the API key was refused (401/403); permanent until the operator fixes it.
 * - `instance_not_found`: no instance of that name (404); permanent until the operator fixes it.
 * - `not_found`: Evolution does not know the route (404): wrong base URL or version.
 * - `unavailable`: the WhatsApp socket is closed or the instance is not loaded; retry later.
 * - `upstream`: any other 400/5xx; for a send it may have come after delivery (§7.2).
 * - `timeout`, `network`, `aborted`: no (complete) answer.
 * - `protocol`: a 2xx answer we cannot read.
 */
export type EvolutionErrorKind =
  | 'not_on_whatsapp'
  | 'wrong_version'
  | 'rejected'
  | 'unauthorized'
  | 'instance_not_found'
  | 'not_found'
  | 'unavailable'
  | 'upstream'
  | 'timeout'
  | 'network'
  | 'aborted'
  | 'protocol'

export interface EvolutionErrorInit {
  kind: EvolutionErrorKind
  /** HTTP status, or null when Evolution never answered. */
  status: number | null
  /** A readable sentence; never contains the API key. */
  message: string
  /** Evolution's own messages, flattened. */
  details?: string[]
  /** True when a send may have reached WhatsApp despite the error: never resend it blindly. */
  maybeDelivered?: boolean
  cause?: unknown
}

export class EvolutionError extends Error {
  readonly kind: EvolutionErrorKind
  readonly status: number | null
  readonly details: string[]
  readonly maybeDelivered: boolean

  constructor(init: EvolutionErrorInit) {
    super(init.message, { cause: init.cause })
    this.name = 'EvolutionError'
    this.kind = init.kind
    this.status = init.status
    this.details = init.details ?? []
    this.maybeDelivered = init.maybeDelivered ?? false
  }
}

/** Kinds a scheduler may retry later without risking a duplicate message. */
export function isTransient(err: EvolutionError): boolean {
  return (
    !err.maybeDelivered &&
    (err.kind === 'unavailable' || err.kind === 'network' || err.kind === 'timeout')
  )
}

const MAX_DETAIL_LENGTH = 300

/** `body.response.message`, else `body.message`, else the body, flattened to strings (§7.1). */
export function errorDetails(body: unknown): string[] {
  const record = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  const response = record(record(body)?.response)
  const source = response?.message ?? record(body)?.message ?? body
  const out: string[] = []
  const visit = (value: unknown) => {
    if (Array.isArray(value)) for (const item of value) visit(item)
    else if (typeof value === 'string') out.push(value.slice(0, MAX_DETAIL_LENGTH))
    else if (value !== null && value !== undefined)
      out.push(JSON.stringify(value).slice(0, MAX_DETAIL_LENGTH))
  }
  visit(source)
  return out.filter((text) => text.length > 0)
}

const VALIDATION = /is required|is not of a type|does not match pattern|does not meet|must be/i
/** "Connection Closed" (socket down) and the instance-not-loaded crash (#1286, #1412). */
const UNAVAILABLE = /connection closed|cannot read properties of undefined|not connected/i

export interface ErrorContext {
  instance: string
  /** A send may have gone through on an ambiguous answer; a check or probe cannot. */
  isSend: boolean
}

/** Classifies a non-2xx answer. `body` is the parsed JSON (or the raw text when not JSON). */
export function errorFromResponse(
  status: number,
  body: unknown,
  ctx: ErrorContext,
): EvolutionError {
  const details = errorDetails(body)
  const text = details.join('; ')
  const quoted = text ? `: ${text}` : ''
  const make = (kind: EvolutionErrorKind, message: string, maybeDelivered = false) =>
    new EvolutionError({ kind, status, message, details, maybeDelivered })

  if (status === 401 || status === 403) {
    return make(
      'unauthorized',
      `Evolution API refused the API key (HTTP ${status}). The operator must check EVOLUTION_API_KEY.`,
    )
  }
  if (status === 404) {
    return /does not exist/i.test(text)
      ? make(
          'instance_not_found',
          `Evolution API has no instance "${ctx.instance}" (HTTP 404). The operator must check EVOLUTION_API_INSTANCE.`,
        )
      : make(
          'not_found',
          `Evolution API does not know this route (HTTP 404${quoted}). The operator must check EVOLUTION_API_URL.`,
        )
  }
  if (UNAVAILABLE.test(text)) {
    return make(
      'unavailable',
      `The WhatsApp connection of instance "${ctx.instance}" is not open (HTTP ${status}${quoted}). It must be reconnected in Evolution.`,
    )
  }
  if (status === 400 && /exists["']?\s*:\s*false/.test(text)) {
    return make('not_on_whatsapp', 'The number is not on WhatsApp.')
  }
  if (status === 400 && /requires property/i.test(text)) {
    return make('wrong_version', `Evolution API rejected the request format (HTTP 400${quoted}).`)
  }
  if (status >= 400 && status < 500 && (status !== 400 || VALIDATION.test(text) || !ctx.isSend)) {
    return make('rejected', `Evolution API rejected the request (HTTP ${status}${quoted}).`)
  }
  // Any other 400 or 5xx after a send may have followed the delivery (§7.2: #978, #1247).
  return make('upstream', `Evolution API failed (HTTP ${status}${quoted}).`, ctx.isSend)
}
