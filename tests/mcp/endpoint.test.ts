/**
 * POST /mcp driven the way Dify's MCP client drives it (raw JSON-RPC, only Accept, Content-Type and
 * Authorization), for both protocol versions Dify sends; tools/list as Dify converts it; the
 * answers' shapes; auth, methods and paths. No database: these tools need none, and a tool that
 * does answers the outage problem.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { authHeader, buildTestApp, TEST_API_KEY } from '../helpers/app.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import {
  DIFY_MCP_HEADERS,
  difyToolCall,
  initialize,
  initialized,
  postRpc,
  textsOf,
  toolsCall,
  toolsList,
} from '../helpers/mcp.ts'
import { difyParameters, schemaErrors } from '../helpers/mcp-schema.ts'
import { DOCUMENT_SETTINGS } from '../helpers/tool-documents.ts'

const CONFIGURED_ONLY = [
  'scheduleDifyRun',
  'scheduleWhatsAppMessage',
  'listDifyApps',
  'sendWhatsAppMessage',
  'checkWhatsAppNumber',
]

async function listTools(app: ReturnType<typeof buildTestApp>['app']): Promise<AnyJson[]> {
  const answer = await postRpc(app, toolsList(), { headers: authHeader })
  assert.equal(answer.status, 200, answer.text)
  return answer.message.result.tools
}

function operationIds(document: AnyJson): string[] {
  return Object.values<AnyJson>(document.paths).flatMap((item) =>
    Object.values<AnyJson>(item).map((op) => op.operationId),
  )
}

/** A problem body without what differs per request. */
function comparable(problem: AnyJson) {
  const { instance: _i, request_id: _r, now: _n, ...rest } = problem
  return rest
}

describe('the MCP handshake as Dify sends it', () => {
  for (const version of ['2025-03-26', '2025-06-18']) {
    it(`answers initialize ${version} with that version, then 202 to notifications/initialized`, async () => {
      const { app } = buildTestApp()
      const init = await postRpc(app, initialize(version), { headers: authHeader })
      assert.equal(init.status, 200, init.text)
      assert.equal(init.message.id, 1)
      assert.equal(init.message.result.protocolVersion, version)
      assert.equal(init.message.result.serverInfo.name, 'agent-tool-server')
      assert.ok(init.message.result.capabilities.tools)
      assert.match(init.message.result.instructions, /getCurrentTime/)
      // Stateless: no session for Dify to keep (it sends mcp-session-id only when given one).
      assert.equal(init.headers.get('mcp-session-id'), null)
      const note = await postRpc(app, initialized, { headers: authHeader })
      assert.equal(note.status, 202)
      assert.equal(note.text, '')
    })

    it(`lists and calls a tool with protocol ${version}`, async () => {
      const { app } = buildTestApp()
      const answer = await difyToolCall(
        app,
        authHeader,
        'getCurrentTime',
        { timezone: 'America/Sao_Paulo' },
        version,
      )
      assert.equal(answer.status, 200)
      const result = answer.message.result
      assert.equal(result.isError, undefined)
      const [sentence, json] = textsOf(result)
      assert.equal(
        sentence,
        'It is Friday, 27 November 2026, 09:00 (America/Sao_Paulo, UTC-03:00).',
      )
      assert.deepEqual(JSON.parse(json as string), result.structuredContent)
      assert.equal(result.structuredContent.local, '2026-11-27T09:00:00-03:00')
    })
  }

  it('sends nothing but Accept, Content-Type and Authorization, and needs nothing more', () => {
    assert.deepEqual(Object.keys({ ...DIFY_MCP_HEADERS, ...authHeader }), [
      'Accept',
      'Content-Type',
      'Authorization',
    ])
  })
})

