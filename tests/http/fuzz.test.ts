/**
 * Fuzzes every operation of /openapi.json and /openapi/ops.json, read from the documents themselves
 * (so a new route is fuzzed without touching this file), with Dify, WhatsApp and ClickUp configured
 * against local fakes so every operation exists. Each request gets mostly valid input with fields
 * mutated (wrong types, null, huge and odd text, NUL, lone surrogates, deep JSON), broken bodies and
 * content types, and odd path and query values (non-UUID ids among them). Every answer must be below
 * 500, every 4xx a problem+json body, every signed ClickUp delivery a 200, and the server must end
 * ready. A failure prints fast-check's seed and the shrunk request; FUZZ_SEED replays a run.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { createApp } from '../../src/app.ts'
import { assertMigrationsApplied, listMigrationFiles } from '../../src/db/migrate.ts'
import { createApiKeyVerifier } from '../../src/http/auth.ts'
import { signBody } from '../../src/integrations/clickup/index.ts'
import { systemClock } from '../../src/time/clock.ts'
import { authHeader } from '../helpers/app.ts'
import { type FakeClickUp, HAND_SECRET, startFakeClickUp } from '../helpers/fake-clickup.ts'
import { type FakeDify, startFakeDify } from '../helpers/fake-dify.ts'
import { type FakeEvolution, startFakeEvolution } from '../helpers/fake-evolution.ts'
import {
  clickUpDelivery,
  type FuzzRequest,
  mcpArguments,
  type Operation,
  operationsOf,
  requestFor,
} from '../helpers/fuzz-requests.ts'
import type { AnyJson } from '../helpers/http.ts'
import { postRpc, toolsCall, toolsList } from '../helpers/mcp.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

/** Wall time the whole fuzz may take; each operation gets its share (fast-check stops it there). */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 30_000)
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 160)
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31

let scheduler: TestScheduler
let dify: FakeDify
let evolution: FakeEvolution
let clickup: FakeClickUp
let app: ReturnType<typeof createApp>
const knownIds: string[] = []
let sent = 0

/**
 * A valid body per operation: mutations start from it, so most requests get past validation into
 * the code (and the database) behind it. An operation missing here starts from an empty body.
 */
const BASE_BODIES: Record<string, Record<string, unknown>> = {
  scheduleWebhook: {
    name: 'Fuzz webhook',
    url: 'http://127.0.0.1:9/hook',
    delay: '2h',
    body: '{"a":1}',
    headers: '{"X-Key":"v"}',
  },
  scheduleDifyRun: { name: 'Fuzz Dify', app: 'helper', query: 'Hi', inputs: '{}', delay: '2h' },
  scheduleWhatsAppMessage: {
    name: 'Fuzz WhatsApp',
    to: '+55 11 99999-0000',
    message: 'Hi',
    delay: '2h',
  },
  sendWhatsAppMessage: { to: '+55 11 99999-0000', message: 'Hi' },
  previewSchedule: { cron: '0 9 * * MON-FRI', timezone: 'America/Sao_Paulo' },
  updateJob: { name: 'Renamed', delay: '3h' },
  createClickUpRule: {
    name: 'Fuzz rule',
    list_id: '901234',
    trigger_status: 'scheduled',
    offset: '-15m',
    action: 'webhook',
    url: 'http://127.0.0.1:9/hook',
    headers: '{"X-Key":"v"}',
  },
  updateClickUpRule: { name: 'Renamed rule', offset: '1h' },
  registerClickUpWebhook: { team_id: '108', list_id: '901234' },
}

/** Valid MCP arguments per tool (nested forms), before ids are known; a tool missing here starts from {}. */
const MCP_BASE_ARGUMENTS: Record<string, Record<string, unknown>> = {
  scheduleWebhook: {
    name: 'Fuzz webhook',
    url: 'http://127.0.0.1:9/hook',
    delay: '2h',
    body: '{"a":1}',
    headers: { 'X-Key': 'v' },
    tags: ['fuzz'],
  },
  scheduleDifyRun: { name: 'Fuzz Dify', app: 'helper', query: 'Hi', inputs: {}, delay: '2h' },
  scheduleWhatsAppMessage: {
    name: 'Fuzz WhatsApp',
    to: '+55 11 99999-0000',
    message: 'Hi',
    delay: '2h',
  },
  sendWhatsAppMessage: { to: '+55 11 99999-0000', message: 'Hi' },
  previewSchedule: { cron: '0 9 * * MON-FRI', timezone: 'America/Sao_Paulo', count: 3 },
  getCurrentTime: { timezone: 'Europe/Berlin' },
  listJobs: { search: 'fuzz', limit: 5 },
  checkWhatsAppNumber: { number: '5511999990000' },
}

/** Every DNS name resolves to loopback: nothing here may leave the machine. */
const loopbackLookup = async () => [{ address: '127.0.0.1', family: 4 as const }]

