// The outbound HTTP client for webhook calls: SSRF-guarded, time- and size-limited, redirects re-checked per hop.

import { Agent, type Dispatcher } from 'undici'
import type { AddressPolicy } from './address-policy.ts'
import {
  createGuardedConnector,
  type HostResolver,
  resolveAllowedAddresses,
  systemResolver,
} from './guarded-connector.ts'
import { BlockedAddressError, OutboundError } from './outbound-error.ts'
import { ResponseCollector } from './response-collector.ts'

export type OutboundMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface OutboundRequest {
  url: string
  method: OutboundMethod
  headers?: Record<string, string>
  body?: string
  /** Deadline for the whole call: every redirect hop and reading the body. */
  timeoutMs: number
  /** Caller cancellation; ends the call with kind `aborted`. */
  signal?: AbortSignal
  /** Bytes of response body kept; the rest is not downloaded. Default 16 KiB. */
  maxResponseBytes?: number
  /** Redirects followed before failing with `too_many_redirects`. Default 5; 0 refuses all. */
  maxRedirects?: number
}

export interface OutboundResponse {
  status: number
  /** Only content-type, content-length, location, retry-after and x-request-id (lower-case keys). */
  headers: Record<string, string>
  /** UTF-8 text of at most maxResponseBytes bytes, cut on a character boundary. */
  body: string
  bodyTruncated: boolean
  durationMs: number
  /** URL of the response returned (after redirects). */
  finalUrl: string
}

export interface OutboundClientOptions {
  policy: AddressPolicy
  /** Sent as User-Agent on every request (a caller-supplied User-Agent is replaced). */
  userAgent: string
  /** Hostname resolver; defaults to the system resolver. Tests inject one to simulate DNS. */
  lookup?: HostResolver
  /** Socket connect timeout in milliseconds. Default 10 000. */
  connectTimeoutMs?: number
}

export interface OutboundClient {
  /** Sends the request. Non-2xx statuses are results; failures throw OutboundError. */
  request(options: OutboundRequest): Promise<OutboundResponse>
  /** Closes every connection at once; call it after the last request has settled. */
  close(): Promise<void>
}

export interface UrlCheck {
  url: URL
  /** Addresses the URL's host may be contacted on right now. */
  addresses: string[]
  reason: string
}

export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024
export const DEFAULT_MAX_REDIRECTS = 5

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** A redirect's body is read up to this much (so its connection can be reused) and dropped. */
const REDIRECT_DRAIN_BYTES = 64 * 1024

function isRedirect(status: number, headers: Dispatcher.ResponseData['headers']): boolean {
  return REDIRECT_STATUSES.has(status) && headers.location !== undefined
}

function drainRedirect(status: number, headers: Dispatcher.ResponseData['headers']) {
  return isRedirect(status, headers) ? REDIRECT_DRAIN_BYTES : undefined
}

const RESULT_HEADERS = ['content-type', 'content-length', 'location', 'retry-after', 'x-request-id']

/** Hop-by-hop or client-managed headers: silently dropped from the caller's headers. */
const MANAGED_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'content-length',
  'user-agent',
])

/** Caller headers kept when a redirect leaves the original origin; every other one is dropped. */
const CROSS_ORIGIN_SAFE_HEADERS = new Set([
  'accept',
  'accept-language',
  'content-language',
  'content-type',
])

/** Headers that describe the request body: removed when a redirect drops the body. */
const BODY_HEADERS = new Set([
  'content-type',
  'content-language',
  'content-encoding',
  'content-location',
])

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])

