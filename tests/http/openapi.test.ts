import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../helpers/app.ts'
import { difyRuleViolations } from '../helpers/dify-rules.ts'
import { readJson } from '../helpers/http.ts'

async function documents(env: Record<string, string> = {}) {
  const { app } = buildTestApp({ env })
  const tools = await readJson(app.request('/openapi.json'))
  const ops = await readJson(app.request('/openapi/ops.json'))
  return { tools, ops, app }
}

describe('the tools document', () => {
  it('follows every Dify import rule', async () => {
    const { tools } = await documents()
    assert.deepEqual(difyRuleViolations(tools), [])
  })

  it('uses PUBLIC_URL without a trailing slash as servers[0].url', async () => {
    const { tools } = await documents({ PUBLIC_URL: 'http://agent-tool-server:8000/' })
    assert.equal(tools.servers[0].url, 'http://agent-tool-server:8000')
  })

  it('declares bearer security and holds only agent tools', async () => {
    const { tools } = await documents()
    assert.equal(tools.components.securitySchemes.bearerAuth.scheme, 'bearer')
    assert.deepEqual(tools.security, [{ bearerAuth: [] }])
    assert.ok(tools.paths['/time'].get)
    for (const opsPath of ['/healthz', '/readyz', '/metrics'])
      assert.equal(tools.paths[opsPath], undefined)
  })

  it('tells the LLM to call getCurrentTime before reasoning about dates', async () => {
    const { tools } = await documents()
    const op = tools.paths['/time'].get
    assert.equal(op.operationId, 'getCurrentTime')
    assert.match(op.description, /before reasoning about dates/)
  })
})

describe('the rule checker', () => {
  it('reports the mistakes Dify cannot import', () => {
    const broken = {
      openapi: '3.1.0',
      info: {},
      servers: [{ url: 'http://x/' }],
      paths: {
        '/a': {
          post: {
            operationId: 'bad name!',
            requestBody: {
              content: { 'application/json; charset=utf-8': { schema: { type: 'object' } } },
            },
          },
        },
        '/b': {
          get: {
            operationId: 'dup',
            description: 'A description long enough to pass.',
            parameters: [{ $ref: '#/components/parameters/x' }],
          },
          post: {
            operationId: 'dup',
            description: 'A description long enough to pass.',
            requestBody: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      tags: { type: 'array', default: [] },
                      x: { type: ['string', 'null'] },
                    },
                  },
                },
              },
            },
          },
        },
      },
    }
    const problems = difyRuleViolations(broken).join('\n')
    for (const expected of [
      /openapi must be 3\.0\.x/,
      /must not end with a slash/,
      /bad operationId/,
      /duplicate operationId dup/,
      /parameter \$ref/,
      /exactly application\/json/,
      /type arrays/,
      /defaults on arrays/,
      /property tags needs a scalar type/,
      /needs a description written for an LLM/,
    ]) {
      assert.match(problems, expected)
    }
  })
})

describe('the operations document', () => {
  it('is OpenAPI 3.0 with health and metrics', async () => {
    const { ops } = await documents()
    assert.match(ops.openapi, /^3\.0\./)
    assert.ok(ops.paths['/healthz'].get)
    assert.ok(ops.paths['/readyz'].get)
    assert.ok(ops.paths['/metrics'].get)
  })

  it('is shown by the docs page together with the tools document', async () => {
    const { app } = await documents()
    const script = await (await app.request('/docs/init.js')).text()
    assert.match(script, /\/openapi\.json/)
    assert.match(script, /\/openapi\/ops\.json/)
  })
})
