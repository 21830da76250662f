import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createDifyAction, type DifyParams } from '../../src/actions/dify.ts'
import {
  createDifyCatalog,
  createDifyClient,
  type DifyApp,
  parseDifyApps,
} from '../../src/integrations/dify/index.ts'
import { ProblemError } from '../../src/problem-error.ts'
import type { ExecutionContext, PreparedAction } from '../../src/scheduler/action-contract.ts'
import { type FakeDify, startFakeDify } from '../helpers/fake-dify.ts'
import { captureLogs } from '../helpers/log-capture.ts'
import { freePort } from '../helpers/server-process.ts'

const KEYS = {
  flow: 'app-flow-secret-111',
  chat: 'app-chat-secret-222',
  agent: 'app-agent-secret-333',
  text: 'app-text-secret-444',
}
const CONVERSATION = '5b0f9d2e-8a63-4c3e-9d56-1f0a2b3c4d5e'

let fake: FakeDify
let client: ReturnType<typeof createDifyClient>
const logs = captureLogs()

function buildAction(apps: DifyApp[], lookupTimeoutMs = 2_000, target = client) {
  return createDifyAction({
    client: target,
    catalog: createDifyCatalog({ client: target, apps, lookupTimeoutMs }),
    defaultUser: 'agent-tool-server',
    logger: logs.logger,
    defaultTimeoutSeconds: 300,
  })
}

const APPS = () =>
  parseDifyApps(
    `Flow:workflow:${KEYS.flow},helper:chat:${KEYS.chat},bot:agent:${KEYS.agent},poet:completion:${KEYS.text}`,
  )
let action: ReturnType<typeof buildAction>

before(async () => {
  fake = await startFakeDify([
    {
      key: KEYS.flow,
      mode: 'workflow',
      outputs: { report: 'All green' },
      form: [
        { 'text-input': { variable: 'city', label: 'City', required: true } },
        {
          select: { variable: 'tone', label: 'Tone', required: false, options: ['short', 'long'] },
        },
      ],
    },
    { key: KEYS.chat, mode: 'advanced-chat', answer: 'Here is your summary.' },
    { key: KEYS.agent, mode: 'agent-chat', answer: 'Três tarefas abertas.' },
    { key: KEYS.text, mode: 'completion', answer: 'Roses are red.' },
  ])
  fake.conversations.add(CONVERSATION)
  client = createDifyClient({ baseUrl: `${fake.url}/v1`, userAgent: 'tests' })
  action = buildAction(APPS())
})
after(async () => {
  await client.close()
  await fake.close()
})

function context(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    jobId: 'job-1',
    executionId: 'exec-1',
    occurrenceAt: '2026-11-27T12:00:00.000Z',
    attempt: 1,
    messageId: 'msg_test',
    signal: new AbortController().signal,
    timeoutMs: 5_000,
    log: logs.logger,
    ...overrides,
  }
}

async function rejects422(promise: Promise<unknown>, field: string, pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ProblemError, String(err))
    assert.equal(err.status, 422)
    const error = err.errors?.find((e) => e.field === field)
    assert.ok(error, `no error for ${field}: ${JSON.stringify(err.errors)}`)
    assert.match(`${error.message} ${error.hint}`, pattern)
    return true
  })
}

const noKeyIn = (value: unknown) => {
  const text = JSON.stringify(value)
  for (const key of Object.values(KEYS)) assert.equal(text.includes(key), false, `key in ${text}`)
}