describe('tools/list', () => {
  it('lists exactly the operations of /openapi.json, configured-only tools only when configured', async () => {
    for (const env of [DOCUMENT_SETTINGS.bare, DOCUMENT_SETTINGS.configured]) {
      const { app } = buildTestApp({ env: { ...env } })
      const names = (await listTools(app)).map((tool) => tool.name)
      const document = await readJson(app.request('/openapi.json'))
      assert.deepEqual(names, operationIds(document))
      const present = CONFIGURED_ONLY.filter((name) => names.includes(name))
      assert.deepEqual(present, env === DOCUMENT_SETTINGS.bare ? [] : CONFIGURED_ONLY)
    }
  })

  it('gives every tool schemas Dify converts without losing structure', async () => {
    const { app } = buildTestApp({ env: { ...DOCUMENT_SETTINGS.configured } })
    for (const tool of await listTools(app)) {
      assert.equal(typeof tool.title, 'string', tool.name)
      assert.ok(tool.description.length > 20, tool.name)
      assert.equal(tool.inputSchema.type, 'object', tool.name)
      assert.equal(tool.outputSchema?.type, 'object', `${tool.name} has an outputSchema`)
      const text = JSON.stringify([tool.inputSchema, tool.outputSchema])
      assert.doesNotMatch(text, /"\$ref"|"\$defs"|"definitions"/, tool.name)
      for (const parameter of difyParameters(tool.inputSchema)) {
        assert.equal(parameter.lost, undefined, `${tool.name}.${parameter.name}: ${parameter.lost}`)
        assert.ok(parameter.description.length > 0, `${tool.name}.${parameter.name} is described`)
      }
      for (const [name, property] of Object.entries<AnyJson>(tool.outputSchema.properties)) {
        assert.ok(property.type, `${tool.name} output ${name} has a type`)
      }
      assert.equal(typeof tool.annotations.readOnlyHint, 'boolean', tool.name)
    }
  })

  it('keeps nested inputs nested: headers and inputs as objects, tags as a list, numbers typed', async () => {
    const { app } = buildTestApp({ env: { ...DOCUMENT_SETTINGS.configured } })
    const tools = Object.fromEntries((await listTools(app)).map((tool) => [tool.name, tool]))
    const webhook = Object.fromEntries(
      difyParameters(tools.scheduleWebhook.inputSchema).map((p) => [p.name, p]),
    )
    assert.equal(webhook.headers?.type, 'object')
    assert.equal(webhook.headers?.inputSchema.additionalProperties.type, 'string')
    assert.equal(webhook.tags?.type, 'array')
    assert.equal(webhook.tags?.inputSchema.items.type, 'string')
    assert.equal(webhook.max_attempts?.type, 'number')
    assert.equal(tools.scheduleWebhook.inputSchema.properties.max_attempts.type, 'integer')
    assert.deepEqual(
      difyParameters(tools.scheduleWebhook.inputSchema)
        .filter((p) => p.required)
        .map((p) => p.name),
      ['name', 'url'],
    )
    assert.equal(tools.scheduleDifyRun.inputSchema.properties.inputs.type, 'object')
    assert.equal(tools.updateJob.inputSchema.properties.headers.type, 'object')
    assert.deepEqual(tools.updateJob.inputSchema.required, ['job_id'])
    assert.equal(tools.getJob.annotations.readOnlyHint, true)
    assert.equal(tools.cancelJob.annotations.destructiveHint, true)
  })
})

