import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { difyRuleViolations } from '../helpers/dify-rules.ts'
import { waitUntil } from '../helpers/engine-wait.ts'
import { type FakeDify, startFakeDify } from '../helpers/fake-dify.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

const KEYS = {
  flow: 'app-route-flow-key-1',
  chat: 'app-route-chat-key-2',
  agent: 'app-route-agent-key-3',
  broken: 'app-route-revoked-key-4',
}

let fake: FakeDify
let scheduler: TestScheduler
let built: ReturnType<typeof buildTestApp>
/** Every response body this file saw, to prove no key ever left the server. */
const seen: string[] = []

before(async () => {
  fake = await startFakeDify([
    {
      key: KEYS.flow,
      mode: 'workflow',
      description: 'Writes the weekly report',
      outputs: { report: 'All green' },
      form: [
        { 'text-input': { variable: 'team', label: 'Team', required: true } },
        {
          select: { variable: 'tone', label: 'Tone', required: false, options: ['short', 'long'] },
        },
      ],
    },
    { key: KEYS.chat, mode: 'advanced-chat', description: 'Answers questions', answer: 'Hi Ana!' },
    { key: KEYS.agent, mode: 'agent-chat', answer: 'Três tarefas abertas: A, B e C.' },
  ])
  const env = {
    DIFY_API_URL: `${fake.url}/v1/`,
    DIFY_APPS: `report:workflow:${KEYS.flow},helper:chat:${KEYS.chat},ops:agent:${KEYS.agent},old:chat:${KEYS.broken}`,
    DIFY_DEFAULT_USER: 'scheduler-bot',
  }
  // Real clock and running workers: jobs due in hours never fire; the ones due in a second do.
  scheduler = await startTestScheduler('routes_dify', { env })
  built = buildTestApp({ runtime: scheduler.runtime, clock: systemClock, env })
})
after(async () => {
  await scheduler?.close()
  await fake?.close()
})

async function call(method: string, path: string, body?: unknown, headers = authHeader) {
  const res = await built.app.request(path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  seen.push(text)
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as AnyJson }
}

const schedule = (body: Record<string, unknown>) =>
  call('POST', '/jobs/dify', { name: 'Dify job', delay: '2h', ...body })

async function problem(body: Record<string, unknown>, field: string, pattern: RegExp) {
  const res = await schedule(body)
  assert.equal(res.status, 422, JSON.stringify(res.body))
  const error = res.body.errors.find((e: AnyJson) => e.field === field)
  assert.ok(error, JSON.stringify(res.body.errors))
  assert.match(`${error.message} ${error.hint}`, pattern)
}

describe('the Dify tools in the tools document', () => {
  it('adds scheduleDifyRun and listDifyApps and still follows every Dify import rule', async () => {
    const { body: doc } = await call('GET', '/openapi.json')
    assert.equal(doc.paths['/jobs/dify'].post.operationId, 'scheduleDifyRun')
    assert.equal(doc.paths['/dify/apps'].get.operationId, 'listDifyApps')
    assert.match(doc.paths['/dify/apps'].get.description, /before scheduleDifyRun/)
    const props = doc.paths['/jobs/dify'].post.requestBody.content['application/json'].schema
    const schema =
      props.properties ?? doc.components.schemas[props.$ref.split('/').pop()].properties
    for (const field of ['app', 'inputs', 'query', 'conversation_id', 'user']) {
      assert.equal(schema[field].type, 'string', field)
    }
    assert.deepEqual(difyRuleViolations(doc), [])
  })

  it('leaves both tools out when no Dify app is configured', async () => {
    const plain = buildTestApp()
    const doc = await readJson(plain.app.request('/openapi.json'))
    assert.equal(doc.paths['/jobs/dify'], undefined)
    assert.equal(doc.paths['/dify/apps'], undefined)
    await plain.runtime.stop(100)
  })

  it('answers 401 without an API key', async () => {
    assert.equal((await call('GET', '/dify/apps', undefined, {} as typeof authHeader)).status, 401)
    const post = await call('POST', '/jobs/dify', { name: 'x' }, {} as typeof authHeader)
    assert.equal(post.status, 401)
  })
})

describe('listDifyApps', () => {
  it('lists every app with mode, description and inputs, leaving out what Dify would not say', async () => {
    const res = await call('GET', '/dify/apps')
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    assert.ok(Date.parse(res.body.now))
    assert.deepEqual(res.body.apps, [
      {
        name: 'report',
        mode: 'workflow',
        description: 'Writes the weekly report',
        inputs: [
          { variable: 'team', type: 'text-input', required: true, label: 'Team' },
          {
            variable: 'tone',
            type: 'select',
            required: false,
            label: 'Tone',
            options: ['short', 'long'],
          },
        ],
      },
      { name: 'helper', mode: 'chat', description: 'Answers questions', inputs: [] },
      { name: 'ops', mode: 'agent', inputs: [] },
      { name: 'old', mode: 'chat' },
    ])
  })
})