before(async () => {
  dify = await startFakeDify([
    { key: 'app-fuzz-flow', mode: 'workflow', outputs: { ok: true } },
    { key: 'app-fuzz-chat', mode: 'advanced-chat', answer: 'hi' },
  ])
  evolution = await startFakeEvolution()
  clickup = await startFakeClickUp()
  scheduler = await startTestScheduler('fuzz', {
    // No attempts run: the API is under test, and fuzzed URLs must never be called.
    env: {
      WORKERS_ENABLED: 'false',
      DIFY_API_URL: dify.url,
      DIFY_APPS: 'flow:workflow:app-fuzz-flow,helper:chat:app-fuzz-chat',
      EVOLUTION_API_URL: evolution.url,
      EVOLUTION_API_KEY: evolution.apiKey,
      EVOLUTION_API_INSTANCE: evolution.instance,
      WHATSAPP_MIN_GAP_SECONDS: '0.01',
      WHATSAPP_MAX_PER_MINUTE: '1000',
      WHATSAPP_MAX_PER_DAY: '100000',
      CLICKUP_API_TOKEN: clickup.token,
      CLICKUP_API_URL: clickup.url,
      CLICKUP_WEBHOOK_SECRET: HAND_SECRET,
      CLICKUP_RECONCILE_INTERVAL_MINUTES: '0',
    },
    lookup: loopbackLookup,
  })
  const { pool, runtime, config, logs, metrics } = scheduler
  // Creates the ClickUp queues (no workers: WORKERS_ENABLED is false).
  await runtime.clickup?.start()
  const migrations = listMigrationFiles()
  app = createApp({
    config,
    logger: logs.logger,
    clock: systemClock,
    metrics,
    apiKeys: createApiKeyVerifier(config.apiKeys),
    registry: runtime.registry,
    scheduler: runtime.service,
    clickup: runtime.clickup,
    readiness: [
      { name: 'database', check: async () => void (await pool.query('select 1')) },
      { name: 'migrations', check: () => assertMigrationsApplied(pool, migrations) },
      { name: 'workers', check: async () => runtime.engine.checkHealth() },
    ],
  })
  await seedKnownIds()
})

after(async () => {
  await scheduler?.close()
  await Promise.all([dify?.close(), evolution?.close(), clickup?.close()])
})