describe('tools/call answers', () => {
  it('leads with the sentence, then the JSON, with structuredContent valid against outputSchema', async () => {
    const { app } = buildTestApp()
    const tools = Object.fromEntries((await listTools(app)).map((tool) => [tool.name, tool]))
    const answer = await difyToolCall(app, authHeader, 'previewSchedule', {
      cron: '0 9 * * MON-FRI',
      timezone: 'Europe/Berlin',
    })
    const result = answer.message.result
    assert.deepEqual(schemaErrors(tools.previewSchedule.outputSchema, result.structuredContent), [])
    const [sentence, json] = textsOf(result)
    assert.match(sentence as string, /^Runs at 09:00 on Monday through Friday/)
    assert.equal(sentence, result.structuredContent.summary)
    assert.deepEqual(JSON.parse(json as string), result.structuredContent)
  })

  it('takes numbers sent as text, and names arguments it ignored in warnings', async () => {
    const { app } = buildTestApp()
    const answer = await difyToolCall(app, authHeader, 'previewSchedule', {
      every: '1h',
      count: '3',
      cronn: '0 9 * * *',
    })
    const output = answer.message.result.structuredContent
    assert.equal(output.next_runs.length, 3)
    assert.match(output.warnings[0], /Ignored field `cronn`.*did you mean `cron`\?/)
  })

  it('drops null and empty arguments, as the service reads them', async () => {
    const { app } = buildTestApp()
    const answer = await difyToolCall(app, authHeader, 'previewSchedule', {
      every: '2h',
      cron: null,
      timezone: '',
      count: null,
    })
    const output = answer.message.result.structuredContent
    assert.equal(output.timezone, 'UTC')
    assert.equal(output.next_runs.length, 5)
  })

  it('answers a bad argument with isError and the problem body the REST 422 has', async () => {
    const { app } = buildTestApp()
    const answer = await difyToolCall(app, authHeader, 'getCurrentTime', { timezone: 'EST' })
    assert.equal(answer.status, 200)
    const result = answer.message.result
    assert.equal(result.isError, true)
    assert.equal(result.structuredContent, undefined)
    const problem = JSON.parse(textsOf(result)[0] as string)
    assert.equal(problem.status, 422)
    assert.equal(problem.errors[0].field, 'timezone')
    assert.match(problem.errors[0].hint, /America\/New_York/)
    assert.equal(problem.instance, '/mcp')
    assert.equal(typeof problem.request_id, 'string')
    const rest = await readJson(app.request('/time?timezone=EST', { headers: authHeader }))
    assert.deepEqual(comparable(problem), comparable(rest))
  })

  it('answers a schema failure with the same field, message and hint as REST', async () => {
    const { app } = buildTestApp()
    const answer = await difyToolCall(app, authHeader, 'previewSchedule', {
      every: '1h',
      count: 500,
    })
    const problem = JSON.parse(textsOf(answer.message.result)[0] as string)
    const rest = await readJson(
      app.request('/schedules/preview', {
        method: 'POST',
        headers: { ...authHeader, 'Content-Type': 'application/json' },
        body: JSON.stringify({ every: '1h', count: 500 }),
      }),
    )
    assert.deepEqual(comparable(problem), comparable(rest))
    assert.equal(problem.errors[0].field, 'count')
  })

  it('refuses text PostgreSQL cannot store, naming the field, as the REST edge does', async () => {
    const { app } = buildTestApp()
    const answer = await difyToolCall(app, authHeader, 'previewSchedule', { every: '1h\u0000' })
    const problem = JSON.parse(textsOf(answer.message.result)[0] as string)
    assert.equal(problem.status, 422)
    assert.equal(problem.errors[0].field, 'every')
  })

  it('answers the 503 problem text when the database is out of reach', async () => {
    const { app } = buildTestApp()
    const answer = await difyToolCall(app, authHeader, 'getJob', {
      job_id: '0b6e0bd4-5d0e-4a8e-9b62-5a8e0f1f2c3d',
    })
    assert.equal(answer.status, 200)
    const problem = JSON.parse(textsOf(answer.message.result)[0] as string)
    assert.equal(answer.message.result.isError, true)
    assert.equal(problem.status, 503)
    assert.equal(problem.type, 'urn:agent-tool-server:problem:database-unavailable')
    assert.match(problem.detail, /send the same request again/)
  })

  it('answers an unknown tool with a JSON-RPC error, not a 5xx', async () => {
    const { app } = buildTestApp()
    const answer = await postRpc(app, toolsCall('listDifyApps', {}), { headers: authHeader })
    assert.equal(answer.status, 200)
    assert.equal(answer.message.error.code, -32602)
    assert.match(answer.message.error.message, /listDifyApps/)
  })

  it('echoes a request id and logs the tool, the key name and the outcome, never the key', async () => {
    const { app, logs, metrics } = buildTestApp()
    const answer = await postRpc(app, toolsCall('getCurrentTime', {}), {
      headers: { ...authHeader, 'X-Request-Id': 'dify-call-42' },
    })
    assert.equal(answer.headers.get('x-request-id'), 'dify-call-42')
    const line = logs.lines().find((l) => l.msg === 'tool call')
    assert.equal(line?.tool, 'getCurrentTime')
    assert.equal(line?.api_key_name, 'tests')
    assert.equal(line?.outcome, 'ok')
    assert.equal(line?.req_id, 'dify-call-42')
    const access = logs.lines().find((l) => l.msg === 'request')
    assert.equal(access?.route, '/mcp')
    assert.equal(access?.api_key_name, 'tests')
    assert.doesNotMatch(logs.text(), new RegExp(TEST_API_KEY))
    const scrape = await metrics.registry.metrics()
    assert.match(scrape, /tool_calls_total\{tool="getCurrentTime",face="mcp",outcome="ok"\} 1/)
  })
})

