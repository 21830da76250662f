import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createDifyClient, DifyError } from '../../src/integrations/dify/index.ts'
import { createSseParser } from '../../src/integrations/dify/sse.ts'
import { type FakeDify, startFakeDify } from '../helpers/fake-dify.ts'
import { freePort } from '../helpers/server-process.ts'

const KEYS = {
  flow: 'app-flow-key-0001',
  chat: 'app-chat-key-0002',
  agent: 'app-agent-key-0003',
  text: 'app-text-key-0004',
}
const ANSWER = 'Olá! A previsão é de sol ☀️ e 25 °C — ótimo dia.'

let fake: FakeDify
let client: ReturnType<typeof createDifyClient>

before(async () => {
  fake = await startFakeDify([
    {
      key: KEYS.flow,
      mode: 'workflow',
      name: 'Flow',
      description: 'Writes a report',
      outputs: { report: 'ok', count: 3 },
      form: [
        { 'text-input': { variable: 'city', label: 'City', required: true, max_length: 48 } },
        {
          select: { variable: 'tone', label: 'Tone', required: false, options: ['short', 'long'] },
        },
        { number: { variable: 'days', label: 'Days', required: false } },
        { 'file-list': { variable: 'docs', label: 'Docs', required: false } },
        { paragraph: { label: 'no variable here' } },
      ],
    },
    { key: KEYS.chat, mode: 'advanced-chat' },
    { key: KEYS.agent, mode: 'agent-chat', answer: ANSWER },
    { key: KEYS.text, mode: 'completion', answer: 'A haiku.' },
  ])
  client = createDifyClient({ baseUrl: `${fake.url}/v1`, userAgent: 'tests' })
})
after(async () => {
  await client.close()
  await fake.close()
})

const call = (apiKey: string, extra: { timeoutMs?: number; signal?: AbortSignal } = {}) => ({
  apiKey,
  timeoutMs: 5_000,
  ...extra,
})

async function difyError(promise: Promise<unknown>): Promise<DifyError> {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof DifyError, String(err))
    return err
  }
  assert.fail('expected a DifyError')
}

describe('Dify client: blocking runs', () => {
  it('runs a workflow with the key as bearer token, blocking mode and the user', async () => {
    const run = await client.runWorkflow(
      { inputs: { city: 'Lisbon' }, user: 'ana' },
      call(KEYS.flow),
    )
    assert.deepEqual(run, {
      workflowRunId: 'wr-1',
      taskId: 'task-1',
      status: 'succeeded',
      outputs: { report: 'ok', count: 3 },
      error: null,
      elapsedSeconds: 0.25,
    })
    const request = fake.requests.at(-1)
    assert.equal(request?.path, '/v1/workflows/run')
    assert.equal(request?.headers.authorization, `Bearer ${KEYS.flow}`)
    assert.equal(request?.headers['content-type'], 'application/json')
    assert.deepEqual(request?.body, {
      inputs: { city: 'Lisbon' },
      response_mode: 'blocking',
      user: 'ana',
    })
  })

  it('returns a workflow run Dify reports as failed instead of throwing', async () => {
    const app = fake.apps[0]
    assert.ok(app)
    app.workflowStatus = 'failed'
    app.workflowError = 'LLM node: quota exceeded'
    try {
      const run = await client.runWorkflow({ inputs: { city: 'x' }, user: 'u' }, call(KEYS.flow))
      assert.equal(run.status, 'failed')
      assert.equal(run.error, 'LLM node: quota exceeded')
      assert.equal(run.outputs, null)
    } finally {
      app.workflowStatus = undefined
      app.workflowError = undefined
    }
  })

  it('sends a chat message, starts a conversation and continues it', async () => {
    const first = await client.sendChatMessage(
      { inputs: {}, user: 'ana', query: 'hello', conversationId: null },
      call(KEYS.chat),
    )
    assert.equal(first.answer, 'You said: hello')
    assert.equal(first.messageId, 'm-1')
    assert.ok(first.conversationId && fake.conversations.has(first.conversationId))
    assert.equal(fake.requests.at(-1)?.body?.conversation_id, undefined)
    const second = await client.sendChatMessage(
      { inputs: {}, user: 'ana', query: 'again', conversationId: first.conversationId },
      call(KEYS.chat),
    )
    assert.equal(second.conversationId, first.conversationId)
    assert.equal(fake.requests.at(-1)?.body?.conversation_id, first.conversationId)
    assert.equal(fake.requests.at(-1)?.body?.response_mode, 'blocking')
  })

  it('sends a completion and returns its answer without a conversation', async () => {
    const answer = await client.sendCompletion({ inputs: {}, user: 'u' }, call(KEYS.text))
    assert.deepEqual(answer, {
      answer: 'A haiku.',
      answerTruncated: false,
      messageId: 'm-c',
      conversationId: null,
    })
    assert.equal(fake.requests.at(-1)?.path, '/v1/completion-messages')
  })
})