/** Parses and validates a target URL: absolute, http(s) only, no embedded credentials. */
export function parseTargetUrl(input: string | URL, base?: URL): URL {
  let url: URL
  try {
    url = new URL(input, base)
  } catch {
    throw new OutboundError(
      'invalid_url',
      base ? 'redirect Location is not a valid URL' : 'URL is not a valid absolute URL',
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundError(
      'invalid_url',
      `${base ? 'redirect to ' : ''}scheme "${url.protocol}" is not supported; use http: or https:`,
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new OutboundError(
      'invalid_url',
      'URLs with credentials (user:password@host) are not supported; send an Authorization header instead',
    )
  }
  return url
}

/** A caller's target URL, parsed once, with the parts every request to it needs. Never mutated. */
interface Target {
  url: URL
  origin: string
  path: string
}

function toTarget(url: URL): Target {
  return { url, origin: url.origin, path: `${url.pathname}${url.search}` }
}

/** Parsed target URLs by text: a job calls the same URL on every occurrence. */
const knownTargets = new Map<string, Target>()
const KNOWN_TARGETS_MAX = 1_000

/** The target of a caller's URL, remembering recent ones (parsing and `origin` cost ~5 µs per call). */
function parseTarget(input: string): Target {
  const known = knownTargets.get(input)
  if (known) return known
  const target = toTarget(parseTargetUrl(input))
  // Oldest first out: Map keeps insertion order.
  if (knownTargets.size >= KNOWN_TARGETS_MAX) {
    const oldest = knownTargets.keys().next().value
    if (oldest !== undefined) knownTargets.delete(oldest)
  }
  knownTargets.set(input, target)
  return target
}

/**
 * Pre-check for job creation: validates the URL and resolves its host now, so the API can answer
 * 422 early. Throws OutboundError (`invalid_url`, `blocked`, or `network` when DNS fails). DNS may
 * change before the job runs; the real guarantee is the connect-time check in the client.
 */
export async function assertUrlAllowed(
  url: string | URL,
  policy: AddressPolicy,
  lookup: HostResolver = systemResolver,
): Promise<UrlCheck> {
  const target = parseTargetUrl(url)
  try {
    const allowed = await resolveAllowedAddresses(target.hostname, policy, lookup)
    return {
      url: target,
      addresses: allowed.addresses.map((a) => a.address),
      reason: allowed.reason,
    }
  } catch (error) {
    if (error instanceof BlockedAddressError) {
      throw new OutboundError('blocked', `${target.origin} is not allowed: ${error.message}`)
    }
    const code = errorCode(error)
    throw new OutboundError(
      'network',
      `could not resolve ${target.hostname}${code ? ` (${code})` : ''}`,
      { cause: error },
    )
  }
}

/** Creates a client whose every connection is checked against `policy`. */
export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const agent = new Agent({
    connect: createGuardedConnector({
      policy: options.policy,
      resolve: options.lookup ?? systemResolver,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    }),
  })

  async function request(req: OutboundRequest): Promise<OutboundResponse> {
    const started = performance.now()
    const maxBytes = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    const maxRedirects = req.maxRedirects ?? DEFAULT_MAX_REDIRECTS
    assertCount('timeoutMs', req.timeoutMs, 1, MAX_TIMER_MS)
    assertCount('maxResponseBytes', maxBytes, 0)
    assertCount('maxRedirects', maxRedirects, 0)

    let target = parseTarget(req.url)
    // One timer for the whole call and one listener on the caller's signal, both ending whichever
    // hop is in progress.
    let stoppedBy: StopCause | undefined
    let current: ResponseCollector | undefined
    const stop = (cause: StopCause, reason: Error) => {
      if (stoppedBy) return
      stoppedBy = cause
      current?.abort(reason)
    }
    const onCallerAbort = () => {
      const reason = req.signal?.reason
      stop('caller', reason instanceof Error ? reason : new DOMException('Aborted.', 'AbortError'))
    }
    const deadline = setTimeout(
      () => stop('deadline', new DOMException('The deadline passed.', 'TimeoutError')),
      req.timeoutMs,
    )
    if (req.signal?.aborted) onCallerAbort()
    else req.signal?.addEventListener('abort', onCallerAbort, { once: true })
    let method: OutboundMethod = req.method
    let body = req.body
    let headers = callerHeaders(req.headers)
    headers['user-agent'] = options.userAgent
    let redirects = 0

    try {
      for (;;) {
        if (stoppedBy) throw new Error(`stopped by ${stoppedBy}`)
        const exchange = new ResponseCollector({ limit: maxBytes, discardBody: drainRedirect })
        current = exchange
        agent.dispatch(
          { origin: target.origin, path: target.path, method, headers, body },
          exchange,
        )
        const res = await exchange.done
        const location = headerValue(res.headers.location)

        if (location !== undefined && isRedirect(res.status, res.headers)) {
          if (redirects >= maxRedirects) {
            throw new OutboundError(
              'too_many_redirects',
              `more than ${maxRedirects} redirect${maxRedirects === 1 ? '' : 's'} (last from ${target.origin})`,
            )
          }
          const next = toTarget(parseTargetUrl(location, target.url))
          if (next.origin !== target.origin) headers = pick(headers, CROSS_ORIGIN_SAFE_HEADERS)
          const toGet =
            (res.status === 303 && method !== 'GET') ||
            ((res.status === 301 || res.status === 302) && method === 'POST')
          if (toGet) {
            method = 'GET'
            body = undefined
            headers = omit(headers, BODY_HEADERS)
          }
          headers['user-agent'] = options.userAgent
          target = next
          redirects++
          continue
        }

        return {
          status: res.status,
          headers: resultHeaders(res.headers),
          body: res.body.subarray(0, utf8SafeLength(res.body, res.truncated)).toString('utf8'),
          bodyTruncated: res.truncated,
          durationMs: Math.round(performance.now() - started),
          finalUrl: target.url.href,
        }
      }
    } catch (error) {
      throw toOutboundError(error, {
        url: target.url,
        stoppedBy,
        timeoutMs: req.timeoutMs,
      })
    } finally {
      clearTimeout(deadline)
      req.signal?.removeEventListener('abort', onCallerAbort)
    }
  }

  return {
    request,
    // destroy, not close: a call that timed out while its connection was still being made leaves
    // that attempt running (up to the connect timeout; nothing is sent on it), and close() would wait
    // for it. Callers close after their last call has settled (the runtime, after the engine stops).
    close: () => agent.destroy(),
  }
}

/** Node fires longer timers after 1 ms (with a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1

function assertCount(
  name: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}`)
  }
}

function callerHeaders(input: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!input) return out
  for (const name of Object.keys(input)) {
    const key = name.toLowerCase()
    if (!MANAGED_HEADERS.has(key)) out[key] = input[name] as string
  }
  return out
}

function pick(headers: Record<string, string>, keep: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => keep.has(k)))
}

function omit(headers: Record<string, string>, drop: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !drop.has(k)))
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

function resultHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of RESULT_HEADERS) {
    const value = headerValue(raw[name])
    if (value !== undefined) out[name] = value
  }
  return out
}

/** Length without a trailing partial UTF-8 sequence (only relevant when the body was cut). */
function utf8SafeLength(bytes: Buffer, cut: boolean): number {
  if (!cut) return bytes.length
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0
    if ((byte & 0xc0) === 0x80) continue // continuation byte: keep looking for the lead byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needed > back ? bytes.length - back : bytes.length
  }
  return bytes.length
}