describe('dify prepare', () => {
  it('stores app, mode, inputs, query, conversation and user, and never the key', async () => {
    const prepared = await action.prepare({
      app: 'HELPER',
      inputs: null,
      query: ' Summarise the open tickets ',
      conversation_id: CONVERSATION,
    })
    assert.deepEqual(prepared.params, {
      app: 'helper',
      mode: 'chat',
      inputs: {},
      query: 'Summarise the open tickets',
      conversation_id: CONVERSATION,
      user: 'agent-tool-server',
    })
    assert.deepEqual(prepared.secrets, {})
    noKeyIn(prepared)
    assert.equal(action.describe(prepared.params), 'run Dify app "helper" (chat)')
  })

  it('checks workflow inputs against the app’s form and keeps the given user', async () => {
    const prepared = await action.prepare({
      app: 'flow',
      inputs: '{"city":"Lisbon","tone":"short"}',
      user: 'ana@example.com',
    })
    assert.deepEqual(prepared.params.inputs, { city: 'Lisbon', tone: 'short' })
    assert.equal(prepared.params.user, 'ana@example.com')
    assert.equal(prepared.params.query, null)
    assert.equal(fake.requests.at(-1)?.path, '/v1/parameters')
  })

  it('rejects an unknown app and lists the valid names', async () => {
    await rejects422(
      action.prepare({ app: 'helpr', query: 'x' }),
      'app',
      /no Dify app named "helpr".*Flow, helper, bot, poet/s,
    )
  })

  it('rejects inputs that are not a JSON object, naming Python dicts', async () => {
    await rejects422(
      action.prepare({ app: 'Flow', inputs: '{city: x' }),
      'inputs',
      /not valid JSON/,
    )
    await rejects422(
      action.prepare({ app: 'Flow', inputs: "{'city': 'x'}" }),
      'inputs',
      /Python dict/,
    )
    await rejects422(action.prepare({ app: 'Flow', inputs: '["x"]' }), 'inputs', /JSON object/)
  })

  it('names a missing required variable, an unknown one and a select value not offered', async () => {
    await rejects422(
      action.prepare({ app: 'Flow', inputs: '{"tone":"short"}' }),
      'inputs.city',
      /required input variable "city" \(City\).*city \(required\), tone/s,
    )
    await rejects422(
      action.prepare({ app: 'Flow', inputs: '{"city":"x","cty":"y"}' }),
      'inputs.cty',
      /no input variable "cty"/,
    )
    await rejects422(
      action.prepare({ app: 'Flow', inputs: '{"city":"x","tone":"loud"}' }),
      'inputs.tone',
      /short, long/,
    )
  })

  it('requires query for chat and agent apps and refuses it for workflow and completion apps', async () => {
    await rejects422(
      action.prepare({ app: 'helper' }),
      'query',
      /required for "helper", a chat app/,
    )
    await rejects422(
      action.prepare({ app: 'bot', query: '  ' }),
      'query',
      /required for "bot", an agent app/,
    )
    await rejects422(
      action.prepare({ app: 'Flow', inputs: '{"city":"x"}', query: 'hi' }),
      'query',
      /does not apply to "Flow", a workflow app/,
    )
    await rejects422(
      action.prepare({ app: 'poet', conversation_id: CONVERSATION }),
      'conversation_id',
      /does not apply/,
    )
    await rejects422(
      action.prepare({ app: 'helper', query: 'x', conversation_id: 'not a conversation!' }),
      'conversation_id',
      /not a Dify conversation id/,
    )
  })

  it('refuses the job when Dify rejects the configured key, before anything is stored', async () => {
    const wrong = buildAction(parseDifyApps('helper:chat:app-revoked-key'))
    await rejects422(
      wrong.prepare({ app: 'helper', query: 'x' }),
      'app',
      /refuses this server's API key.*DIFY_APPS/s,
    )
  })

  it('accepts unchecked inputs when Dify is slow or down at creation, and logs why without the key', async () => {
    const app = fake.apps[0]
    assert.ok(app)
    app.lookupDelayMs = 1_000
    try {
      const slow = buildAction(APPS(), 100)
      const started = Date.now()
      const prepared = await slow.prepare({ app: 'Flow', inputs: '{"anything":"goes"}' })
      assert.ok(Date.now() - started < 900)
      assert.deepEqual(prepared.params.inputs, { anything: 'goes' })
    } finally {
      app.lookupDelayMs = undefined
    }
    const port = await freePort()
    const offlineClient = createDifyClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      userAgent: 't',
    })
    try {
      const offline = buildAction(APPS(), 2_000, offlineClient)
      await offline.prepare({ app: 'helper', query: 'x' })
    } finally {
      await offlineClient.close()
    }
    const warnings = logs
      .lines()
      .filter((l) => l.msg === 'Dify input form unavailable; inputs accepted unchecked')
    assert.deepEqual(
      warnings.map((l) => l.error_kind),
      ['timeout', 'network'],
    )
    noKeyIn(logs.text())
  })

  it('updates only the given fields and drops chat-only fields when the app becomes a workflow', async () => {
    const current = await action.prepare({
      app: 'helper',
      query: 'first',
      conversation_id: CONVERSATION,
    })
    const sameApp = await action.prepareUpdate({ query: 'second' }, current)
    assert.equal(sameApp.params.query, 'second')
    assert.equal(sameApp.params.conversation_id, CONVERSATION)
    const other = await action.prepareUpdate({ app: 'bot' }, current)
    assert.equal(other.params.query, 'first')
    assert.equal(other.params.conversation_id, null)
    const toFlow = await action.prepareUpdate({ app: 'Flow', inputs: '{"city":"Porto"}' }, current)
    assert.deepEqual(toFlow.params, {
      app: 'Flow',
      mode: 'workflow',
      inputs: { city: 'Porto' },
      query: null,
      conversation_id: null,
      user: 'agent-tool-server',
    })
    await rejects422(action.prepareUpdate({ app: 'Flow' }, current), 'inputs.city', /required/)
  })
})