/** Real job, rule and execution ids, so mutated updates reach the code behind the 404. */
async function seedKnownIds() {
  const post = async (path: string, body: unknown) => {
    const res = await app.request(path, {
      method: 'POST',
      headers: { ...authHeader, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    assert.ok(res.status < 300, `${path}: ${res.status} ${await res.clone().text()}`)
    return (await res.json()) as AnyJson
  }
  for (const every of [undefined, '1h']) {
    const created = await post('/jobs/webhook', {
      name: 'fuzz target',
      url: 'http://127.0.0.1:9/hook',
      ...(every ? { every } : { delay: '2h' }),
    })
    knownIds.push(created.job.id)
  }
  const rule = await post('/clickup/rules', {
    name: 'fuzz rule',
    trigger_status: 'scheduled',
    action: 'webhook',
    url: 'http://127.0.0.1:9/hook',
  })
  knownIds.push(rule.id, '5511999990000')
}

async function send(request: FuzzRequest): Promise<Response> {
  sent += 1
  return app.request(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  })
}

/** What every answer must be: below 500, and a full problem+json body when it is a 4xx. */
async function assertWellFormed(request: FuzzRequest, res: Response): Promise<void> {
  const where = `${request.method} ${request.url.slice(0, 200)} → ${res.status}`
  const text = await res.text()
  assert.ok(res.status < 500, `${where}: ${text.slice(0, 500)}`)
  if (res.status >= 400) {
    assert.equal(res.headers.get('content-type'), 'application/problem+json', where)
    const problem = JSON.parse(text) as AnyJson
    assert.equal(problem.status, res.status, where)
    for (const member of ['type', 'title', 'detail', 'request_id', 'now']) {
      assert.equal(typeof problem[member], 'string', `${where}: ${member} in ${text.slice(0, 300)}`)
    }
    assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, `${where}: no stack trace`)
  }
}

async function documentOperations(): Promise<Operation[]> {
  const tools = await (await app.request('/openapi.json')).json()
  const ops = await (await app.request('/openapi/ops.json')).json()
  return [...operationsOf(tools), ...operationsOf(ops)]
}

describe('fuzzing every documented operation', () => {
  it('never answers 5xx, answers every 4xx as problem+json and stays ready', async () => {
    // The ClickUp webhook and /mcp answer in their own protocols: each has its own property below.
    const operations = (await documentOperations()).filter(
      (op) => op.path !== '/clickup/webhook' && op.path !== '/mcp',
    )
    assert.ok(operations.length >= 25, `${operations.length} operations`)
    const withInput = operations.filter((op) => op.hasInput)
    const perOperationMs = Math.floor((BUDGET_MS * 0.8) / withInput.length)
    for (const [index, op] of operations.entries()) {
      await fc.assert(
        fc.asyncProperty(
          requestFor(op, BASE_BODIES[op.operationId] ?? {}, knownIds, authHeader),
          async (request) => assertWellFormed(request, await send(request)),
        ),
        {
          seed: seed + index,
          numRuns: op.hasInput ? RUNS_PER_OPERATION : 3,
          interruptAfterTimeLimit: op.hasInput ? perOperationMs : 2_000,
          markInterruptAsFailure: false,
          endOnFailure: false,
        },
      )
    }
    const ready = await app.request('/readyz')
    assert.equal(ready.status, 200, await ready.text())
    const unhandled = scheduler.logs.lines().filter((l) => l.msg === 'unhandled error')
    assert.deepEqual(unhandled, [])
    console.log(`fuzz: ${sent} requests over ${operations.length} operations, seed ${seed}`)
    assert.ok(sent >= 600, `only ${sent} requests ran in the budget`)
  })

  it('answers every MCP tools/call with a result or a JSON-RPC error, never a 5xx or a leaked internal', async () => {
    const before = sent
    const listed = await postRpc(app, toolsList(), { headers: authHeader })
    const tools = listed.message.result.tools as AnyJson[]
    assert.ok(tools.length >= 15, `${tools.length} tools`)
    const jobId = knownIds[0] as string
    const perToolMs = Math.floor((BUDGET_MS * 0.25) / tools.length)
    for (const [index, tool] of tools.entries()) {
      const base = {
        ...(tool.inputSchema.properties?.job_id ? { job_id: jobId } : {}),
        ...(tool.name === 'updateJob' ? { name: 'Renamed', delay: '3h' } : {}),
        ...(MCP_BASE_ARGUMENTS[tool.name] ?? {}),
      }
      await fc.assert(
        fc.asyncProperty(mcpArguments(tool.inputSchema, base), async (args) => {
          sent += 1
          const answer = await postRpc(app, toolsCall(tool.name, args), { headers: authHeader })
          const where = `${tool.name} ${JSON.stringify(args)?.slice(0, 300)} → ${answer.status}`
          assert.ok(answer.status < 500, `${where}: ${answer.text.slice(0, 500)}`)
          assert.doesNotMatch(
            answer.text,
            /\n\s+at .+:\d+:\d+|\\n\s+at /,
            `${where}: no stack trace`,
          )
          const message = answer.message
          assert.equal(message?.jsonrpc, '2.0', where)
          if (message.error) {
            assert.notEqual(message.error.code, -32603, `${where}: ${message.error.message}`)
            return
          }
          if (message.result.isError) {
            const problem = JSON.parse(message.result.content[0].text)
            assert.ok(problem.status >= 400 && problem.status < 500, `${where}: ${problem.detail}`)
            for (const member of ['type', 'title', 'detail', 'request_id', 'now'])
              assert.equal(typeof problem[member], 'string', `${where}: ${member}`)
          } else {
            assert.equal(typeof message.result.structuredContent, 'object', where)
          }
        }),
        {
          seed: seed + 1_000 + index,
          numRuns: RUNS_PER_OPERATION,
          interruptAfterTimeLimit: perToolMs,
          markInterruptAsFailure: false,
        },
      )
    }
    const unhandled = scheduler.logs.lines().filter((l) => l.msg === 'unhandled error')
    assert.deepEqual(unhandled, [])
    console.log(`fuzz: ${sent - before} MCP calls over ${tools.length} tools, seed ${seed}`)
    assert.ok(sent - before >= 200, `only ${sent - before} MCP calls ran in the budget`)
    assert.equal((await app.request('/readyz')).status, 200)
  })

  it('answers 200 to every delivery signed with a known secret, and 401 to unsigned ones', async () => {
    const before = sent
    await fc.assert(
      fc.asyncProperty(clickUpDelivery, fc.boolean(), async (raw, signed) => {
        const request: FuzzRequest = {
          method: 'POST',
          url: '/clickup/webhook',
          headers: {
            'content-type': 'application/json',
            ...(signed ? { 'x-signature': signBody(HAND_SECRET, raw) } : {}),
          },
          body: raw,
        }
        const res = await send(request)
        assert.equal(
          res.status,
          signed ? 200 : 401,
          `${raw.slice(0, 300)}: ${await res.clone().text()}`,
        )
        await assertWellFormed(request, res)
      }),
      {
        seed,
        numRuns: 400,
        interruptAfterTimeLimit: BUDGET_MS * 0.2,
        markInterruptAsFailure: false,
      },
    )
    assert.ok(sent - before >= 100, `only ${sent - before} deliveries ran`)
    assert.equal((await app.request('/readyz')).status, 200)
  })
})
