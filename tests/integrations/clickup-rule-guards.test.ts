/**
 * ClickUp rules: header values are write-only like a webhook job's, action fields are checked at
 * create and update as the action will check them (SSRF policy, sendable header values), and a task
 * that still cannot get its job is told so in a comment and in the log. The server here allow-lists
 * nothing, as in production.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { authHeader } from '../helpers/app.ts'
import { waitUntil } from '../helpers/engine-wait.ts'
import { deliverSigned, startClickUpHarness, statusEvent } from '../helpers/fake-clickup.ts'
import type { AnyJson } from '../helpers/http.ts'

const LIST = '5150'
const SECRET = 'planted-secret-9f2c41d7'
/** An address the guard admits without a DNS look-up (no network here); never called. */
const PUBLIC_URL = 'http://93.184.216.34/hooks/remind'
let h: Awaited<ReturnType<typeof startClickUpHarness>>
let seq = 0

async function call(method: string, path: string, body?: unknown) {
  const res = await h.app.request(path, {
    method,
    headers: { ...authHeader, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, text, body: JSON.parse(text) as AnyJson }
}

const rule = (fields: Record<string, unknown> = {}) => ({
  name: `Guarded ${++seq}`,
  list_id: LIST,
  trigger_status: 'scheduled',
  action: 'webhook',
  url: PUBLIC_URL,
  ...fields,
})

before(async () => {
  h = await startClickUpHarness('clickup-rule-guards', { WEBHOOK_ALLOWLIST: '' })
})

after(async () => {
  await h?.close()
})

describe('rule header values', () => {
  it('are never returned by create, get, list or update, nor logged; their names are', async () => {
    const headers = JSON.stringify({ 'X-Api-Key': SECRET, 'X-Other': `${SECRET}-2` })
    const created = await call('POST', '/clickup/rules', rule({ headers }))
    assert.equal(created.status, 201, created.text)
    const id = created.body.id
    const answers = [
      created,
      await call('GET', `/clickup/rules/${id}`),
      await call('GET', '/clickup/rules'),
      await call('PATCH', `/clickup/rules/${id}`, { name: 'Renamed' }),
    ]
    for (const answer of answers) {
      assert.equal(answer.status, 200 + (answer === created ? 1 : 0), answer.text)
      assert.doesNotMatch(answer.text, new RegExp(SECRET))
    }
    assert.deepEqual(created.body.header_names, ['X-Api-Key', 'X-Other'])
    assert.equal(created.body.headers, undefined)
    // PATCH without headers keeps them: the job a task makes still sends them.
    const stored = await h.scheduler.pool.query(
      'select action_fields from clickup_rules where id = $1',
      [id],
    )
    assert.match(stored.rows[0].action_fields.headers, new RegExp(SECRET))
    assert.doesNotMatch(h.scheduler.logs.text(), new RegExp(SECRET))
  })
})

describe('rule action fields checked at create and update', () => {
  for (const url of [
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://0.0.0.0/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.1.2.3/hook',
  ]) {
    it(`refuses ${url} with a 422 naming url, and stores nothing`, async () => {
      const answer = await call('POST', '/clickup/rules', rule({ url }))
      assert.equal(answer.status, 422, answer.text)
      assert.equal(answer.body.errors[0].field, 'url')
      assert.match(answer.body.errors[0].message, /cannot be called/)
      const count = await h.scheduler.pool.query(
        "select count(*)::int as n from clickup_rules where action_fields->>'url' = $1",
        [url],
      )
      assert.equal(count.rows[0].n, 0)
    })
  }

  it('checks a templated URL with sample task values', async () => {
    const ok = await call('POST', '/clickup/rules', rule({ url: `${PUBLIC_URL}/{{task.id}}` }))
    assert.equal(ok.status, 201, ok.text)
    const bad = await call('POST', '/clickup/rules', rule({ url: 'http://127.0.0.1/{{task.id}}' }))
    assert.equal(bad.status, 422, bad.text)
  })

  it('refuses a blocked URL on update and leaves the rule as it was', async () => {
    const created = await call('POST', '/clickup/rules', rule())
    assert.equal(created.status, 201, created.text)
    const patched = await call('PATCH', `/clickup/rules/${created.body.id}`, {
      url: 'http://localhost:5432/',
    })
    assert.equal(patched.status, 422, patched.text)
    assert.equal((await call('GET', `/clickup/rules/${created.body.id}`)).body.url, PUBLIC_URL)
  })

  for (const value of ['line\r\nX-Injected: 1', 'emoji 😀', 'euro €']) {
    it(`refuses a header value HTTP cannot carry (${JSON.stringify(value)}) on create and update`, async () => {
      const headers = JSON.stringify({ 'X-Key': value })
      const created = await call('POST', '/clickup/rules', rule({ headers }))
      assert.equal(created.status, 422, created.text)
      assert.equal(created.body.errors[0].field, 'headers')
      const existing = await call('POST', '/clickup/rules', rule())
      const patched = await call('PATCH', `/clickup/rules/${existing.body.id}`, { headers })
      assert.equal(patched.status, 422, patched.text)
    })
  }
})

describe('a task whose rule cannot make its job', () => {
  it('gets one comment saying why, and a warn log line, instead of silence', async () => {
    // Fine with the sample task; the real task's name cannot be sent in a header.
    const created = await call(
      'POST',
      '/clickup/rules',
      rule({ name: 'Header from name', headers: '{"X-Task":"{{task.name}}"}' }),
    )
    assert.equal(created.status, 201, created.text)
    h.fake.setTask({
      id: 'cafe-task',
      name: 'Café ☕',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(Date.now() + 86_400_000),
    })
    const event = () => statusEvent('cafe-task', `66${++seq}`, Date.now(), 'to do', 'scheduled')
    assert.equal((await deliverSigned(h.app, event())).status, 200)
    await waitUntil('a comment on the task', () =>
      h.fake.comments.find((c) => c.taskId === 'cafe-task'),
    )
    const comment = h.fake.comments.find((c) => c.taskId === 'cafe-task')
    assert.match(comment?.text ?? '', /Header from name/)
    assert.match(comment?.text ?? '', /headers/)
    assert.ok(
      h.scheduler.logs
        .lines()
        .some((l) => l.task_id === 'cafe-task' && /could not schedule/.test(String(l.msg))),
    )
    // The next change of the task, same reason: no second comment.
    assert.equal((await deliverSigned(h.app, event())).status, 200)
    await waitUntil('the second event applied', async () => {
      const jobs = await h.scheduler.runtime.boss.findJobs('clickup-events', {})
      return jobs.every((job) => job.state === 'completed')
    })
    assert.equal(h.fake.comments.filter((c) => c.taskId === 'cafe-task').length, 1)
  })

  it('is told when an old rule (stored before the checks) has a URL the guard refuses', async () => {
    await h.scheduler.pool.query(
      `insert into clickup_rules (id, name, list_id, trigger_status, run_at_field, action, action_fields)
       values (gen_random_uuid(), 'Old loopback rule', $1, 'scheduled', 'now', 'webhook',
               '{"url":"http://127.0.0.1:9/old"}')`,
      [LIST],
    )
    h.fake.setTask({ id: 'old-rule-task', name: 'Old', status: 'scheduled', list_id: LIST })
    const event = statusEvent('old-rule-task', `67${++seq}`, Date.now(), 'to do', 'scheduled')
    assert.equal((await deliverSigned(h.app, event)).status, 200)
    await waitUntil('a comment on the task', () =>
      h.fake.comments.find((c) => c.taskId === 'old-rule-task' && /Old loopback rule/.test(c.text)),
    )
    const comment = h.fake.comments.find((c) => /Old loopback rule/.test(c.text))
    assert.match(comment?.text ?? '', /url/)
  })
})
