/**
 * The callback fields on the scheduling tools, over HTTP: documented as flat optional scalars (the
 * notify ones only where a channel is configured), checked at creation (422 naming the field, the
 * SSRF guard on callback_url), header values write-only.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { difyRuleViolations } from '../helpers/dify-rules.ts'
import { readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

let scheduler: TestScheduler
let app: ReturnType<typeof buildTestApp>['app']

before(async () => {
  scheduler = await startTestScheduler('callback_fields')
  app = buildTestApp({ runtime: scheduler.runtime }).app
})
after(async () => {
  await scheduler?.close()
})

async function schedule(body: Record<string, unknown>) {
  const res = await app.request('/jobs/webhook', {
    method: 'POST',
    headers: { ...authHeader, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'cb', delay: '1h', url: 'http://127.0.0.1:9/x', ...body }),
  })
  return { status: res.status, body: await readJson(res) }
}

describe('callback fields', () => {
  it('are in every scheduling tool, flat and Dify-safe; notify fields only with a channel', async () => {
    const doc = await readJson(await app.request('/openapi.json'))
    const props =
      doc.paths['/jobs/webhook'].post.requestBody.content['application/json'].schema.properties
    for (const field of ['callback_url', 'callback_on', 'callback_headers']) {
      assert.equal(props[field]?.type, 'string', field)
    }
    // No Dify apps and no Evolution here: nothing to notify through.
    assert.equal(props.notify, undefined)
    assert.equal(props.notify_to, undefined)
    assert.deepEqual(difyRuleViolations(doc), [])
    assert.ok(doc.paths['/executions/{execution_id}/retry']?.post)
  })

  it('stores a callback and shows header names, never values', async () => {
    const { status, body } = await schedule({
      callback_url: 'http://127.0.0.1:9/done',
      callback_on: 'FAILURE',
      callback_headers: '{"X-Token":"very-secret-token"}',
    })
    assert.equal(status, 201, JSON.stringify(body))
    assert.deepEqual(body.job.callback, {
      on: 'failure',
      url: 'http://127.0.0.1:9/done',
      header_names: ['X-Token'],
      notify: null,
      to: null,
      app: null,
      conversation_id: null,
      user: null,
    })
    assert.ok(!JSON.stringify(body).includes('very-secret-token'))
    const stored = await scheduler.pool.query(
      'select callback_secrets from scheduled_jobs where id = $1',
      [body.job.id],
    )
    assert.deepEqual(stored.rows[0].callback_secrets, {
      headers: { 'X-Token': 'very-secret-token' },
    })
  })

  it('refuses bad callback input with 422 naming the field, storing nothing', async () => {
    const before = await scheduler.pool.query('select count(*)::int as n from scheduled_jobs')
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ callback_url: 'ftp://example.com/x' }, 'callback_url', /absolute http or https/],
      [{ callback_url: 'http://169.254.169.254/latest' }, 'callback_url', /cannot be called/],
      [
        { callback_url: 'http://127.0.0.1:9/x', callback_on: 'sometimes' },
        'callback_on',
        /success, failure, always/,
      ],
      [{ callback_on: 'failure' }, 'callback_on', /needs callback_url or notify/],
      [{ callback_headers: '{"A":"b"}' }, 'callback_headers', /only with callback_url/],
      [
        { callback_url: 'http://127.0.0.1:9/x', callback_headers: '{"webhook-signature":"x"}' },
        'callback_headers',
        /set by the server/,
      ],
      [
        { callback_url: 'http://127.0.0.1:9/x', callback_headers: "{'A': 'b'}" },
        'callback_headers',
        /JSON/,
      ],
    ]
    for (const [fields, field, pattern] of cases) {
      const { status, body } = await schedule(fields)
      assert.equal(status, 422, JSON.stringify(fields))
      assert.equal(body.errors[0].field, field, JSON.stringify(body))
      assert.match(`${body.errors[0].message} ${body.errors[0].hint}`, pattern)
    }
    const afterCount = await scheduler.pool.query('select count(*)::int as n from scheduled_jobs')
    assert.equal(afterCount.rows[0].n, before.rows[0].n)
  })

  it('warns that notify is ignored where no channel is configured (the tool does not offer it)', async () => {
    const { status, body } = await schedule({ notify: 'whatsapp', notify_to: '+5511999999999' })
    assert.equal(status, 201)
    assert.equal(body.job.callback, null)
    assert.ok(
      body.warnings.some((w: string) => /^Ignored field `notify`/.test(w)),
      body.warnings,
    )
  })
})
