import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createWebhookAction } from '../../src/actions/webhook.ts'
import { createAddressPolicy, createOutboundClient } from '../../src/outbound/index.ts'
import { createWebhookSigner } from '../../src/outbound/signing.ts'
import { ProblemError } from '../../src/problem-error.ts'
import { captureLogs } from '../helpers/log-capture.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

let receiver: WebhookReceiver
const policy = createAddressPolicy({ allowlist: ['127.0.0.1/32'] })
const outbound = createOutboundClient({ policy, userAgent: 'tests' })
const action = createWebhookAction({
  outbound,
  policy,
  maxResponseBytes: 64,
  signer: createWebhookSigner([]),
  defaultTimeoutSeconds: 30,
})

before(async () => {
  receiver = await startWebhookReceiver()
})
after(async () => {
  await receiver.close()
  await outbound.close()
})

function context(overrides: Partial<Parameters<typeof action.execute>[1]> = {}) {
  return {
    jobId: 'job-1',
    executionId: 'exec-1',
    occurrenceAt: '2026-11-27T12:00:00.000Z',
    attempt: 2,
    messageId: 'msg_test',
    signal: new AbortController().signal,
    timeoutMs: 2_000,
    log: captureLogs().logger,
    ...overrides,
  }
}

async function rejects422(promise: Promise<unknown>, field: string, pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ProblemError)
    assert.equal(err.status, 422)
    assert.equal(err.errors?.[0]?.field, field)
    assert.match(`${err.errors?.[0]?.message} ${err.errors?.[0]?.hint}`, pattern)
    return true
  })
}