describe('Dify client: agent streaming', () => {
  it('assembles the streamed answer across split chunks, skipping pings and thoughts', async () => {
    const answer = await client.runAgent(
      { inputs: {}, user: 'ana', query: 'weather?', conversationId: null },
      call(KEYS.agent),
    )
    assert.equal(answer.answer, ANSWER)
    assert.equal(answer.answerTruncated, false)
    assert.match(answer.messageId ?? '', /^[0-9a-f-]{36}$/)
    assert.ok(answer.conversationId && fake.conversations.has(answer.conversationId))
    assert.equal(fake.requests.at(-1)?.body?.response_mode, 'streaming')
  })

  it('cuts an answer longer than the limit and says so', async () => {
    const short = createDifyClient({ baseUrl: `${fake.url}/v1`, userAgent: 't', maxAnswerChars: 5 })
    try {
      const answer = await short.runAgent(
        { inputs: {}, user: 'u', query: 'q', conversationId: null },
        call(KEYS.agent),
      )
      assert.equal(answer.answer, ANSWER.slice(0, 5))
      assert.equal(answer.answerTruncated, true)
    } finally {
      await short.close()
    }
  })

  it('turns an error event in the stream into a DifyError with its status and code', async () => {
    const app = fake.apps[2]
    assert.ok(app)
    app.streamError = {
      status: 400,
      code: 'completion_request_error',
      message: 'Model quota exceeded',
    }
    try {
      const err = await difyError(
        client.runAgent(
          { inputs: {}, user: 'u', query: 'q', conversationId: null },
          call(KEYS.agent),
        ),
      )
      assert.equal(err.kind, 'dify')
      assert.equal(err.status, 400)
      assert.equal(err.code, 'completion_request_error')
      assert.match(err.describe(), /Model quota exceeded/)
    } finally {
      app.streamError = undefined
    }
  })

  it('fails with a protocol error when the stream ends before message_end', async () => {
    const app = fake.apps[2]
    assert.ok(app)
    app.streamCut = true
    try {
      const err = await difyError(
        client.runAgent(
          { inputs: {}, user: 'u', query: 'q', conversationId: null },
          call(KEYS.agent),
        ),
      )
      assert.equal(err.kind, 'protocol')
      assert.match(err.message, /before message_end/)
    } finally {
      app.streamCut = false
    }
  })

  it('gets Dify’s refusal when an agent app is asked in blocking mode', async () => {
    const err = await difyError(
      client.sendChatMessage(
        { inputs: {}, user: 'u', query: 'q', conversationId: null },
        call(KEYS.agent),
      ),
    )
    assert.equal(err.status, 400)
    assert.match(err.detail, /does not support blocking/)
  })
})

