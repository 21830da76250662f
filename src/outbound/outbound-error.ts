// The single error type thrown by the outbound HTTP client, classified by `kind`.

export type OutboundErrorKind =
  | 'blocked'
  | 'timeout'
  | 'network'
  | 'invalid_url'
  | 'aborted'
  | 'too_many_redirects'

/**
 * A failed outbound request. `message` is safe to store and show to an agent: it names hosts
 * and origins but never header values, URL credentials, paths or query strings.
 */
export class OutboundError extends Error {
  readonly kind: OutboundErrorKind

  constructor(kind: OutboundErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OutboundError'
    this.kind = kind
  }
}

/** Thrown inside the connector when the policy refuses every address; mapped to `blocked`. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_OUTBOUND_BLOCKED'

  constructor(message: string) {
    super(message)
    this.name = 'BlockedAddressError'
  }
}
