import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createRoute, z } from '@hono/zod-openapi'
import { createRouter } from '../../src/http/router.ts'
import { ProblemError } from '../../src/problem-error.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { readJson } from '../helpers/http.ts'

/** A small router with a JSON body, mounted beside the real ones to exercise validation paths. */
function echoRouter() {
  const route = createRoute({
    method: 'post',
    path: '/echo',
    request: {
      body: {
        content: {
          'application/json': {
            schema: z.object({
              name: z.string().min(1),
              count: z.number().int().max(50).nullish(),
              method: z.enum(['GET', 'POST']).nullish(),
            }),
          },
        },
      },
    },
    responses: { 200: { description: 'echo' } },
  })
  return createRouter().openapi(route, (c) => c.json(c.req.valid('json'), 200))
}

function appWithExtras(env: Record<string, string> = {}) {
  const built = buildTestApp({ env })
  built.app.route('/', echoRouter())
  built.app.get('/conflict', () => {
    throw new ProblemError({
      status: 409,
      type: 'conflict',
      title: 'Conflict',
      detail: 'It is cancelled.',
      extensions: { status: 'cancelled', job_id: 'j1' },
    })
  })
  built.app.get('/boom', () => {
    throw new Error('connection to 10.1.2.3 failed: password=hunter2')
  })
  return built
}

const post = (body: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body,
  headers: { 'Content-Type': 'application/json', ...headers },
})

describe('problem responses', () => {
  it('answers 422 naming every bad field with a hint', async () => {
    const { app } = appWithExtras()
    const res = await app.request(
      '/echo',
      post(JSON.stringify({ name: '', count: 99, method: 'PUT' })),
    )
    assert.equal(res.status, 422)
    assert.equal(res.headers.get('content-type'), 'application/problem+json')
    const body = await readJson(res)
    assert.equal(body.status, 422)
    assert.equal(body.title, 'Invalid request')
    assert.match(body.type, /validation-error$/)
    assert.deepEqual(body.errors.map((e: { field: string }) => e.field).sort(), [
      'count',
      'method',
      'name',
    ])
    const method = body.errors.find((e: { field: string }) => e.field === 'method')
    assert.match(method.hint, /GET, POST/)
    assert.ok(typeof body.now === 'string')
  })

  it('names a missing required field', async () => {
    const { app } = appWithExtras()
    const res = await app.request('/echo', post('{}'))
    const body = await readJson(res)
    assert.equal(res.status, 422)
    assert.equal(body.errors[0].field, 'name')
    assert.match(body.errors[0].hint, /Provide this field/)
  })

  it('treats null optional fields as absent', async () => {
    const { app } = appWithExtras()
    const res = await app.request(
      '/echo',
      post(JSON.stringify({ name: 'x', count: null, method: null })),
    )
    assert.equal(res.status, 200)
  })

  it('answers 400 for malformed JSON', async () => {
    const { app } = appWithExtras()
    const res = await app.request('/echo', post('{"name": '))
    assert.equal(res.status, 400)
    const body = await readJson(res)
    assert.match(body.type, /malformed-request$/)
    assert.match(body.detail, /application\/json/)
  })

  it('answers 404 problem for an unknown route, with or without a key', async () => {
    const { app } = appWithExtras()
    for (const headers of [{}, authHeader]) {
      const res = await app.request('/no/such/thing', { headers })
      assert.equal(res.status, 404)
      assert.match((await readJson(res)).detail, /GET \/no\/such\/thing does not exist/)
    }
  })

  it('answers 413 when the body is over the limit', async () => {
    const { app } = appWithExtras({ BODY_LIMIT_BYTES: '2048' })
    const res = await app.request('/echo', post(JSON.stringify({ name: 'x'.repeat(5000) })))
    assert.equal(res.status, 413)
    assert.match((await readJson(res)).detail, /larger than 2048 bytes/)
  })

  it('keeps the standard members when an extension uses the same name', async () => {
    const { app } = appWithExtras()
    const res = await app.request('/conflict')
    assert.equal(res.status, 409)
    const body = await readJson(res)
    assert.equal(body.status, 409)
    assert.equal(body.job_id, 'j1')
  })

  it('answers 500 with a generic body and logs the full error with the request id', async () => {
    const { app, logs } = appWithExtras()
    const res = await app.request('/boom', { headers: { 'X-Request-Id': 'boom-1' } })
    assert.equal(res.status, 500)
    const text = await res.text()
    assert.doesNotMatch(text, /hunter2|10\.1\.2\.3|at .*\.ts/)
    const body = JSON.parse(text)
    assert.equal(body.title, 'Internal server error')
    assert.match(body.detail, /boom-1/)
    const logged = logs.lines().find((l) => l.msg === 'unhandled error')
    assert.equal(logged?.req_id, 'boom-1')
    assert.match(JSON.stringify(logged?.err), /stack/)
  })
})
