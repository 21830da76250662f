/**
 * A real local HTTP server that behaves like Dify's service API (/v1) for the calls we make:
 * apps by API key, mode checks, input forms, blocking answers, agent answers streamed as SSE with
 * events split across TCP chunks, Dify's error envelopes, and slow or failing modes on demand.
 */
import { randomUUID } from 'node:crypto'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'

export type FakeMode = 'workflow' | 'chat' | 'advanced-chat' | 'agent-chat' | 'completion'

export interface FakeFailure {
  status: number
  code?: string
  message?: string
  /** A raw non-JSON body (a proxy's error page) instead of Dify's envelope. */
  raw?: string
}

export interface FakeDifyApp {
  key: string
  mode: FakeMode
  name?: string
  description?: string
  /** Dify's user_input_form, e.g. [{"text-input":{"variable":"city","label":"City","required":true}}]. */
  form?: Record<string, Record<string, unknown>>[]
  /** The answer (chat, agent, completion); for agents it is streamed in pieces. */
  answer?: string
  /** Workflow outputs; status `failed` with `workflowError` plays a failed run. */
  outputs?: Record<string, unknown>
  workflowStatus?: string
  workflowError?: string
  /** Every run endpoint answers this error (only the next `failTimes` runs, when that is set). */
  fail?: FakeFailure
  failTimes?: number
  /** Agents: send an error event after the first pieces instead of finishing. */
  streamError?: { status: number; code: string; message: string }
  /** Agents: close the stream without message_end. */
  streamCut?: boolean
  /** Delay before answering a run, and before answering /parameters and /info. */
  delayMs?: number
  lookupDelayMs?: number
}

export interface RecordedDifyRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: Record<string, unknown> | null
  at: number
}

export interface FakeDify {
  /** Base URL without /v1 (what an operator would put in DIFY_API_URL). */
  url: string
  apps: FakeDifyApp[]
  requests: RecordedDifyRequest[]
  /** Conversation ids Dify knows (created by chat runs; tests may add some). */
  conversations: Set<string>
  runRequests(): RecordedDifyRequest[]
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (res.destroyed) return
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, { code, message, status })
}

function requiredMissing(app: FakeDifyApp, inputs: Record<string, unknown>): string | null {
  for (const item of app.form ?? []) {
    const control = Object.values(item)[0]
    const variable = String(control?.variable ?? '')
    if (control?.required === true && (inputs[variable] === undefined || inputs[variable] === '')) {
      return variable
    }
  }
  return null
}

/** Writes the agent's SSE answer in small pieces, cutting JSON lines and a multi-byte character across chunks. */
async function streamAgent(res: ServerResponse, app: FakeDifyApp, conversationId: string) {
  const messageId = randomUUID()
  const taskId = randomUUID()
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
  const event = (data: Record<string, unknown>) =>
    `data: ${JSON.stringify({ task_id: taskId, message_id: messageId, conversation_id: conversationId, created_at: 1, ...data })}\n\n`
  const answer = app.answer ?? 'Olá, tudo certo'
  const pieces = [answer.slice(0, 3), answer.slice(3, 8), answer.slice(8)].filter(Boolean)
  let text = event({ event: 'agent_thought', id: randomUUID(), position: 1, thought: '', tool: '' })
  text += 'event: ping\n\n'
  for (const piece of pieces)
    text += event({ event: 'agent_message', id: messageId, answer: piece })
  if (app.streamError) {
    text += event({ event: 'error', ...app.streamError })
  } else if (!app.streamCut) {
    text += event({ event: 'message_end', id: messageId, metadata: { usage: { total_tokens: 7 } } })
  }
  const bytes = Buffer.from(text, 'utf8')
  // Uneven cuts land inside JSON, inside "data:" and inside multi-byte characters.
  let offset = 0
  let size = 7
  while (offset < bytes.length && !res.destroyed) {
    res.write(bytes.subarray(offset, offset + size))
    offset += size
    size = size === 7 ? 29 : size === 29 ? 3 : 7
    await sleep(2)
  }
  if (!res.destroyed) res.end()
}