describe('the MCP endpoint', () => {
  it('answers 401 with WWW-Authenticate and a JSON-RPC error without a valid bearer key', async () => {
    const { app } = buildTestApp()
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: 'Bearer not-a-configured-key-000' },
      { Authorization: `Basic ${TEST_API_KEY}` },
    ]) {
      const answer = await postRpc(app, initialize('2025-06-18'), { headers })
      assert.equal(answer.status, 401, JSON.stringify(headers))
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="agent-tool-server"')
      assert.equal(answer.message.jsonrpc, '2.0')
      assert.equal(answer.message.error.code, -32001)
      assert.match(answer.message.error.message, /Authorization: Bearer/)
    }
  })

  it('never takes a cookie for a key', async () => {
    const { app } = buildTestApp()
    const answer = await postRpc(app, toolsCall('getCurrentTime', {}), {
      headers: { Cookie: `ats_session=${TEST_API_KEY}; Authorization=${TEST_API_KEY}` },
    })
    assert.equal(answer.status, 401)
  })

  it('is open when API_KEYS is empty, like the tool routes', async () => {
    const { app } = buildTestApp({ env: { API_KEYS: '' } })
    const answer = await difyToolCall(app, {}, 'getCurrentTime', {})
    assert.equal(answer.status, 200)
    assert.ok(answer.message.result.structuredContent.now)
  })

  it('answers GET and DELETE with 405 and Allow: POST', async () => {
    const { app } = buildTestApp()
    for (const method of ['GET', 'DELETE']) {
      const res = await app.request('/mcp', {
        method,
        headers: { ...authHeader, Accept: 'text/event-stream' },
      })
      assert.equal(res.status, 405, method)
      assert.equal(res.headers.get('allow'), 'POST')
      assert.equal((await readJson(res)).jsonrpc, '2.0')
    }
  })

  it('serves /mcp/ too (Dify strips the slash, other clients keep it)', async () => {
    const { app } = buildTestApp()
    const init = await postRpc(app, initialize('2025-03-26'), {
      headers: authHeader,
      path: '/mcp/',
    })
    assert.equal(init.status, 200)
    const call = await postRpc(app, toolsCall('getCurrentTime', {}), {
      headers: authHeader,
      path: '/mcp/',
    })
    assert.equal(call.message.result.structuredContent.timezone, 'UTC')
  })

  it('answers a body that is not JSON-RPC with a JSON-RPC error below 500', async () => {
    const { app } = buildTestApp()
    for (const body of ['{', '[]', '{"jsonrpc":"2.0"}', '42']) {
      const answer = await postRpc(app, body, { headers: authHeader })
      assert.ok(answer.status >= 400 && answer.status < 500, `${body}: ${answer.status}`)
      assert.equal(answer.message.jsonrpc, '2.0', body)
      assert.ok(answer.message.error, body)
    }
  })

  it('is listed in the operations document, not among the agent tools', async () => {
    const { app } = buildTestApp()
    const ops = await readJson(app.request('/openapi/ops.json'))
    assert.ok(ops.paths['/mcp'].post)
    assert.deepEqual(ops.paths['/mcp'].post.security, [{ bearerAuth: [] }])
    const tools = await readJson(app.request('/openapi.json'))
    assert.equal(tools.paths['/mcp'], undefined)
  })
})
