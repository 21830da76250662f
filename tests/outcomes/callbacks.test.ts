/**
 * Signed webhook calls and callbacks against real local receivers: every delivery verified by the
 * standardwebhooks package (not our code), callbacks after a run settles (success, failure after
 * retries, a once job, each occurrence of a recurring job, an abandoned final attempt), and a
 * failing callback that is retried and never touches the job.
 */
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { executionRows, header, sleep, waitUntil } from '../helpers/engine-wait.ts'
import type { AnyJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import {
  type ReceivedRequest,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.ts'

const CURRENT = `whsec_${randomBytes(32).toString('base64')}`
const PREVIOUS = `whsec_${randomBytes(24).toString('base64')}`
let scheduler: TestScheduler
let target: WebhookReceiver
let callbacks: WebhookReceiver

before(async () => {
  scheduler = await startTestScheduler('callbacks', {
    env: { WEBHOOK_SIGNING_SECRET: `${CURRENT},${PREVIOUS}` },
    sweepIntervalMs: 200,
  })
  target = await startWebhookReceiver()
  callbacks = await startWebhookReceiver()
})
after(async () => {
  await scheduler?.close()
  await target?.close()
  await callbacks?.close()
})

const asHeaders = (r: ReceivedRequest) =>
  Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((n) => [n, header(r, n)]),
  )

/** Verified with each secret alone: the independent implementation accepts it either way. */
function verified(r: ReceivedRequest): unknown {
  new Webhook(PREVIOUS).verify(r.body, asHeaders(r))
  return new Webhook(CURRENT).verify(r.body, asHeaders(r))
}

async function create(name: string, fields: Record<string, unknown>) {
  const result = await scheduler.runtime.service.createJob(
    'webhook',
    { name, delay: '1s', ...fields },
    { name: 'tests' },
  )
  return result.job
}

const pathsOf = (receiver: WebhookReceiver, prefix: string) =>
  receiver.requests.filter((r) => r.path.startsWith(prefix))

async function callbackRows(jobId: string) {
  const result = await scheduler.pool.query(
    `select id, status, attempt, reports_execution_id, error_class from job_executions
     where job_id = $1 and reports_execution_id is not null order by started_at, attempt`,
    [jobId],
  )
  return result.rows
}

describe('signed webhook calls', () => {
  it('signs every attempt with both secrets, keeping webhook-id across the retries of an occurrence', async () => {
    target.respond = (r) =>
      r.path === '/signed' && pathsOf(target, '/signed').length === 1
        ? { status: 500 }
        : { status: 200 }
    const job = await create('signed', {
      url: `${target.url}/signed`,
      body: '{"text":"Olá"}',
      max_attempts: 3,
    })
    await waitUntil('two attempts', () => pathsOf(target, '/signed').length >= 2)
    const [first, second] = pathsOf(target, '/signed') as [ReceivedRequest, ReceivedRequest]
    assert.deepEqual(verified(first), { text: 'Olá' })
    assert.deepEqual(verified(second), { text: 'Olá' })
    assert.equal(header(first, 'webhook-id'), header(second, 'webhook-id'))
    assert.notEqual(header(first, 'x-execution-id'), header(second, 'x-execution-id'))
    assert.equal(header(second, 'x-attempt'), '2')
    assert.equal(header(first, 'x-job-id'), job.id)
    assert.equal(header(first, 'webhook-signature').split(' ').length, 2)
    // A tampered body does not verify.
    assert.throws(() => new Webhook(CURRENT).verify('{"text":"Ola"}', asHeaders(first)))
    const rows = await waitUntil('recorded', async () => {
      const r = await executionRows(scheduler.pool, job.id)
      return r.length === 2 && r[1]?.status === 'succeeded' ? r : null
    })
    const summary = await scheduler.pool.query(
      'select request_summary from job_executions where id = $1',
      [rows[0]?.id],
    )
    assert.equal(summary.rows[0].request_summary.webhook_id, header(first, 'webhook-id'))
  })
})

describe('callbacks', () => {
  it('posts a signed outcome after a once job succeeds, recorded as its own execution', async () => {
    const job = await create('once ok', {
      url: `${target.url}/ok`,
      callback_url: `${callbacks.url}/cb-ok`,
      callback_headers: '{"Authorization":"Bearer cb-secret-value"}',
    })
    const [request] = await waitUntil('callback', () => {
      const got = pathsOf(callbacks, '/cb-ok')
      return got.length > 0 ? got : null
    })
    assert.ok(request)
    const payload = verified(request) as AnyJson
    assert.equal(payload.type, 'job.run.succeeded')
    assert.equal(payload.data.job.id, job.id)
    assert.equal(payload.data.execution.status, 'succeeded')
    assert.equal(payload.data.execution.response_status, 200)
    assert.equal(payload.data.execution.excerpt, '{"ok":true}')
    assert.match(payload.data.execution.summary, /the URL answered HTTP 200/)
    assert.ok(payload.data.execution.finished_local)
    assert.equal(payload.data.execution.error, null)
    assert.equal(header(request, 'authorization'), 'Bearer cb-secret-value')
    assert.equal(header(request, 'content-type'), 'application/json')
    const rows = await waitUntil('callback row', async () => {
      const r = await callbackRows(job.id)
      return r[0]?.status === 'succeeded' ? r : null
    })
    assert.equal(rows.length, 1)
    assert.equal(rows[0].reports_execution_id, payload.data.execution.id)
    // The job's own record is untouched: its last execution is the run, not the callback.
    const view = await scheduler.runtime.service.getJob(job.id)
    assert.equal(view.job.last_execution?.id, payload.data.execution.id)
    assert.equal(view.job.status, 'completed')
    assert.deepEqual(view.job.callback?.header_names, ['Authorization'])
    assert.ok(!JSON.stringify(view).includes('cb-secret-value'))
    const listed = await scheduler.runtime.service.listExecutions(job.id, {})
    const kinds = listed.executions.map((e) => e.kind).sort()
    assert.deepEqual(kinds, ['callback', 'run'])
    const callbackView = listed.executions.find((e) => e.kind === 'callback')
    assert.match(callbackView?.summary ?? '', /^Callback for the run due .* delivered .*HTTP 200/)
  })

  it('calls back once after the last attempt of a failing run, not after the first', async () => {
    target.respond = (r) =>
      r.path === '/down' ? { status: 503, body: 'maintenance' } : { status: 200 }
    const job = await create('fails twice', {
      url: `${target.url}/down`,
      max_attempts: 2,
      callback_url: `${callbacks.url}/cb-fail`,
      callback_on: 'failure',
    })
    await waitUntil('both attempts', () => pathsOf(target, '/down').length >= 2)
    const [request] = await waitUntil('callback', () => {
      const got = pathsOf(callbacks, '/cb-fail')
      return got.length > 0 ? got : null
    })
    assert.ok(request)
    const payload = verified(request) as AnyJson
    assert.equal(payload.type, 'job.run.failed')
    assert.equal(payload.data.execution.attempt, 2)
    assert.equal(payload.data.execution.response_status, 503)
    assert.equal(payload.data.execution.excerpt, 'maintenance')
    assert.equal(payload.data.execution.error.class, 'http_status')
    assert.match(payload.data.execution.summary, /Attempt 2 of 2 .* failed .*HTTP 503/)
    assert.equal(payload.data.job.status, 'failed')
    await sleep(500)
    assert.equal(pathsOf(callbacks, '/cb-fail').length, 1)
    assert.equal((await callbackRows(job.id)).length, 1)
  })

  it('sends nothing for a success when callback_on is failure', async () => {
    const job = await create('quiet', {
      url: `${target.url}/quiet`,
      callback_url: `${callbacks.url}/cb-quiet`,
      callback_on: 'failure',
    })
    await waitUntil(
      'completed',
      async () => (await scheduler.runtime.service.getJob(job.id)).job.status === 'completed',
    )
    await sleep(1_200)
    assert.equal(pathsOf(callbacks, '/cb-quiet').length, 0)
    assert.deepEqual(await callbackRows(job.id), [])
  })

  it('calls back once for each occurrence of a recurring job', async () => {
    const result = await scheduler.runtime.service.createJob(
      'webhook',
      {
        name: 'every second',
        every: '1s',
        max_runs: 2,
        url: `${target.url}/every`,
        callback_url: `${callbacks.url}/cb-every`,
      },
      { name: 'tests' },
    )
    const got = await waitUntil(
      'two callbacks',
      () => {
        const list = pathsOf(callbacks, '/cb-every')
        return list.length >= 2 ? list : null
      },
      15_000,
    )
    const payloads = got.map((r) => verified(r) as AnyJson)
    const occurrences = new Set(payloads.map((p) => p.data.execution.occurrence_at))
    assert.equal(occurrences.size, 2)
    assert.notEqual(
      header(got[0] as ReceivedRequest, 'webhook-id'),
      header(got[1] as ReceivedRequest, 'webhook-id'),
    )
    await sleep(1_500)
    assert.equal(pathsOf(callbacks, '/cb-every').length, 2)
    assert.equal((await callbackRows(result.job.id)).length, 2)
  })

  it('retries a failing callback with the same webhook-id and never changes the job', async () => {
    callbacks.respond = (r) =>
      r.path === '/cb-flaky' && pathsOf(callbacks, '/cb-flaky').length <= 2
        ? { status: 500 }
        : { status: 204 }
    const job = await create('flaky callback', {
      url: `${target.url}/fine`,
      callback_url: `${callbacks.url}/cb-flaky`,
    })
    const got = await waitUntil(
      'three callback tries',
      () => {
        const list = pathsOf(callbacks, '/cb-flaky')
        return list.length >= 3 ? list : null
      },
      20_000,
    )
    for (const r of got) verified(r)
    assert.equal(new Set(got.map((r) => header(r, 'webhook-id'))).size, 1)
    assert.deepEqual(
      got.map((r) => header(r, 'x-attempt')),
      ['1', '2', '3'],
    )
    const rows = await waitUntil('recorded', async () => {
      const r = await callbackRows(job.id)
      return r.length === 3 && r[2]?.status === 'succeeded' ? r : null
    })
    assert.deepEqual(
      rows.map((r) => r.status),
      ['failed', 'failed', 'succeeded'],
    )
    const view = await scheduler.runtime.service.getJob(job.id)
    assert.equal(view.job.status, 'completed')
    assert.equal(view.job.last_execution?.status, 'succeeded')
    const failedView = (await scheduler.runtime.service.getExecution(rows[0].id)).execution
    assert.match(
      failedView.summary,
      /failed .*Attempt 2 of 5 follows; the job and its run are not affected/,
    )
    // A callback has no callback: nothing more arrives.
    await sleep(1_000)
    assert.equal(pathsOf(callbacks, '/cb-flaky').length, 3)
  })

  it('reports an abandoned final attempt the sweeper closed', async () => {
    const job = await create('dies', {
      delay: '1h',
      url: `${target.url}/never`,
      max_attempts: 1,
      callback_url: `${callbacks.url}/cb-dead`,
    })
    const longAgo = new Date(Date.now() - 2 * 3_600_000)
    await scheduler.pool.query(
      `insert into job_executions (id, job_id, boss_job_id, occurrence_at, attempt, status, started_at, lateness_ms)
       values ($1, $2, $3, $4, 1, 'running', $4, 0)`,
      [randomUUID(), job.id, randomUUID(), longAgo],
    )
    const [request] = await waitUntil('callback', () => {
      const got = pathsOf(callbacks, '/cb-dead')
      return got.length > 0 ? got : null
    })
    assert.ok(request)
    const payload = verified(request) as AnyJson
    assert.equal(payload.type, 'job.run.failed')
    assert.equal(payload.data.execution.error.class, 'abandoned')
  })
})