async function handleRun(
  fake: FakeDify,
  app: FakeDifyApp,
  path: string,
  body: Record<string, unknown>,
  res: ServerResponse,
) {
  if (app.delayMs) await sleep(app.delayMs)
  if (res.destroyed) return
  const failing = app.fail && (app.failTimes === undefined || app.failTimes > 0)
  if (app.fail && failing) {
    if (app.failTimes !== undefined) app.failTimes -= 1
    if (app.fail.raw !== undefined) {
      res.writeHead(app.fail.status, { 'Content-Type': 'text/html' })
      res.end(app.fail.raw)
      return
    }
    sendError(res, app.fail.status, app.fail.code ?? 'error', app.fail.message ?? 'failed')
    return
  }
  if (typeof body.user !== 'string' || body.user === '') {
    return sendError(res, 400, 'invalid_param', 'user is required')
  }
  const inputs = (body.inputs ?? {}) as Record<string, unknown>
  const missing = requiredMissing(app, inputs)
  if (missing) return sendError(res, 400, 'invalid_param', `${missing} is required in input form`)
  const mode = body.response_mode
  if (path === '/v1/workflows/run') {
    if (app.mode !== 'workflow') {
      return sendError(
        res,
        400,
        'not_workflow_app',
        'Please check if your app mode matches the right API route.',
      )
    }
    const status = app.workflowStatus ?? 'succeeded'
    return sendJson(res, 200, {
      workflow_run_id: 'wr-1',
      task_id: 'task-1',
      data: {
        id: 'wr-1',
        workflow_id: 'wf-1',
        status,
        outputs: status === 'succeeded' ? (app.outputs ?? { text: 'done' }) : null,
        error: app.workflowError ?? null,
        elapsed_time: 0.25,
        total_tokens: 10,
        total_steps: 3,
        created_at: 1,
        finished_at: 2,
      },
    })
  }
  if (path === '/v1/completion-messages') {
    if (app.mode !== 'completion')
      return sendError(
        res,
        400,
        'app_unavailable',
        'App unavailable, please check your app configurations.',
      )
    const answer = app.answer ?? 'completed text'
    return sendJson(res, 200, {
      event: 'message',
      task_id: 't',
      id: 'm-c',
      message_id: 'm-c',
      mode: 'completion',
      answer,
      metadata: {},
      created_at: 1,
    })
  }
  // /v1/chat-messages
  if (app.mode === 'workflow' || app.mode === 'completion') {
    return sendError(
      res,
      400,
      'not_chat_app',
      'Please check if your app mode matches the right API route.',
    )
  }
  if (typeof body.query !== 'string' || body.query === '') {
    return sendError(res, 400, 'invalid_param', 'query is required')
  }
  let conversationId = typeof body.conversation_id === 'string' ? body.conversation_id : ''
  if (conversationId && !fake.conversations.has(conversationId)) {
    return sendError(res, 404, 'conversation_not_exists', 'Conversation Not Exists.')
  }
  if (!conversationId) {
    conversationId = randomUUID()
    fake.conversations.add(conversationId)
  }
  if (app.mode === 'agent-chat') {
    if (mode !== 'streaming') {
      return sendError(res, 400, 'invalid_param', 'Agent Chat App does not support blocking mode')
    }
    return streamAgent(res, app, conversationId)
  }
  const answer = app.answer ?? `You said: ${body.query}`
  return sendJson(res, 200, {
    event: 'message',
    task_id: 't',
    id: 'm-1',
    message_id: 'm-1',
    conversation_id: conversationId,
    mode: 'chat',
    answer,
    metadata: { usage: {} },
    created_at: 1,
  })
}

async function route(fake: FakeDify, req: IncomingMessage, res: ServerResponse, raw: string) {
  const path = (req.url ?? '').split('?')[0] ?? ''
  let body: Record<string, unknown> | null = null
  if (raw) {
    try {
      body = JSON.parse(raw)
    } catch {
      return sendError(
        res,
        400,
        'bad_request',
        'The browser (or proxy) sent a request that this server could not understand.',
      )
    }
  }
  fake.requests.push({ method: req.method ?? '', path, headers: req.headers, body, at: Date.now() })
  const auth = String(req.headers.authorization ?? '')
  const app = fake.apps.find((a) => auth === `Bearer ${a.key}`)
  if (!auth.startsWith('Bearer ')) {
    return sendError(
      res,
      401,
      'unauthorized',
      "Authorization header must be provided and start with 'Bearer'",
    )
  }
  if (!app) return sendError(res, 401, 'unauthorized', 'Access token is invalid')
  if (req.method === 'GET' && (path === '/v1/parameters' || path === '/v1/info')) {
    if (app.lookupDelayMs) await sleep(app.lookupDelayMs)
    if (path === '/v1/info') {
      return sendJson(res, 200, {
        name: app.name ?? 'App',
        description: app.description ?? '',
        tags: [],
        mode: app.mode,
      })
    }
    return sendJson(res, 200, {
      opening_statement: '',
      suggested_questions: [],
      user_input_form: app.form ?? [],
      file_upload: {},
      system_parameters: { file_size_limit: 15 },
    })
  }
  if (
    req.method === 'POST' &&
    ['/v1/workflows/run', '/v1/chat-messages', '/v1/completion-messages'].includes(path)
  ) {
    return handleRun(fake, app, path, body ?? {}, res)
  }
  return sendError(res, 404, 'not_found', 'The requested URL was not found on the server.')
}

export async function startFakeDify(apps: FakeDifyApp[]): Promise<FakeDify> {
  const fake = {
    url: '',
    apps,
    requests: [] as RecordedDifyRequest[],
    conversations: new Set<string>(),
  } as FakeDify
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      route(fake, req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!res.destroyed) res.destroy()
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake Dify has no port')
  fake.url = `http://127.0.0.1:${address.port}`
  fake.runRequests = () => fake.requests.filter((r) => r.method === 'POST')
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return fake
}