describe('webhook prepare', () => {
  it('keeps header names in params and values in secrets', async () => {
    const prepared = await action.prepare({
      url: `${receiver.url}/x`,
      headers: '{"X-Api-Key":"s3cret","X-Count":5}',
      body: '{"a":1}',
    })
    assert.equal(prepared.params.method, 'POST')
    assert.deepEqual(prepared.params.header_names, ['X-Api-Key', 'X-Count'])
    assert.equal(JSON.stringify(prepared.params).includes('s3cret'), false)
    assert.deepEqual(prepared.secrets.headers, { 'X-Api-Key': 's3cret', 'X-Count': '5' })
    assert.equal(prepared.params.body_type, 'json')
  })

  it('treats non-JSON bodies as text and drops the body of a GET', async () => {
    const text = await action.prepare({ url: `${receiver.url}/x`, body: 'hello' })
    assert.equal(text.params.body_type, 'text')
    const get = await action.prepare({ url: `${receiver.url}/x`, method: 'get', body: 'hello' })
    assert.equal(get.params.method, 'GET')
    assert.equal(get.params.body, null)
    assert.match(get.warnings?.[0] ?? '', /GET request carries no body/)
  })

  // Former defect (issue 14): a Python dict repr (Dify's text for an object) was sent as text/plain.
  it('refuses a body that is a Python dict repr, showing it as JSON', async () => {
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, body: "{'text': 'hi', 'urgent': True}" }),
      'body',
      /Python dict.*\{"text":"hi","urgent":true\}.*content_type: "text\/plain"/,
    )
  })

  it('sends a Python-looking body as text when content_type says plain text', async () => {
    const prepared = await action.prepare({
      url: `${receiver.url}/x`,
      body: "{'text': 'hi'}",
      content_type: 'text/plain',
    })
    assert.equal(prepared.params.body_type, 'text')
    assert.equal(prepared.params.content_type, 'text/plain')
    const viaHeader = await action.prepare({
      url: `${receiver.url}/x`,
      body: "{'text': 'hi'}",
      headers: '{"Content-Type":"text/plain"}',
    })
    assert.equal(viaHeader.params.body_type, 'text')
  })

  it('requires valid JSON when content_type is a JSON type, and checks the media type', async () => {
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, body: 'hello', content_type: 'application/json' }),
      'body',
      /not valid JSON, but content_type is application\/json/,
    )
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, body: 'a=1', content_type: 'form data please' }),
      'content_type',
      /not a media type/,
    )
    const form = await action.prepare({
      url: `${receiver.url}/x`,
      body: 'a=1',
      content_type: 'form',
    })
    assert.equal(form.params.content_type, 'application/x-www-form-urlencoded')
  })

  it('rejects a relative URL, another scheme and credentials in the URL', async () => {
    await rejects422(action.prepare({ url: '/hook' }), 'url', /absolute http/)
    await rejects422(action.prepare({ url: 'ftp://example.com/x' }), 'url', /absolute http/)
    await rejects422(
      action.prepare({ url: 'http://u:p@127.0.0.1/x' }),
      'url',
      /user name or password/,
    )
  })

  it('refuses private destinations at creation with the reason', async () => {
    await rejects422(
      action.prepare({ url: 'http://10.1.2.3/hook' }),
      'url',
      /cannot be called.*WEBHOOK_ALLOWLIST/s,
    )
    await rejects422(
      action.prepare({ url: 'http://169.254.169.254/latest' }),
      'url',
      /cannot be called/,
    )
  })

  it('rejects an unknown method, bad header JSON and a Python dict', async () => {
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, method: 'TRACE' }),
      'method',
      /GET, POST, PUT, PATCH, DELETE/,
    )
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, headers: '{bad' }),
      'headers',
      /not valid JSON/,
    )
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, headers: "{'a': 'b'}" }),
      'headers',
      /Python dict/,
    )
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, headers: '["a"]' }),
      'headers',
      /JSON object/,
    )
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, headers: '{"X-Job-Id":"1"}' }),
      'headers',
      /set by the server/,
    )
    await rejects422(
      action.prepare({ url: `${receiver.url}/x`, headers: '{"Bad Name":"1"}' }),
      'headers',
      /not a valid header name/,
    )
  })

  it('refuses header values HTTP cannot carry at create and update, never echoing the value', async () => {
    const url = `${receiver.url}/x`
    const current = await action.prepare({ url, headers: '{"X-Key":"ok"}' })
    for (const value of [
      'tök€n-secret',
      'emoji-secret-😀',
      'line\\r\\nInjected: 1',
      'tab\\u0007bell',
    ]) {
      const headers = `{"X-Key":"${value}"}`
      for (const call of [
        action.prepare({ url, headers }),
        action.prepareUpdate({ headers }, current),
      ]) {
        await assert.rejects(call, (err: unknown) => {
          assert.ok(err instanceof ProblemError)
          assert.equal(err.status, 422)
          assert.equal(err.errors?.[0]?.field, 'headers')
          assert.match(err.errors?.[0]?.message ?? '', /X-Key/)
          assert.doesNotMatch(
            JSON.stringify({ ...err, detail: err.detail }),
            /secret|Injected|bell/,
          )
          return true
        })
      }
    }
    // Latin-1 (what HTTP/1.1 can carry) stays allowed.
    const latin = await action.prepare({ url, headers: '{"X-Name":"José Ñandú"}' })
    assert.equal(latin.secrets.headers['X-Name'], 'José Ñandú')
  })

  it('sends a Latin-1 header value as the receiver can read it', async () => {
    const prepared = await action.prepare({
      url: `${receiver.url}/latin`,
      headers: '{"X-Name":"Ñandú"}',
    })
    const result = await action.execute(prepared, context())
    assert.equal(result.ok, true, result.errorMessage)
  })

  it('updates only the given fields and keeps secret values when headers are not sent', async () => {
    const current = await action.prepare({
      url: `${receiver.url}/a`,
      headers: '{"X-Key":"keep-me"}',
      body: 'x',
    })
    const updated = await action.prepareUpdate({ method: 'PUT' }, current)
    assert.equal(updated.params.url, `${receiver.url}/a`)
    assert.equal(updated.params.method, 'PUT')
    assert.equal(updated.params.body, 'x')
    assert.deepEqual(updated.secrets.headers, { 'X-Key': 'keep-me' })
  })
})

