import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createApiKeyVerifier } from '../../src/http/auth.ts'
import { authHeader, buildTestApp, TEST_API_KEY } from '../helpers/app.ts'
import { readJson } from '../helpers/http.ts'

describe('createApiKeyVerifier', () => {
  it('returns the name of the matching key and null otherwise', () => {
    const verifier = createApiKeyVerifier([
      { name: 'a', key: 'a'.repeat(20) },
      { name: 'b', key: 'b'.repeat(20) },
    ])
    assert.equal(verifier.verify('b'.repeat(20)), 'b')
    assert.equal(verifier.verify('c'.repeat(20)), null)
    assert.equal(verifier.verify(''), null)
    assert.equal(verifier.open, false)
  })

  it('is open when no key is configured', () => {
    assert.equal(createApiKeyVerifier([]).open, true)
  })
})

describe('requireApiKey on tool routes', () => {
  it('answers 401 problem+json when the header is missing', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/time')
    assert.equal(res.status, 401)
    assert.equal(res.headers.get('content-type'), 'application/problem+json')
    const body = await readJson(res)
    assert.equal(body.status, 401)
    assert.match(body.detail, /needs an API key/)
    assert.match(body.hint, /Bearer/)
  })

  it('answers 401 for a wrong key and for a non-Bearer scheme', async () => {
    const { app } = buildTestApp()
    const wrong = await app.request('/time', {
      headers: { Authorization: 'Bearer nope-nope-nope-nope' },
    })
    assert.equal(wrong.status, 401)
    assert.match((await readJson(wrong)).detail, /not valid/)
    const basic = await app.request('/time', {
      headers: { Authorization: `Basic ${TEST_API_KEY}` },
    })
    assert.equal(basic.status, 401)
    assert.match((await readJson(basic)).detail, /Bearer scheme/)
  })

  it('names the Bearer scheme and realm in WWW-Authenticate on every 401 (RFC 9110)', async () => {
    const { app } = buildTestApp()
    for (const headers of [{}, { Authorization: 'Bearer nope-nope-nope-nope' }]) {
      const res = await app.request('/time', { headers })
      assert.equal(res.status, 401)
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="agent-tool-server"')
    }
  })

  it('lets a valid key through and logs its name, never the key', async () => {
    const { app, logs } = buildTestApp()
    const res = await app.request('/time', { headers: authHeader })
    assert.equal(res.status, 200)
    const line = logs.lines().find((l) => l.msg === 'request')
    assert.equal(line?.api_key_name, 'tests')
    assert.doesNotMatch(logs.text(), new RegExp(TEST_API_KEY))
  })

  it('accepts a lower-case bearer scheme', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/time', { headers: { Authorization: `bearer ${TEST_API_KEY}` } })
    assert.equal(res.status, 200)
  })

  it('leaves tools open when API_KEYS is empty', async () => {
    const { app } = buildTestApp({ env: { API_KEYS: '' } })
    const res = await app.request('/time')
    assert.equal(res.status, 200)
  })

  it('keeps health, documents and docs public', async () => {
    const { app } = buildTestApp()
    for (const path of [
      '/healthz',
      '/readyz',
      '/openapi.json',
      '/openapi/ops.json',
      '/docs',
      '/metrics',
    ]) {
      const res = await app.request(path)
      assert.equal(res.status, 200, path)
    }
  })

  it('protects /metrics when METRICS_REQUIRE_AUTH is true', async () => {
    const { app } = buildTestApp({ env: { METRICS_REQUIRE_AUTH: 'true' } })
    assert.equal((await app.request('/metrics')).status, 401)
    assert.equal((await app.request('/metrics', { headers: authHeader })).status, 200)
  })

  it('guards every operation the tools document declares', async () => {
    const { app } = buildTestApp()
    const doc = await readJson(app.request('/openapi.json'))
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, unknown>>,
    )) {
      for (const method of Object.keys(item)) {
        const url = path.replace(/\{[^}]+\}/g, 'x')
        const res = await app.request(url, { method: method.toUpperCase() })
        assert.equal(res.status, 401, `${method} ${path}`)
      }
    }
  })
})
