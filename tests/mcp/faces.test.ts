/**
 * The same tools through both faces, on a real database with Dify and WhatsApp fakes: an MCP
 * answer's structuredContent is the REST body, a problem is the same problem, nested MCP input
 * means what the flat REST input means (the same job, the same idempotency), changes are recorded
 * as made via `mcp`, and concurrent calls reusing one JSON-RPC id each get their own answer.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createFixedClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { type FakeDify, startFakeDify } from '../helpers/fake-dify.ts'
import { type FakeEvolution, startFakeEvolution } from '../helpers/fake-evolution.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import { difyToolCall, postRpc, textsOf, toolsCall } from '../helpers/mcp.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

const clock = createFixedClock(new Date('2026-11-27T12:00:00.000Z'))
let dify: FakeDify
let evolution: FakeEvolution
let scheduler: TestScheduler
let app: ReturnType<typeof buildTestApp>['app']

before(async () => {
  dify = await startFakeDify([
    {
      key: 'app-faces-flow',
      mode: 'workflow',
      description: 'Writes the report',
      outputs: { ok: true },
      form: [{ 'text-input': { variable: 'city', label: 'City', required: true } }],
    },
  ])
  evolution = await startFakeEvolution()
  const env = {
    WORKERS_ENABLED: 'false',
    DIFY_API_URL: dify.url,
    DIFY_APPS: 'report:workflow:app-faces-flow',
    EVOLUTION_API_URL: evolution.url,
    EVOLUTION_API_KEY: evolution.apiKey,
    EVOLUTION_API_INSTANCE: evolution.instance,
    WHATSAPP_MIN_GAP_SECONDS: '0.01',
  }
  scheduler = await startTestScheduler('mcp_faces', { env, clock })
  app = buildTestApp({ runtime: scheduler.runtime, clock, env }).app
})
after(async () => {
  await scheduler?.close()
  await Promise.all([dify?.close(), evolution?.close()])
})

async function rest(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: {
      ...authHeader,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: await readJson(res) }
}

/** The tool's answer over MCP: its output, or its problem when it failed. */
async function mcp(name: string, args: unknown): Promise<{ output?: AnyJson; problem?: AnyJson }> {
  const answer = await difyToolCall(app, authHeader, name, args)
  assert.equal(answer.status, 200, answer.text)
  const result = answer.message.result
  if (result.isError) return { problem: JSON.parse(textsOf(result)[0] as string) }
  assert.deepEqual(JSON.parse(textsOf(result)[1] as string), result.structuredContent)
  return { output: result.structuredContent }
}

const withoutRequest = ({ instance: _i, request_id: _r, ...rest }: AnyJson) => rest

describe('the same answer through both faces', () => {
  it('reads jobs, pages and previews alike', async () => {
    const created = await rest('POST', '/jobs/webhook', {
      name: 'Parity',
      url: 'http://127.0.0.1:9/hook',
      every: '1h',
      tags: 'parity,check',
      headers: '{"X-Key":"secret-value"}',
    })
    assert.equal(created.status, 201)
    const id = created.body.job.id
    const cases: [string, string, unknown, string, AnyJson?][] = [
      ['getJob', 'GET', undefined, `/jobs/${id}`, { job_id: id }],
      ['listJobs', 'GET', undefined, '/jobs?tag=parity&limit=5', { tag: 'parity', limit: 5 }],
      ['listExecutions', 'GET', undefined, `/jobs/${id}/executions`, { job_id: id }],
      ['getCurrentTime', 'GET', undefined, '/time?timezone=Asia/Tokyo', { timezone: 'Asia/Tokyo' }],
      ['listDifyApps', 'GET', undefined, '/dify/apps', {}],
      [
        'previewSchedule',
        'POST',
        { cron: '0 9 * * *', timezone: 'Europe/Lisbon', count: 2 },
        '/schedules/preview',
      ],
      [
        'checkWhatsAppNumber',
        'GET',
        undefined,
        '/whatsapp/numbers/5511999990000',
        { number: '5511999990000' },
      ],
    ]
    for (const [tool, method, body, path, args] of cases) {
      const viaRest = await rest(method, path, body)
      assert.equal(viaRest.status, 200, `${tool}: ${JSON.stringify(viaRest.body)}`)
      const viaMcp = await mcp(tool, args ?? body)
      assert.deepEqual(viaMcp.output, viaRest.body, tool)
    }
    assert.doesNotMatch(JSON.stringify(await mcp('getJob', { job_id: id })), /secret-value/)
  })

  it('answers the same problems: not found, a conflict, a bad field', async () => {
    const missing = '0b6e0bd4-5d0e-4a8e-9b62-5a8e0f1f2c3d'
    const notFound = await rest('GET', `/jobs/${missing}`)
    assert.equal(notFound.status, 404)
    assert.deepEqual(
      withoutRequest((await mcp('getJob', { job_id: missing })).problem),
      withoutRequest(notFound.body),
    )
    const job = (
      await mcp('scheduleWebhook', { name: 'To cancel', url: 'http://127.0.0.1:9/x', delay: '1h' })
    ).output
    await mcp('cancelJob', { job_id: job?.job.id })
    const conflict = await rest('POST', `/jobs/${job?.job.id}/pause`)
    assert.equal(conflict.status, 409)
    assert.deepEqual(
      withoutRequest((await mcp('pauseJob', { job_id: job?.job.id })).problem),
      withoutRequest(conflict.body),
    )
    const badUrl = { name: 'Bad', url: 'ftp://example.com/x', delay: '1h' }
    const refused = await rest('POST', '/jobs/webhook', badUrl)
    assert.equal(refused.status, 422)
    assert.deepEqual(
      withoutRequest((await mcp('scheduleWebhook', badUrl)).problem),
      withoutRequest(refused.body),
    )
  })
})