describe('webhook execute', () => {
  it('sends method, headers, body and the dedupe headers, and succeeds on 2xx', async () => {
    const prepared = await action.prepare({
      url: `${receiver.url}/ok`,
      headers: '{"X-Key":"v"}',
      body: '{"a":1}',
    })
    const result = await action.execute(prepared, context())
    assert.equal(result.ok, true)
    assert.equal(result.responseStatus, 200)
    const request = receiver.requests.at(-1)
    assert.equal(request?.method, 'POST')
    assert.equal(request?.path, '/ok')
    assert.equal(request?.headers['x-key'], 'v')
    assert.equal(request?.headers['content-type'], 'application/json')
    assert.equal(request?.headers['x-job-id'], 'job-1')
    assert.equal(request?.headers['x-execution-id'], 'exec-1')
    assert.equal(request?.headers['x-occurrence-at'], '2026-11-27T12:00:00.000Z')
    assert.equal(request?.headers['x-attempt'], '2')
    assert.equal(request?.body, '{"a":1}')
    assert.equal(JSON.stringify(result.requestSummary).includes('"v"'), false)
  })

  it('sends the body with the content_type given', async () => {
    const prepared = await action.prepare({
      url: `${receiver.url}/form`,
      body: 'a=1&b=2',
      content_type: 'application/x-www-form-urlencoded',
    })
    const result = await action.execute(prepared, context())
    assert.equal(result.ok, true)
    const request = receiver.requests.at(-1)
    assert.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded')
    assert.equal(request?.body, 'a=1&b=2')
  })

  it('fails with http_status on a non-2xx answer and keeps a truncated body', async () => {
    receiver.respond = () => ({ status: 503, body: 'x'.repeat(500) })
    try {
      const prepared = await action.prepare({ url: `${receiver.url}/down` })
      const result = await action.execute(prepared, context())
      assert.equal(result.ok, false)
      assert.equal(result.errorClass, 'http_status')
      assert.equal(result.responseStatus, 503)
      assert.equal(result.responseBody?.length, 64)
      assert.equal(result.responseTruncated, true)
    } finally {
      receiver.respond = () => ({ status: 200 })
    }
  })

  it('fails with timeout when the target is slower than the attempt timeout', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 1_500 })
    try {
      const prepared = await action.prepare({ url: `${receiver.url}/slow` })
      const result = await action.execute(prepared, context({ timeoutMs: 200 }))
      assert.equal(result.ok, false)
      assert.equal(result.errorClass, 'timeout')
    } finally {
      receiver.respond = () => ({ status: 200 })
    }
  })

  it('fails with shutdown when the run is aborted', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 1_500 })
    try {
      const prepared = await action.prepare({ url: `${receiver.url}/slow` })
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const result = await action.execute(prepared, context({ signal: controller.signal }))
      assert.equal(result.errorClass, 'shutdown')
    } finally {
      receiver.respond = () => ({ status: 200 })
    }
  })

  it('fails with blocked when the stored URL now points somewhere refused', async () => {
    // Stored while allow-listed; the allowlist no longer admits loopback when it runs.
    const prepared = await action.prepare({ url: `${receiver.url}/x` })
    const strictPolicy = createAddressPolicy()
    const strictClient = createOutboundClient({ policy: strictPolicy, userAgent: 'tests' })
    try {
      const strict = createWebhookAction({
        outbound: strictClient,
        policy: strictPolicy,
        maxResponseBytes: 64,
        signer: createWebhookSigner([]),
        defaultTimeoutSeconds: 30,
      })
      const before = receiver.requests.length
      const result = await strict.execute(prepared, context())
      assert.equal(result.ok, false)
      assert.equal(result.errorClass, 'blocked')
      assert.equal(result.retryable, false, 'a refused destination is not retried')
      assert.equal(receiver.requests.length, before)
    } finally {
      await strictClient.close()
    }
  })
})
