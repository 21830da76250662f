/**
 * What the MCP face does with our own mistakes: a handler that throws, an answer outside the output
 * schema, a schema MCP clients cannot read. Built on a registry of test tools, behind the app's own
 * request-id and API-key middleware.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from '@hono/zod-openapi'
import { createApiKeyVerifier } from '../../src/http/auth.ts'
import { handleError } from '../../src/http/problem-response.ts'
import { requestId } from '../../src/http/request-id.ts'
import { createRouter } from '../../src/http/router.ts'
import { mountMcp } from '../../src/mcp/endpoint.ts'
import { listedSchemas, mcpSchemaViolations } from '../../src/mcp/listed-schema.ts'
import { createMetrics } from '../../src/metrics.ts'
import { createFixedClock } from '../../src/time/clock.ts'
import { createToolRegistry, type ToolDeps } from '../../src/tools/index.ts'
import { defineTool, type ToolFactory } from '../../src/tools/types.ts'
import { authHeader, TEST_API_KEY } from '../helpers/app.ts'
import { captureLogs } from '../helpers/log-capture.ts'
import { difyToolCall, textsOf } from '../helpers/mcp.ts'

const SECRET = 'postgres://app:hunter2@db.internal/prod'

const testTool = (name: string, handler: () => Promise<Record<string, unknown>>) =>
  defineTool({
    name,
    title: name,
    description: `A test tool called ${name}.`,
    input: z.object({ note: z.string().optional().describe('Anything.') }),
    output: z.object({ count: z.number() }),
    annotations: { readOnlyHint: true },
    http: { method: 'get', path: `/${name}`, responses: {} },
    handler: handler as () => Promise<{ count: number }>,
  })

function buildApp(factories: ToolFactory[]) {
  const logs = captureLogs()
  const app = createRouter()
  app.use('*', requestId({ logger: logs.logger }))
  app.use('*', async (c, next) => {
    c.set('apiKeys', createApiKeyVerifier([{ name: 'tests', key: TEST_API_KEY }]))
    await next()
  })
  app.onError(handleError)
  const tools = createToolRegistry({} as ToolDeps, factories)
  mountMcp(app, {
    tools,
    metrics: createMetrics({ collectProcess: false }),
    clock: createFixedClock(new Date('2026-11-27T12:00:00.000Z')),
    logger: logs.logger,
    version: 'test',
  })
  return { app, logs }
}

describe('faults inside a tool', () => {
  it('answers a thrown error with a generic message and the request id, details only in the log', async () => {
    const { app, logs } = buildApp([
      () =>
        testTool('explode', async () => {
          throw new Error(`could not connect to ${SECRET}`)
        }),
    ])
    const answer = await difyToolCall(app, authHeader, 'explode', {})
    assert.equal(answer.status, 200)
    const result = answer.message.result
    assert.equal(result.isError, true)
    const problem = JSON.parse(textsOf(result)[0] as string)
    assert.equal(problem.status, 500)
    assert.equal(problem.type, 'urn:agent-tool-server:problem:internal-error')
    assert.match(problem.detail, new RegExp(`request id ${problem.request_id}`))
    assert.doesNotMatch(answer.text, /hunter2|db\.internal|\n\s+at /)
    const logged = logs.lines().find((l) => l.msg === 'unhandled error')
    assert.match(JSON.stringify(logged?.err), /could not connect/)
    assert.equal(logged?.req_id, problem.request_id)
    assert.equal(logs.lines().find((l) => l.msg === 'tool call')?.outcome, 'error')
  })

  it('never sends structuredContent its outputSchema does not describe', async () => {
    const { app, logs } = buildApp([
      () => testTool('misfit', async () => ({ count: 'many' as unknown as number })),
    ])
    const answer = await difyToolCall(app, authHeader, 'misfit', {})
    const result = answer.message.result
    assert.equal(result.isError, true)
    assert.equal(result.structuredContent, undefined)
    assert.equal(JSON.parse(textsOf(result)[0] as string).status, 500)
    assert.match(
      JSON.stringify(logs.lines().find((l) => l.msg === 'unhandled error')),
      /misfit answered outside its output schema/,
    )
  })
})

describe('schemas MCP clients cannot read', () => {
  it('stop start-up, naming the tool and the property', () => {
    const nullableObject = defineTool({
      name: 'nullableTarget',
      title: 't',
      description: 'A tool with a nullable object input.',
      input: z.object({
        target: z.object({ url: z.string() }).nullable().optional().describe('Where to.'),
      }),
      output: z.object({ ok: z.boolean() }),
      annotations: { readOnlyHint: true },
      http: { method: 'get', path: '/t', responses: {} },
      handler: async () => ({ ok: true }),
    })
    assert.throws(
      () => listedSchemas(nullableObject),
      /nullableTarget cannot be served over MCP: .*properties\.target: needs a type.*has anyOf/,
    )
    assert.throws(() => buildApp([() => nullableObject]), /nullableTarget/)
  })

  it('are found wherever they hide: $ref and $defs, untyped and undescribed properties', () => {
    const Shared = z.object({ a: z.string() }).meta({ id: 'Shared' })
    const json = z.toJSONSchema(
      z.object({ one: Shared, two: Shared, loose: z.any().describe('Anything.') }),
      { target: 'draft-2020-12' },
    ) as Record<string, unknown>
    const problems = mcpSchemaViolations(json, 'tool.inputSchema').join('\n')
    assert.match(problems, /has \$ref/)
    assert.match(problems, /has \$defs/)
    assert.match(problems, /properties\.loose: needs a type/)
    assert.match(problems, /properties\.one: needs a description/)
    assert.deepEqual(
      mcpSchemaViolations(
        { type: 'object', properties: { id: { type: 'string', description: 'An id.' } } },
        'tool.inputSchema',
      ),
      [],
      'a property named like a keyword is not one',
    )
  })
})