describe('nested MCP input', () => {
  it('means what the flat REST input means, and is the same content for idempotency', async () => {
    const flat = {
      name: 'Invoice reminder',
      url: 'http://127.0.0.1:9/hook',
      delay: '2h',
      tags: 'billing,ana',
      headers: '{"X-Key":"abc123"}',
      max_attempts: 2,
      dedupe_key: 'faces-invoice-1',
    }
    const created = await rest('POST', '/jobs/webhook', flat)
    assert.equal(created.status, 201)
    const again = await mcp('scheduleWebhook', {
      ...flat,
      tags: ['billing', 'ana'],
      headers: { 'X-Key': 'abc123' },
      max_attempts: '2',
    })
    assert.equal(again.output?.duplicate, true)
    assert.equal(again.output?.job.id, created.body.job.id)

    const nested = await mcp('scheduleWebhook', {
      ...flat,
      name: 'Nested',
      dedupe_key: 'faces-nested-1',
      tags: ['Billing', 'billing', 'x:y'],
      headers: { Authorization: 'Bearer t0ken', 'X-Trace': '1' },
    })
    const job = nested.output?.job
    assert.deepEqual(job.tags, ['billing', 'x:y'])
    assert.deepEqual(job.action.header_names, ['Authorization', 'X-Trace'])
    assert.equal(job.max_attempts, 2)
    assert.doesNotMatch(JSON.stringify(nested), /t0ken/)
  })

  it('takes Dify inputs as an object and checks them against the app form', async () => {
    const good = await mcp('scheduleDifyRun', {
      name: 'Report',
      app: 'report',
      inputs: { city: 'Lisbon' },
      delay: '3h',
    })
    assert.deepEqual(good.output?.job.action.inputs, { city: 'Lisbon' })
    const bad = await mcp('scheduleDifyRun', {
      name: 'Report',
      app: 'report',
      inputs: {},
      delay: '3h',
    })
    assert.equal(bad.problem?.status, 422)
    assert.equal(bad.problem?.errors[0].field, 'inputs.city')
    const wrongType = await mcp('scheduleWebhook', {
      name: 'x',
      url: 'http://127.0.0.1:9/x',
      delay: '1h',
      headers: '{"X-Key":"v"}',
    })
    assert.equal(wrongType.problem?.status, 422)
    assert.equal(wrongType.problem?.errors[0].field, 'headers')
  })

  it('records changes made over MCP under the key name, via mcp', async () => {
    const created = await mcp('scheduleWebhook', {
      name: 'Audited',
      url: 'http://127.0.0.1:9/hook',
      every: '1h',
    })
    const id = created.output?.job.id
    const updated = await mcp('updateJob', { job_id: id, tags: ['audited'], every: '2h' })
    assert.deepEqual(updated.output?.job.tags, ['audited'])
    assert.equal(updated.output?.job.schedule.every, '2h')
    await mcp('pauseJob', { job_id: id })
    const detail = await scheduler.runtime.service.getJobDetail(id)
    assert.deepEqual(
      detail.changes.map((change) => [change.change, change.actor, change.via]),
      [
        ['pause', 'tests', 'mcp'],
        ['update', 'tests', 'mcp'],
        ['create', 'tests', 'mcp'],
      ],
    )
    assert.deepEqual(detail.changes[1]?.detail.fields, ['tags', 'every'])
  })

  it('sends a WhatsApp message now', async () => {
    const sent = await mcp('sendWhatsAppMessage', { to: '+55 11 99999-1234', message: 'Oi Ana' })
    assert.equal(sent.output?.status, 'sent')
    assert.equal(sent.output?.to, '5511999991234')
    assert.deepEqual(
      evolution.delivered.map((m) => [m.number, m.text]),
      [['5511999991234', 'Oi Ana']],
    )
  })
})

describe('concurrent calls', () => {
  it('gives each of 30 calls reusing JSON-RPC id 1 its own answer', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `Concurrent ${i}`)
    const created = await Promise.all(
      names.map((name) =>
        postRpc(
          app,
          toolsCall('scheduleWebhook', { name, url: 'http://127.0.0.1:9/c', delay: '1h' }, 1),
          { headers: authHeader },
        ),
      ),
    )
    const ids = created.map((answer, i) => {
      assert.equal(answer.message.id, 1)
      assert.equal(answer.message.result.structuredContent.job.name, names[i])
      return answer.message.result.structuredContent.job.id as string
    })
    assert.equal(new Set(ids).size, 30)
    const read = await Promise.all(
      ids.map((id) =>
        postRpc(app, toolsCall('getJob', { job_id: id }, 1), { headers: authHeader }),
      ),
    )
    read.forEach((answer, i) => {
      assert.equal(answer.message.result.structuredContent.job.id, ids[i])
    })
  })
})