describe('scheduleDifyRun', () => {
  it('creates a job whose action shows app, mode, inputs, query and user, with the Dify timeout', async () => {
    const res = await schedule({
      name: 'Weekly report',
      app: 'Report',
      inputs: '{"team":"blue","tone":"short"}',
      delay: null,
      cron: '0 9 * * MON',
      timezone: 'Europe/Lisbon',
    })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    const { job, summary } = res.body
    assert.deepEqual(job.action, {
      type: 'dify',
      summary: 'run Dify app "report" (workflow)',
      app: 'report',
      mode: 'workflow',
      inputs: { team: 'blue', tone: 'short' },
      query: null,
      conversation_id: null,
      user: 'scheduler-bot',
    })
    assert.equal(job.timeout_seconds, 300)
    assert.match(summary, /"Weekly report" \(run Dify app "report" \(workflow\)\)/)
  })

  it('answers 422 for an unknown or missing app, listing the valid names', async () => {
    await problem({ app: 'reprot' }, 'app', /no Dify app named "reprot".*report, helper, ops, old/s)
    const missing = await call('POST', '/jobs/dify', { name: 'x', delay: '1h' })
    assert.equal(missing.status, 422)
    assert.ok(missing.body.errors.some((e: AnyJson) => e.field === 'app'))
  })

  it('answers 422 for inputs that are not JSON text, lack a required variable or miss a query', async () => {
    await problem({ app: 'report', inputs: "{'team': 'blue'}" }, 'inputs', /Python dict/)
    await problem({ app: 'report', inputs: '{"tone":"long"}' }, 'inputs.team', /"team" \(Team\)/)
    await problem({ app: 'helper' }, 'query', /required for "helper", a chat app/)
    await problem(
      { app: 'ops', query: 'x', inputs: '{"who":"me"}' },
      'inputs.who',
      /takes no input variables/,
    )
  })

  it('answers 422 when Dify refuses the server’s key for the app', async () => {
    await problem({ app: 'old', query: 'hello' }, 'app', /refuses this server's API key/)
  })

  it('changes a Dify job with updateJob, validating against the app', async () => {
    const created = await schedule({ app: 'helper', query: 'first' })
    assert.equal(created.status, 201)
    const id = created.body.job.id
    const updated = await call('PATCH', `/jobs/${id}`, { query: 'second', user: 'ana' })
    assert.equal(updated.status, 200, JSON.stringify(updated.body))
    assert.equal(updated.body.job.action.query, 'second')
    assert.equal(updated.body.job.action.user, 'ana')
    const wrong = await call('PATCH', `/jobs/${id}`, { url: 'https://example.com' })
    assert.equal(wrong.status, 422)
  })
})

describe('a Dify job end to end', () => {
  async function runsToCompletion(body: Record<string, unknown>): Promise<AnyJson> {
    const runAt = new Date(Date.now() + 800).toISOString()
    const created = await call('POST', '/jobs/dify', {
      name: 'soon',
      run_at: runAt,
      max_attempts: 1,
      ...body,
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const id = created.body.job.id
    return waitUntil(`job ${id} to run`, async () => {
      const { body: page } = await call('GET', `/jobs/${id}/executions`)
      const done = page.executions.find((e: AnyJson) => e.status !== 'running')
      return done
    })
  }

  it('calls the agent app when due and records the streamed answer and conversation id', async () => {
    const before = fake.runRequests().length
    const execution = await runsToCompletion({ app: 'ops', query: 'What is open?' })
    assert.equal(execution.status, 'succeeded', JSON.stringify(execution.error))
    assert.equal(execution.output.answer, 'Três tarefas abertas: A, B e C.')
    assert.ok(fake.conversations.has(execution.output.conversation_id))
    assert.match(execution.output.message_id, /^[0-9a-f-]{36}$/)
    const request = fake.runRequests().at(-1)
    assert.equal(fake.runRequests().length, before + 1)
    assert.equal(request?.headers.authorization, `Bearer ${KEYS.agent}`)
    assert.deepEqual(request?.body, {
      inputs: {},
      query: 'What is open?',
      response_mode: 'streaming',
      user: 'scheduler-bot',
    })
  })

  it('records a Dify error as a failed execution with class dify_error', async () => {
    const execution = await runsToCompletion({
      app: 'helper',
      query: 'continue',
      conversation_id: '00000000-0000-4000-8000-00000000beef',
    })
    assert.equal(execution.status, 'failed')
    assert.equal(execution.response_status, 404)
    assert.equal(execution.error.class, 'dify_error')
    assert.match(execution.error.message, /Conversation Not Exists/)
  })

  it('never puts an app key in a response or a log line', () => {
    const everything = [...seen, built.logs.text(), scheduler.logs.text()].join('\n')
    assert.ok(everything.length > 1000)
    for (const key of Object.values(KEYS)) assert.equal(everything.includes(key), false, key)
  })
})