describe('dify execute', () => {
  async function run(input: Record<string, unknown>, ctx = context(), target = action) {
    const prepared = await action.prepare(input)
    return { prepared, result: await target.execute(prepared, ctx) }
  }

  it('runs a workflow and records outputs, run id and task id', async () => {
    const { result } = await run({ app: 'Flow', inputs: '{"city":"Lisbon"}' })
    assert.equal(result.ok, true, result.errorMessage)
    assert.deepEqual(result.output, {
      outputs: { report: 'All green' },
      status: 'succeeded',
      workflow_run_id: 'wr-1',
      task_id: 'task-1',
      elapsed_seconds: 0.25,
    })
    assert.equal(result.requestSummary.endpoint, 'POST /v1/workflows/run')
    assert.deepEqual(result.requestSummary.input_names, ['city'])
    noKeyIn(result)
    const request = fake.requests.at(-1)
    assert.equal(request?.headers.authorization, `Bearer ${KEYS.flow}`)
    assert.deepEqual(request?.body?.inputs, { city: 'Lisbon' })
    assert.equal(request?.body?.user, 'agent-tool-server')
  })

  it('fails with dify_error when the workflow run ends failed, keeping its run id', async () => {
    const app = fake.apps[0]
    assert.ok(app)
    app.workflowStatus = 'failed'
    app.workflowError = 'Node LLM: rate limited'
    try {
      const { result } = await run({ app: 'Flow', inputs: '{"city":"x"}' })
      assert.equal(result.ok, false)
      assert.equal(result.errorClass, 'dify_error')
      assert.match(result.errorMessage ?? '', /ended failed: Node LLM: rate limited/)
      assert.equal(result.output?.workflow_run_id, 'wr-1')
    } finally {
      app.workflowStatus = undefined
      app.workflowError = undefined
    }
  })

  it('sends a chat message and records answer, conversation and message ids', async () => {
    const { result } = await run({
      app: 'helper',
      query: 'Summarise',
      conversation_id: CONVERSATION,
    })
    assert.equal(result.ok, true, result.errorMessage)
    assert.deepEqual(result.output, {
      answer: 'Here is your summary.',
      conversation_id: CONVERSATION,
      message_id: 'm-1',
    })
    assert.equal(fake.requests.at(-1)?.body?.query, 'Summarise')
  })

  it('streams an agent app and records the assembled answer', async () => {
    const { result } = await run({ app: 'bot', query: 'What is open?' })
    assert.equal(result.ok, true, result.errorMessage)
    assert.equal(result.output?.answer, 'Três tarefas abertas.')
    assert.ok(fake.conversations.has(String(result.output?.conversation_id)))
    assert.equal(result.requestSummary.endpoint, 'POST /v1/chat-messages (streaming)')
  })

  it('runs a completion app', async () => {
    const { result } = await run({ app: 'poet' })
    assert.equal(result.ok, true, result.errorMessage)
    assert.deepEqual(result.output, {
      answer: 'Roses are red.',
      conversation_id: null,
      message_id: 'm-c',
    })
  })

  it('turns Dify errors into dify_error results with status and a readable message', async () => {
    const prepared = await action.prepare({ app: 'helper', query: 'x' })
    const revoked = buildAction(parseDifyApps('helper:chat:app-revoked-key'))
    const unauthorized = await revoked.execute(prepared, context())
    assert.equal(unauthorized.errorClass, 'dify_error')
    assert.equal(unauthorized.responseStatus, 401)
    assert.match(
      unauthorized.errorMessage ?? '',
      /401 unauthorized: Access token is invalid.*DIFY_APPS/s,
    )
    assert.equal((unauthorized.errorMessage ?? '').includes('app-revoked-key'), false)

    const gone = await action.execute(
      {
        params: { ...prepared.params, conversation_id: '0f0f0f0f-0000-4000-8000-000000000000' },
        secrets: {},
      },
      context(),
    )
    assert.equal(gone.errorClass, 'dify_error')
    assert.equal(gone.responseStatus, 404)
    assert.match(gone.errorMessage ?? '', /Conversation Not Exists.*leave conversation_id empty/s)

    const app = fake.apps[1]
    assert.ok(app)
    app.fail = { status: 500, code: 'internal_server_error', message: 'Internal Server Error' }
    try {
      const failed = await action.execute(prepared, context())
      assert.equal(failed.errorClass, 'dify_error')
      assert.equal(failed.responseStatus, 500)
    } finally {
      app.fail = undefined
    }
  })

  it('fails with timeout at the attempt timeout and with shutdown when aborted', async () => {
    const app = fake.apps[2]
    assert.ok(app)
    app.delayMs = 1_500
    try {
      const prepared = await action.prepare({ app: 'bot', query: 'slow' })
      const timedOut = await action.execute(prepared, context({ timeoutMs: 200 }))
      assert.equal(timedOut.errorClass, 'timeout')
      assert.match(timedOut.errorMessage ?? '', /did not answer within 0\.2 s/)
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const aborted = await action.execute(prepared, context({ signal: controller.signal }))
      assert.equal(aborted.errorClass, 'shutdown')
    } finally {
      app.delayMs = undefined
    }
  })

  it('fails with network when Dify cannot be reached', async () => {
    const prepared = await action.prepare({ app: 'poet' })
    const port = await freePort()
    const offlineClient = createDifyClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      userAgent: 't',
    })
    try {
      const result = await buildAction(APPS(), 100, offlineClient).execute(prepared, context())
      assert.equal(result.errorClass, 'network')
      assert.match(result.errorMessage ?? '', /Could not reach Dify/)
    } finally {
      await offlineClient.close()
    }
  })

  it('fails clearly when the job’s app was removed from DIFY_APPS', async () => {
    const prepared: PreparedAction<DifyParams, Record<string, never>> = await action.prepare({
      app: 'poet',
    })
    const fewer = buildAction(parseDifyApps(`helper:chat:${KEYS.chat}`))
    const before = fake.requests.length
    const result = await fewer.execute(prepared, context())
    assert.equal(result.ok, false)
    assert.equal(result.errorClass, 'dify_error')
    assert.match(result.errorMessage ?? '', /"poet" is no longer configured/)
    assert.equal(fake.requests.length, before)
  })
})