/** What ended a call early: its deadline or the caller's signal. */
type StopCause = 'deadline' | 'caller'

interface ErrorContext {
  url: URL
  stoppedBy: StopCause | undefined
  timeoutMs: number
}

function toOutboundError(error: unknown, ctx: ErrorContext): OutboundError {
  if (error instanceof OutboundError) return error
  const blocked = findInChain(error, (e) => e instanceof BlockedAddressError)
  if (blocked) {
    return new OutboundError('blocked', `refused to contact ${ctx.url.origin}: ${blocked.message}`)
  }
  if (ctx.stoppedBy === 'deadline') return timeoutError(ctx, error)
  if (ctx.stoppedBy === 'caller') {
    return new OutboundError('aborted', `request to ${ctx.url.origin} was aborted by the caller`, {
      cause: error,
    })
  }
  const coded = findInChain(error, (e) => typeof (e as { code?: unknown }).code === 'string')
  const code = coded ? errorCode(coded) : undefined
  if (code && TIMEOUT_CODES.has(code)) return timeoutError(ctx, error)
  const detail = coded?.message ?? (error instanceof Error ? error.message : String(error))
  return new OutboundError('network', `request to ${ctx.url.origin} failed: ${detail}`, {
    cause: error,
  })
}

function timeoutError(ctx: ErrorContext, cause: unknown): OutboundError {
  return new OutboundError(
    'timeout',
    `no complete response from ${ctx.url.origin} within ${ctx.timeoutMs} ms`,
    { cause },
  )
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Depth-first search through `cause` links and AggregateError members. */
function findInChain(error: unknown, test: (e: Error) => boolean, depth = 0): Error | undefined {
  if (!(error instanceof Error) || depth > 8) return undefined
  if (test(error)) return error
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = findInChain(inner, test, depth + 1)
      if (found) return found
    }
  }
  return findInChain(error.cause, test, depth + 1)
}
