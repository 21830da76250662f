import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signBody } from '../../src/integrations/clickup/index.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { waitUntil } from '../helpers/engine-wait.ts'
import { HAND_SECRET, startClickUpHarness, statusEvent } from '../helpers/fake-clickup.ts'
import type { AnyJson } from '../helpers/http.ts'

let h: Awaited<ReturnType<typeof startClickUpHarness>>

const json = { ...authHeader, 'content-type': 'application/json' }
const valid = {
  name: 'Remind',
  trigger_status: 'Scheduled',
  action: 'webhook',
  url: 'http://127.0.0.1:9/hook',
}

async function call(method: string, path: string, body?: unknown) {
  const res = await h.app.request(path, {
    method,
    headers: json,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as AnyJson }
}

before(async () => {
  h = await startClickUpHarness('clickup-routes')
})

after(async () => {
  await h?.close()
})

describe('ClickUp routes in the documents', () => {
  it('lists the ClickUp endpoints in the ops document only, each protected except the webhook', async () => {
    const ops = (await (await h.app.request('/openapi/ops.json')).json()) as AnyJson
    const tools = (await (await h.app.request('/openapi.json')).json()) as AnyJson
    assert.match(ops.openapi, /^3\.0\./)
    for (const path of [
      '/clickup/webhook',
      '/clickup/rules',
      '/clickup/rules/{rule_id}',
      '/clickup/reconcile',
      '/clickup/webhooks',
    ]) {
      assert.ok(ops.paths[path], `${path} in ops`)
    }
    assert.equal(Object.keys(tools.paths).filter((p) => p.startsWith('/clickup')).length, 0)
    assert.equal(ops.paths['/clickup/webhook'].post.security, undefined)
    assert.ok(ops.paths['/clickup/rules'].post.security)
  })

  it('answers 401 without an API key on every rule and webhook-admin operation', async () => {
    const id = '3f0c1b9e-8a6d-4c2f-9d2e-1a2b3c4d5e6f'
    for (const [method, path] of [
      ['GET', '/clickup/rules'],
      ['POST', '/clickup/rules'],
      ['GET', `/clickup/rules/${id}`],
      ['PATCH', `/clickup/rules/${id}`],
      ['DELETE', `/clickup/rules/${id}`],
      ['POST', '/clickup/reconcile'],
      ['POST', '/clickup/webhooks'],
      ['GET', '/clickup/webhooks?team_id=1'],
    ] as const) {
      const res = await h.app.request(path, { method })
      assert.equal(res.status, 401, `${method} ${path}`)
    }
  })

  it('has no ClickUp endpoints without CLICKUP_API_TOKEN', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/clickup/rules', { headers: authHeader })
    assert.equal(res.status, 404)
    const ops = (await (await app.request('/openapi/ops.json')).json()) as AnyJson
    assert.equal(ops.paths['/clickup/webhook'], undefined)
  })
})

describe('ClickUp rules CRUD', () => {
  it('creates a rule with defaults and reads it back', async () => {
    const created = await call('POST', '/clickup/rules', { ...valid, offset: '-15m' })
    assert.equal(created.status, 201)
    assert.equal(created.body.run_at_field, 'due_date')
    assert.equal(created.body.offset, '-15m')
    assert.equal(created.body.url, valid.url)
    const got = await call('GET', `/clickup/rules/${created.body.id}`)
    assert.equal(got.status, 200)
    assert.deepEqual(got.body, created.body)
    const list = await call('GET', '/clickup/rules')
    assert.ok(list.body.rules.some((r: AnyJson) => r.id === created.body.id))
  })

  it('refuses missing fields, a bad offset, an unknown action and a missing action field, naming each', async () => {
    const missing = await call('POST', '/clickup/rules', {
      name: 'x',
      action: 'webhook',
      url: valid.url,
    })
    assert.equal(missing.status, 422)
    assert.ok(missing.body.errors.some((e: AnyJson) => e.field === 'trigger_status'))
    const offset = await call('POST', '/clickup/rules', { ...valid, offset: 'soonish' })
    assert.equal(offset.status, 422)
    assert.equal(offset.body.errors[0].field, 'offset')
    const action = await call('POST', '/clickup/rules', { ...valid, action: 'fax' })
    assert.equal(action.status, 422)
    assert.match(action.body.errors[0].hint, /webhook/)
    const url = await call('POST', '/clickup/rules', { ...valid, url: null })
    assert.equal(url.status, 422)
    assert.equal(url.body.errors[0].field, 'url')
    const runAt = await call('POST', '/clickup/rules', { ...valid, run_at_field: 'someday' })
    assert.equal(runAt.status, 422)
  })

  it('patches only the fields sent, and null clears an optional one', async () => {
    const created = await call('POST', '/clickup/rules', { ...valid, list_id: '42', offset: '1h' })
    const patched = await call('PATCH', `/clickup/rules/${created.body.id}`, {
      trigger_status: 'ready',
      list_id: null,
    })
    assert.equal(patched.status, 200)
    assert.equal(patched.body.trigger_status, 'ready')
    assert.equal(patched.body.list_id, null)
    assert.equal(patched.body.offset, '1h')
    assert.equal(patched.body.url, valid.url)
    const bad = await call('PATCH', `/clickup/rules/${created.body.id}`, { offset: 'never' })
    assert.equal(bad.status, 422)
  })

  it('answers 404 for unknown or malformed rule ids', async () => {
    assert.equal(
      (await call('GET', '/clickup/rules/3f0c1b9e-8a6d-4c2f-9d2e-1a2b3c4d5e6f')).status,
      404,
    )
    assert.equal((await call('GET', '/clickup/rules/nope')).status, 404)
    assert.equal((await call('DELETE', '/clickup/rules/nope')).status, 404)
  })

  it('deletes a rule and cancels the jobs it was waiting to run', async () => {
    const created = await call('POST', '/clickup/rules', {
      ...valid,
      list_id: 'del-list',
      trigger_status: 'go',
    })
    h.fake.setTask({
      id: 'rt-1',
      name: 'x',
      status: 'go',
      list_id: 'del-list',
      due_date: String(Date.now() + 3_600_000),
    })
    const raw = JSON.stringify(
      statusEvent('rt-1', '55500001', Date.now(), 'to do', 'go', 'del-list'),
    )
    await h.app.request('/clickup/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signBody(HAND_SECRET, raw) },
      body: raw,
    })
    // Delete as soon as the job exists, possibly before the event's processing has linked it: the
    // delete waits for that processing, so the job is still cancelled.
    const jobId = await waitUntil(
      'a job',
      async () => {
        const r = await h.scheduler.pool.query(
          "select id from scheduled_jobs where source_ref = 'rt-1'",
        )
        return r.rows[0]?.id as string | undefined
      },
      10_000,
      5,
    )
    const deleted = await call('DELETE', `/clickup/rules/${created.body.id}`)
    assert.equal(deleted.status, 200)
    assert.equal((await call('GET', `/clickup/rules/${created.body.id}`)).status, 404)
    const job = await h.scheduler.pool.query('select status from scheduled_jobs where id = $1', [
      jobId,
    ])
    assert.equal(job.rows[0]?.status, 'cancelled')
  })
})