describe('Dify client: errors', () => {
  it('maps a wrong key to 401 with a hint about DIFY_APPS and never repeats the key', async () => {
    const err = await difyError(client.getParameters(call('app-wrong-key-999')))
    assert.equal(err.kind, 'dify')
    assert.equal(err.status, 401)
    assert.equal(err.code, 'unauthorized')
    assert.match(err.describe(), /Access token is invalid.*DIFY_APPS/s)
    assert.equal(err.describe().includes('app-wrong-key-999'), false)
  })

  it('maps bad inputs to 400 invalid_param with Dify’s message', async () => {
    const err = await difyError(client.runWorkflow({ inputs: {}, user: 'u' }, call(KEYS.flow)))
    assert.equal(err.status, 400)
    assert.equal(err.code, 'invalid_param')
    assert.match(err.describe(), /city is required in input form.*listDifyApps/s)
  })

  it('maps an unknown conversation to 404 and suggests starting a new one', async () => {
    const err = await difyError(
      client.sendChatMessage(
        {
          inputs: {},
          user: 'u',
          query: 'q',
          conversationId: '00000000-0000-4000-8000-000000000000',
        },
        call(KEYS.chat),
      ),
    )
    assert.equal(err.status, 404)
    assert.equal(err.code, 'conversation_not_exists')
    assert.match(err.describe(), /leave conversation_id empty/)
  })

  it('maps a 500 envelope and a proxy’s HTML 502 to Dify errors', async () => {
    const app = fake.apps[1]
    assert.ok(app)
    try {
      app.fail = {
        status: 500,
        code: 'internal_server_error',
        message: 'Internal Server Error, please contact support.',
      }
      const internal = await difyError(
        client.sendChatMessage(
          { inputs: {}, user: 'u', query: 'q', conversationId: null },
          call(KEYS.chat),
        ),
      )
      assert.equal(internal.status, 500)
      assert.match(internal.describe(), /internal_server_error.*retried/s)
      app.fail = { status: 502, raw: '<html><body>502 Bad Gateway</body></html>' }
      const gateway = await difyError(
        client.sendChatMessage(
          { inputs: {}, user: 'u', query: 'q', conversationId: null },
          call(KEYS.chat),
        ),
      )
      assert.equal(gateway.status, 502)
      assert.equal(gateway.code, 'http_502')
      assert.match(gateway.detail, /proxy/)
    } finally {
      app.fail = undefined
    }
  })

  it('gives up at the timeout with kind timeout', async () => {
    const app = fake.apps[1]
    assert.ok(app)
    app.delayMs = 1_500
    try {
      const started = Date.now()
      const err = await difyError(
        client.sendChatMessage(
          { inputs: {}, user: 'u', query: 'q', conversationId: null },
          call(KEYS.chat, { timeoutMs: 200 }),
        ),
      )
      assert.equal(err.kind, 'timeout')
      assert.match(err.describe(), /within 0\.2 s.*timeout_seconds/s)
      assert.ok(Date.now() - started < 1_000)
    } finally {
      app.delayMs = undefined
    }
  })

  it('stops when the caller aborts, with kind aborted', async () => {
    const app = fake.apps[2]
    assert.ok(app)
    app.delayMs = 1_500
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const err = await difyError(
        client.runAgent(
          { inputs: {}, user: 'u', query: 'q', conversationId: null },
          call(KEYS.agent, { signal: controller.signal }),
        ),
      )
      assert.equal(err.kind, 'aborted')
    } finally {
      app.delayMs = undefined
    }
  })

  it('reports an unreachable Dify as a network error naming the origin', async () => {
    const port = await freePort()
    const offline = createDifyClient({ baseUrl: `http://127.0.0.1:${port}/v1`, userAgent: 't' })
    try {
      const err = await difyError(offline.getInfo(call(KEYS.flow)))
      assert.equal(err.kind, 'network')
      assert.match(err.describe(), new RegExp(`127\\.0\\.0\\.1:${port}.*DIFY_API_URL`, 's'))
    } finally {
      await offline.close()
    }
  })
})

describe('Dify client: app information', () => {
  it('reads the input form as variables with type, required, label and select options', async () => {
    const variables = await client.getParameters(call(KEYS.flow))
    assert.deepEqual(variables, [
      { variable: 'city', type: 'text-input', required: true, label: 'City' },
      {
        variable: 'tone',
        type: 'select',
        required: false,
        label: 'Tone',
        options: ['short', 'long'],
      },
      { variable: 'days', type: 'number', required: false, label: 'Days' },
      { variable: 'docs', type: 'file-list', required: false, label: 'Docs' },
    ])
  })

  it('reads the app’s name, description and mode', async () => {
    assert.deepEqual(await client.getInfo(call(KEYS.flow)), {
      name: 'Flow',
      description: 'Writes a report',
      mode: 'workflow',
    })
  })
})

describe('createSseParser', () => {
  it('handles CRLF split across chunks, comments, multi-line data and a final event without a blank line', () => {
    const parser = createSseParser()
    const events = [
      ...parser.push('data: {"a"'),
      ...parser.push(':1}\r'),
      ...parser.push('\n\r\n: keep-alive\n\nevent: ping\n\ndata: x\ndata: y\n\n'),
      ...parser.push('data:no-space'),
      ...parser.end(),
    ]
    assert.deepEqual(events, [
      { event: null, data: '{"a":1}' },
      { event: 'ping', data: '' },
      { event: null, data: 'x\ny' },
      { event: null, data: 'no-space' },
    ])
  })
})
