import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { readJson } from '../helpers/http.ts'

describe('requestId', () => {
  it('echoes a safe caller id on the response and in the log line', async () => {
    const { app, logs } = buildTestApp()
    const res = await app.request('/time', {
      headers: { ...authHeader, 'X-Request-Id': 'dify-call-42' },
    })
    assert.equal(res.headers.get('x-request-id'), 'dify-call-42')
    const line = logs.lines().find((l) => l.msg === 'request')
    assert.equal(line?.req_id, 'dify-call-42')
  })

  it('generates a UUID when the caller sends none', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/healthz')
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/)
  })

  it('replaces an unsafe caller id instead of echoing it', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/healthz', { headers: { 'X-Request-Id': 'bad id <script>' } })
    const id = res.headers.get('x-request-id') ?? ''
    assert.notEqual(id, 'bad id <script>')
    assert.match(id, /^[0-9a-f-]{36}$/)
  })

  it('is present on error responses and inside the problem body', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/nowhere', { headers: { 'X-Request-Id': 'trace-404' } })
    assert.equal(res.status, 404)
    assert.equal(res.headers.get('x-request-id'), 'trace-404')
    assert.equal((await readJson(res)).request_id, 'trace-404')
  })
})
