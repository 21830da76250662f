/**
 * The client for Dify's service API (/v1). Dify's URL comes from the operator (DIFY_API_URL), not
 * from agents, so this is a plain undici client, not the SSRF-guarded one webhooks use.
 */
import type { Readable } from 'node:stream'
import { Agent, type Dispatcher } from 'undici'
import { DifyError } from './errors.ts'
import {
  AnswerStream,
  errorFromResponse,
  parseBlockingAnswer,
  parseInfo,
  parseJsonObject,
  parseParameters,
  parseWorkflowRun,
} from './parse.ts'
import { createSseParser } from './sse.ts'
import type {
  DifyAnswer,
  DifyAppInfo,
  DifyCallOptions,
  DifyChatInput,
  DifyInputVariable,
  DifyRunInput,
  DifyWorkflowRun,
} from './types.ts'

/** A blocking answer larger than this is refused rather than held in memory. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024
const MAX_ERROR_BODY_BYTES = 64 * 1024
export const DEFAULT_MAX_ANSWER_CHARS = 100_000
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])

export interface DifyClientOptions {
  /** Normalised base URL ending in /v1 (see normaliseDifyApiUrl). */
  baseUrl: string
  userAgent: string
  connectTimeoutMs?: number
  /** Longest answer kept; longer ones are cut and flagged. */
  maxAnswerChars?: number
}

export interface DifyClient {
  /** POST /workflows/run, blocking. A run Dify reports as failed is returned, not thrown. */
  runWorkflow(input: DifyRunInput, call: DifyCallOptions): Promise<DifyWorkflowRun>
  /** POST /chat-messages, blocking (chatbot and chatflow apps). */
  sendChatMessage(input: DifyChatInput, call: DifyCallOptions): Promise<DifyAnswer>
  /** POST /completion-messages, blocking. */
  sendCompletion(input: DifyRunInput, call: DifyCallOptions): Promise<DifyAnswer>
  /** POST /chat-messages, streaming (agent apps accept nothing else): the answer up to message_end. */
  runAgent(input: DifyChatInput, call: DifyCallOptions): Promise<DifyAnswer>
  /** GET /parameters: the app's input variables. */
  getParameters(call: DifyCallOptions): Promise<DifyInputVariable[]>
  /** GET /info: the app's name, description and (Dify 1.x) mode. */
  getInfo(call: DifyCallOptions): Promise<DifyAppInfo>
  close(): Promise<void>
}

interface Exchange {
  method: 'GET' | 'POST'
  path: string
  body?: Record<string, unknown>
}

