/**
 * Caller-given request headers (a JSON object text field) for calls to caller-given URLs: webhook
 * jobs' `headers` and callbacks' `callback_headers`. Values are secrets: never echoed in a message.
 */

import { SIGNATURE_HEADERS } from '../outbound/signing.ts'
import { fieldProblem } from '../problem-error.ts'
import { parseJsonTextObject } from './json-text.ts'

const MAX_HEADERS = 30
/**
 * Headers the server sets on every delivery so receivers can deduplicate and verify it (X-Job-Id …,
 * and the Standard Webhooks signature headers); a caller cannot override them.
 */
const RESERVED_HEADERS = new Set([
  'x-job-id',
  'x-execution-id',
  'x-occurrence-at',
  'x-attempt',
  ...Object.values(SIGNATURE_HEADERS),
])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/**
 * What undici (and RFC 9110 §5.5) refuses in a header value: controls other than tab, DEL, and
 * anything above U+00FF. Accepted, such a value would fail every attempt as a network error.
 */
const UNSENDABLE_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/

/** The headers in `value` (JSON object text); {} when not given. Throws a 422 naming `field`. */
export function parseRequestHeaders(field: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === '') return {}
  const object = parseJsonTextObject(field, value, '{"X-Api-Key":"abc123"}')
  const entries = Object.entries(object)
  if (entries.length > MAX_HEADERS) {
    throw fieldProblem(field, `has more than ${MAX_HEADERS} headers.`, 'Send fewer headers.')
  }
  const headers: Record<string, string> = {}
  for (const [name, raw] of entries) {
    if (!HEADER_NAME.test(name)) {
      throw fieldProblem(
        field,
        `"${name}" is not a valid header name.`,
        'Use names like X-Api-Key.',
      )
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw fieldProblem(
        field,
        `${name} is set by the server.`,
        'Remove it; every call carries it already.',
      )
    }
    if (typeof raw === 'object' && raw !== null) {
      throw fieldProblem(field, `the value of ${name} must be text.`, 'Use {"Name":"value"} pairs.')
    }
    const text = String(raw)
    if (UNSENDABLE_HEADER_VALUE.test(text)) {
      // Never echo the value: header values are secrets.
      throw fieldProblem(
        field,
        `the value of ${name} contains a character HTTP headers cannot carry (a line break, a control character, or one outside Latin-1 such as an emoji or accented letters beyond ÿ).`,
        'Use plain ASCII in header values; percent-encode or base64 anything else.',
      )
    }
    headers[name] = text
  }
  return headers
}

/** The names in a headers field, for views that must not show the values; [] when unreadable. */
export function requestHeaderNames(value: unknown): string[] {
  try {
    return Object.keys(parseRequestHeaders('headers', value))
  } catch {
    return []
  }
}
