/**
 * A small client for the operator's Evolution API (WhatsApp): version probe, sendText and the number
 * check, for v1 and v2 (../shared/reference/evolution-api.md). The URL comes from configuration, not
 * from callers, so it uses plain fetch rather than the SSRF-guarded client.
 */
import { EvolutionError, errorFromResponse } from './errors.ts'

export interface EvolutionClientOptions {
  /** Base URL without a trailing slash, e.g. https://evo.example.com. */
  baseUrl: string
  apiKey: string
  instance: string
  /** Default timeout of one request. */
  timeoutMs: number
}

export interface CallOptions {
  signal?: AbortSignal
  /** Overrides the default timeout (e.g. what is left of an attempt). */
  timeoutMs?: number
}

export interface EvolutionVersion {
  /** As reported by GET /, e.g. 2.3.6. */
  version: string
  major: 1 | 2
}

export interface SentMessage {
  messageId: string
  /** Evolution's status, e.g. PENDING (accepted by the server, not yet delivered). */
  status: string | null
  remoteJid: string | null
  apiVersion: string
  /** 201 on v2; any 2xx on v1. */
  httpStatus: number
}

export interface NumberCheck {
  number: string
  exists: boolean
  jid: string | null
}

export interface EvolutionClient {
  readonly instance: string
  /** Probes GET / once per client (cached; concurrent callers share one probe). */
  version(options?: CallOptions): Promise<EvolutionVersion>
  sendText(number: string, text: string, options?: CallOptions): Promise<SentMessage>
  checkNumber(number: string, options?: CallOptions): Promise<NumberCheck>
}

/** Connect-phase failures: the request never left, so even a send is safe to retry. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** A typing pause of 1–3 s growing with the text (../shared/reference/evolution-api.md §9.2). */
export function typingDelayMs(text: string): number {
  return Math.min(3_000, 1_000 + 10 * text.length)
}

type Json = Record<string, unknown>
const asRecord = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined
const asString = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function createEvolutionClient(options: EvolutionClientOptions): EvolutionClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const instancePath = encodeURIComponent(options.instance)
  let probe: Promise<EvolutionVersion> | undefined

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    opts: CallOptions & { isSend: boolean; authenticated: boolean },
  ): Promise<{ status: number; body: unknown }> {
    const timeoutMs = opts.timeoutMs ?? options.timeoutMs
    const timeout = AbortSignal.timeout(Math.max(1, timeoutMs))
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (opts.authenticated) headers.apikey = options.apiKey
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        redirect: 'error',
      })
      return { status: response.status, body: parseBody(await response.text()) }
    } catch (err) {
      if (timeout.aborted) {
        throw new EvolutionError({
          kind: 'timeout',
          status: null,
          message: `Evolution API did not answer within ${Math.round(timeoutMs / 100) / 10} s.`,
          maybeDelivered: opts.isSend,
          cause: err,
        })
      }
      if (opts.signal?.aborted) {
        throw new EvolutionError({
          kind: 'aborted',
          status: null,
          message: 'The call to Evolution API was cancelled (server shutting down).',
          maybeDelivered: opts.isSend,
          cause: err,
        })
      }
      const code = String(asRecord((err as Error).cause)?.code ?? '')
      throw new EvolutionError({
        kind: 'network',
        status: null,
        message: `Evolution API cannot be reached${code ? ` (${code})` : ''}.`,
        maybeDelivered: opts.isSend && !NOT_SENT_CODES.has(code),
        cause: err,
      })
    }
  }

  async function probeVersion(callOptions: CallOptions): Promise<EvolutionVersion> {
    const answer = await call('GET', '/', undefined, {
      ...callOptions,
      isSend: false,
      authenticated: false,
    })
    const version = asString(asRecord(answer.body)?.version)
    const major = Number(version?.match(/^v?(\d+)\./)?.[1])
    if (answer.status < 200 || answer.status >= 300 || !version || !(major >= 1)) {
      throw new EvolutionError({
        kind: 'not_found',
        status: answer.status,
        message: `GET / on Evolution API did not report a version (HTTP ${answer.status}). The operator must check that EVOLUTION_API_URL is the Evolution API root.`,
      })
    }
    return { version, major: major === 1 ? 1 : 2 }
  }

  function version(callOptions: CallOptions = {}): Promise<EvolutionVersion> {
    if (!probe) {
      // Shared by concurrent callers, so one caller's cancellation must not fail the others.
      probe = probeVersion({ timeoutMs: callOptions.timeoutMs })
      probe.catch(() => {
        probe = undefined
      })
    }
    return probe
  }

  async function postSend(
    number: string,
    text: string,
    apiVersion: EvolutionVersion,
    callOptions: CallOptions,
  ): Promise<SentMessage> {
    // §3: v2 takes {number, text, delay}; v1 takes {number, options: {delay, presence}, textMessage}.
    // The typing delay (§9.2) makes Evolution show "composing" first and hold the request that long.
    const delay = typingDelayMs(text)
    const body =
      apiVersion.major === 1
        ? { number, options: { delay, presence: 'composing' }, textMessage: { text } }
        : { number, text, delay }
    const answer = await call('POST', `/message/sendText/${instancePath}`, body, {
      ...callOptions,
      timeoutMs: (callOptions.timeoutMs ?? options.timeoutMs) + delay,
      isSend: true,
      authenticated: true,
    })
    if (answer.status < 200 || answer.status >= 300) {
      throw errorFromResponse(answer.status, answer.body, {
        instance: options.instance,
        isSend: true,
      })
    }
    const key = asRecord(asRecord(answer.body)?.key)
    const messageId = asString(key?.id)
    if (!messageId) {
      throw new EvolutionError({
        kind: 'protocol',
        status: answer.status,
        message: `Evolution API answered HTTP ${answer.status} without a message id; the message may have been sent.`,
        maybeDelivered: true,
      })
    }
    return {
      messageId,
      status: asString(asRecord(answer.body)?.status),
      remoteJid: asString(key?.remoteJid),
      apiVersion: apiVersion.version,
      httpStatus: answer.status,
    }
  }

  return {
    instance: options.instance,
    version,
    async sendText(number, text, callOptions = {}) {
      const detected = await version(callOptions)
      try {
        return await postSend(number, text, detected, callOptions)
      } catch (err) {
        // §3.3: a body of the other major was refused before anything was sent: re-detect, resend once.
        if (!(err instanceof EvolutionError) || err.kind !== 'wrong_version') throw err
        probe = undefined
        const again = await version(callOptions)
        if (again.major === detected.major) throw err
        return postSend(number, text, again, callOptions)
      }
    },
    async checkNumber(number, callOptions = {}) {
      const answer = await call(
        'POST',
        `/chat/whatsappNumbers/${instancePath}`,
        { numbers: [number] },
        { ...callOptions, isSend: false, authenticated: true },
      )
      if (answer.status < 200 || answer.status >= 300) {
        throw errorFromResponse(answer.status, answer.body, {
          instance: options.instance,
          isSend: false,
        })
      }
      if (!Array.isArray(answer.body)) {
        throw new EvolutionError({
          kind: 'protocol',
          status: answer.status,
          message: 'Evolution API answered the number check with something other than a list.',
        })
      }
      const item = asRecord(answer.body[0])
      return {
        number: asString(item?.number) ?? number,
        exists: item?.exists === true,
        jid: asString(item?.jid),
      }
    },
  }
}