export function createDifyClient(options: DifyClientOptions): DifyClient {
  const base = new URL(`${options.baseUrl}/`)
  const maxAnswerChars = options.maxAnswerChars ?? DEFAULT_MAX_ANSWER_CHARS
  // Our own deadline governs every call (answers may take minutes), so undici's 300 s defaults are off.
  const agent = new Agent({
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  })

  async function exchange<T>(
    request: Exchange,
    call: DifyCallOptions,
    read: (body: Readable, contentType: string) => Promise<T>,
  ): Promise<T> {
    const url = new URL(request.path, base)
    const timeoutSignal = AbortSignal.timeout(call.timeoutMs)
    const signal = call.signal ? AbortSignal.any([call.signal, timeoutSignal]) : timeoutSignal
    try {
      signal.throwIfAborted()
      const res: Dispatcher.ResponseData = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: {
          authorization: `Bearer ${call.apiKey}`,
          'user-agent': options.userAgent,
          accept: 'application/json, text/event-stream',
          ...(request.body ? { 'content-type': 'application/json' } : {}),
        },
        body: request.body ? JSON.stringify(request.body) : null,
        signal,
      })
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const text = await readText(res.body, MAX_ERROR_BODY_BYTES, false)
        throw errorFromResponse(res.statusCode, text)
      }
      return await read(res.body, String(res.headers['content-type'] ?? ''))
    } catch (err) {
      throw toDifyError(err, { origin: url.origin, call, timeoutSignal })
    }
  }

  const readJson = (what: string) => async (body: Readable) =>
    parseJsonObject(await readText(body, MAX_RESPONSE_BYTES, true), what)

  async function readAnswerStream(body: Readable, contentType: string): Promise<DifyAnswer> {
    // A chat app answers a streaming request the same way; a JSON body means Dify chose blocking.
    if (contentType.includes('application/json')) {
      return parseBlockingAnswer(await readJson('chat-messages')(body), maxAnswerChars)
    }
    const stream = new AnswerStream(maxAnswerChars)
    const parser = createSseParser()
    const decoder = new TextDecoder()
    for await (const chunk of body as AsyncIterable<Buffer>) {
      for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
        stream.accept(event)
        if (stream.done) return stream.result() // leaving the loop closes the stream
      }
    }
    for (const event of [...parser.push(decoder.decode()), ...parser.end()]) {
      stream.accept(event)
      if (stream.done) break
    }
    return stream.result()
  }

  const chatBody = (input: DifyChatInput, responseMode: 'blocking' | 'streaming') => ({
    inputs: input.inputs,
    query: input.query,
    response_mode: responseMode,
    user: input.user,
    ...(input.conversationId ? { conversation_id: input.conversationId } : {}),
  })

  return {
    async runWorkflow(input, call) {
      const body = { inputs: input.inputs, response_mode: 'blocking', user: input.user }
      const json = await exchange(
        { method: 'POST', path: 'workflows/run', body },
        call,
        readJson('workflows/run'),
      )
      return parseWorkflowRun(json)
    },
    async sendChatMessage(input, call) {
      const json = await exchange(
        { method: 'POST', path: 'chat-messages', body: chatBody(input, 'blocking') },
        call,
        readJson('chat-messages'),
      )
      return parseBlockingAnswer(json, maxAnswerChars)
    },
    async sendCompletion(input, call) {
      const body = { inputs: input.inputs, response_mode: 'blocking', user: input.user }
      const json = await exchange(
        { method: 'POST', path: 'completion-messages', body },
        call,
        readJson('completion-messages'),
      )
      return { ...parseBlockingAnswer(json, maxAnswerChars), conversationId: null }
    },
    runAgent(input, call) {
      return exchange(
        { method: 'POST', path: 'chat-messages', body: chatBody(input, 'streaming') },
        call,
        readAnswerStream,
      )
    },
    async getParameters(call) {
      return parseParameters(
        await exchange({ method: 'GET', path: 'parameters' }, call, readJson('parameters')),
      )
    },
    async getInfo(call) {
      return parseInfo(await exchange({ method: 'GET', path: 'info' }, call, readJson('info')))
    },
    close: () => agent.close(),
  }
}

/** Reads the body as UTF-8 up to `limit` bytes; past it, fails (`strict`) or keeps the start. */
async function readText(body: Readable, limit: number, strict: boolean): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) {
      if (strict) {
        throw new DifyError({
          kind: 'protocol',
          status: null,
          code: 'response_too_large',
          message: `Dify's answer is larger than ${limit / (1024 * 1024)} MiB.`,
        })
      }
      chunks.push(chunk.subarray(0, chunk.length - (size - limit)))
      break
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

interface ErrorContext {
  origin: string
  call: DifyCallOptions
  timeoutSignal: AbortSignal
}

function toDifyError(err: unknown, ctx: ErrorContext): DifyError {
  if (err instanceof DifyError) return err
  if (ctx.timeoutSignal.aborted) return timeoutError(ctx, err)
  if (ctx.call.signal?.aborted) {
    return new DifyError({
      kind: 'aborted',
      status: null,
      code: 'aborted',
      message: 'The call to Dify was cancelled (server shutting down).',
      cause: err,
    })
  }
  const code = errorCode(err)
  if (code && TIMEOUT_CODES.has(code)) return timeoutError(ctx, err)
  return new DifyError({
    kind: 'network',
    status: null,
    code: 'network',
    message: `Could not reach Dify at ${ctx.origin}${code ? ` (${code})` : ''}.`,
    cause: err,
  })
}

function timeoutError(ctx: ErrorContext, cause: unknown): DifyError {
  const seconds = Math.round(ctx.call.timeoutMs / 100) / 10
  return new DifyError({
    kind: 'timeout',
    status: null,
    code: 'timeout',
    message: `Dify did not answer within ${seconds} s.`,
    cause,
  })
}

/** The first string `code` along the cause chain (undici wraps socket errors). */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (!(err instanceof Error) || depth > 6) return undefined
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string') return code
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const found = errorCode(inner, depth + 1)
      if (found) return found
    }
  }
  return errorCode(err.cause, depth + 1)
}
