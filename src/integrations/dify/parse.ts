/** Reads Dify's answers (blocking JSON, error envelopes, streaming events) into the client's types. */
import { DifyError } from './errors.ts'
import type { SseEvent } from './sse.ts'
import type { DifyAnswer, DifyAppInfo, DifyInputVariable, DifyWorkflowRun } from './types.ts'

type Json = Record<string, unknown>

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function protocolError(message: string): DifyError {
  return new DifyError({ kind: 'protocol', status: null, code: 'bad_response', message })
}

/** Parses a successful JSON body; anything else (an HTML proxy page, say) is a protocol error. */
export function parseJsonObject(body: string, what: string): Json {
  try {
    const parsed: unknown = JSON.parse(body)
    if (isObject(parsed)) return parsed
  } catch {
    // fall through
  }
  throw protocolError(`Dify's answer to ${what} is not a JSON object.`)
}

/** A non-2xx answer: Dify's envelope `{code, message, status}` when there is one. */
export function errorFromResponse(status: number, body: string): DifyError {
  let envelope: Json | null = null
  try {
    const parsed: unknown = JSON.parse(body)
    envelope = isObject(parsed) ? parsed : null
  } catch {
    envelope = null
  }
  const code = text(envelope?.code) ?? `http_${status}`
  const message =
    text(envelope?.message) ??
    (status >= 300 && status < 400
      ? `HTTP ${status} redirect; DIFY_API_URL should point at the final address (https?)`
      : `HTTP ${status} without a Dify error body (a proxy in front of Dify?)`)
  return new DifyError({ kind: 'dify', status, code, message })
}

export function parseWorkflowRun(body: Json): DifyWorkflowRun {
  const data = isObject(body.data) ? body.data : {}
  const elapsed = data.elapsed_time
  return {
    workflowRunId: text(body.workflow_run_id) ?? text(data.id),
    taskId: text(body.task_id),
    status: text(data.status) ?? 'unknown',
    outputs: isObject(data.outputs) ? data.outputs : null,
    error: text(data.error),
    elapsedSeconds: typeof elapsed === 'number' ? elapsed : null,
  }
}

/** Cuts an answer to `maxChars`, reporting whether it was cut. */
function clip(answer: string, maxChars: number): { answer: string; answerTruncated: boolean } {
  return answer.length > maxChars
    ? { answer: answer.slice(0, maxChars), answerTruncated: true }
    : { answer, answerTruncated: false }
}

export function parseBlockingAnswer(body: Json, maxChars: number): DifyAnswer {
  return {
    ...clip(typeof body.answer === 'string' ? body.answer : '', maxChars),
    messageId: text(body.message_id) ?? text(body.id),
    conversationId: text(body.conversation_id),
  }
}

/**
 * The `user_input_form` of GET /v1/parameters: a list of one-key objects whose key is the control
 * type (`{"text-input": {"variable": "city", "required": true, …}}`). Unknown controls keep their key.
 */
export function parseParameters(body: Json): DifyInputVariable[] {
  const form = Array.isArray(body.user_input_form) ? body.user_input_form : []
  const variables: DifyInputVariable[] = []
  for (const item of form) {
    if (!isObject(item)) continue
    const [type, control] = Object.entries(item)[0] ?? []
    if (!type || !isObject(control)) continue
    const variable = text(control.variable)
    if (!variable) continue
    const options = Array.isArray(control.options)
      ? control.options.filter((o): o is string => typeof o === 'string')
      : undefined
    variables.push({
      variable,
      type,
      required: control.required === true,
      label: text(control.label),
      ...(type === 'select' && options ? { options } : {}),
    })
  }
  return variables
}

export function parseInfo(body: Json): DifyAppInfo {
  return { name: text(body.name), description: text(body.description), mode: text(body.mode) }
}

/** Assembles an agent (or chat) app's streamed answer, event by event. */
export class AnswerStream {
  private parts: string[] = []
  private length = 0
  private truncated = false
  private messageId: string | null = null
  private conversationId: string | null = null
  /** True once `message_end` arrived. */
  done = false

  private readonly maxChars: number

  constructor(maxChars: number) {
    this.maxChars = maxChars
  }

  /** Handles one SSE event; throws a DifyError for an `error` event. */
  accept(event: SseEvent): void {
    if (event.data === '') return // `event: ping` keep-alives carry no data
    let data: Json
    try {
      const parsed: unknown = JSON.parse(event.data)
      if (!isObject(parsed)) throw new Error('not an object')
      data = parsed
    } catch {
      throw protocolError('Dify streamed an event that is not a JSON object.')
    }
    this.messageId = text(data.message_id) ?? this.messageId
    this.conversationId = text(data.conversation_id) ?? this.conversationId
    const answer = typeof data.answer === 'string' ? data.answer : ''
    switch (data.event ?? event.event) {
      case 'message':
      case 'agent_message':
        this.append(answer)
        break
      case 'message_replace': // content moderation replaced what was said so far
        this.parts = []
        this.length = 0
        this.truncated = false
        this.append(answer)
        break
      case 'message_end':
        this.messageId = this.messageId ?? text(data.id)
        this.done = true
        break
      case 'error':
        throw new DifyError({
          kind: 'dify',
          status: typeof data.status === 'number' ? data.status : null,
          code: text(data.code) ?? 'stream_error',
          message: text(data.message) ?? 'Dify reported an error while answering.',
        })
      default: // agent_thought, message_file, tts_message, workflow/node events: not part of the answer
        break
    }
  }

  private append(piece: string) {
    if (this.truncated || piece === '') return
    const room = this.maxChars - this.length
    if (piece.length > room) {
      this.parts.push(piece.slice(0, room))
      this.length = this.maxChars
      this.truncated = true
      return
    }
    this.parts.push(piece)
    this.length += piece.length
  }

  result(): DifyAnswer {
    if (!this.done) throw protocolError('Dify closed the stream before message_end.')
    return {
      answer: this.parts.join(''),
      answerTruncated: this.truncated,
      messageId: this.messageId,
      conversationId: this.conversationId,
    }
  }
}
