import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createFixedClock, systemClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { difyRuleViolations } from '../helpers/dify-rules.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

const NOW = new Date('2026-12-01T12:00:00.000Z')
const MISSING_ID = '5d2c1c7e-0f7a-4d55-9a43-2b8f3c1d9e10'
const SECRET = 'planted-secret-123'

/**
 * previewSchedule saves nothing and reads no table, so it runs on an app whose runtime is never
 * started, with a fixed clock: every expected time below is exact.
 */
const preview = buildTestApp({ clock: createFixedClock(NOW) }).app

async function previewOf(body: Record<string, unknown>) {
  const res = await preview.request('/schedules/preview', {
    method: 'POST',
    headers: { ...authHeader, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await readJson(res) }
}

const utc = (body: AnyJson): string[] => body.next_runs.map((r: AnyJson) => r.utc)

describe('previewSchedule', () => {
  it('lists five runs by default with the zone, a summary, warnings and now', async () => {
    const { status, body } = await previewOf({ cron: '0 9 * * *' })
    assert.equal(status, 200)
    assert.deepEqual(Object.keys(body).sort(), [
      'next_runs',
      'now',
      'summary',
      'timezone',
      'warnings',
    ])
    assert.deepEqual(utc(body), [
      '2026-12-02T09:00:00.000Z',
      '2026-12-03T09:00:00.000Z',
      '2026-12-04T09:00:00.000Z',
      '2026-12-05T09:00:00.000Z',
      '2026-12-06T09:00:00.000Z',
    ])
    assert.equal(body.timezone, 'UTC')
    assert.deepEqual(body.warnings, [])
    assert.equal(body.now, NOW.toISOString())
  })

  it('lists up to 50 runs when asked for 50', async () => {
    const { status, body } = await previewOf({ every: '1h', count: 50 })
    assert.equal(status, 200)
    assert.equal(body.next_runs.length, 50)
    assert.equal(body.next_runs[49].utc, new Date(NOW.getTime() + 50 * 3_600_000).toISOString())
  })

  it('answers 422 naming count when more than 50 runs are asked for', async () => {
    const { status, body } = await previewOf({ every: '1h', count: 51 })
    assert.equal(status, 422)
    assert.equal(body.errors[0].field, 'count')
    assert.match(body.errors[0].hint, /50/)
  })

  it('runs a 6-field cron at the given second in the given zone', async () => {
    const { body } = await previewOf({ cron: '15 0 9 * * *', timezone: 'Europe/Berlin', count: 2 })
    assert.deepEqual(body.next_runs, [
      { utc: '2026-12-02T08:00:15.000Z', local: '2026-12-02T09:00:15+01:00' },
      { utc: '2026-12-03T08:00:15.000Z', local: '2026-12-03T09:00:15+01:00' },
    ])
  })

  it('warns that a local run_at in the spring-forward gap does not exist and shows the time used', async () => {
    const { status, body } = await previewOf({
      run_at: '2027-03-14T02:30',
      timezone: 'America/New_York',
    })
    assert.equal(status, 200)
    assert.deepEqual(body.next_runs, [
      { utc: '2027-03-14T07:30:00.000Z', local: '2027-03-14T03:30:00-04:00' },
    ])
    assert.equal(body.warnings.length, 1)
    assert.match(body.warnings[0], /02:30 does not exist in America\/New_York/)
    assert.match(body.warnings[0], /2027-03-14T03:30:00-04:00/)
  })

  it('answers 200 with a warning, not an error, for a run_at in the past', async () => {
    const { status, body } = await previewOf({ run_at: '2026-11-30T09:00:00Z' })
    assert.equal(status, 200)
    assert.deepEqual(utc(body), ['2026-11-30T09:00:00.000Z'])
    assert.equal(body.warnings.length, 1)
    assert.match(body.warnings[0], /in the past/)
    assert.match(body.warnings[0], /delay/)
  })

  it('warns when a schedule runs more than once a minute', async () => {
    const { status, body } = await previewOf({ every: '30s' })
    assert.equal(status, 200)
    assert.deepEqual(body.warnings, [
      'Very frequent: runs every 30 seconds, more than once a minute.',
    ])
  })

  it('warns when ends_at comes before the first run', async () => {
    const { status, body } = await previewOf({ every: '1h', ends_at: '2026-12-01T12:30:00Z' })
    assert.equal(status, 200)
    assert.deepEqual(body.next_runs, [])
    assert.equal(body.warnings.length, 1)
    assert.match(body.warnings[0], /before its first run/)
    assert.match(body.warnings[0], /never run/)
  })

  it('describes the schedule in one sentence with its next local run', async () => {
    const { body } = await previewOf({ cron: '0 9 * * MON-FRI', timezone: 'Europe/Berlin' })
    assert.equal(
      body.summary,
      'Runs at 09:00 on Monday through Friday (Europe/Berlin time; cron "0 9 * * MON-FRI"), next on Wed 2 Dec 2026 at 09:00 (in 20 hours).',
    )
  })

  it('still answers 422 for timing that could never be saved', async () => {
    const { status, body } = await previewOf({ cron: '0 25 * * *' })
    assert.equal(status, 422)
    assert.equal(body.errors[0].field, 'cron')
  })

  it('answers 401 without an API key', async () => {
    const res = await preview.request('/schedules/preview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ delay: '1h' }),
    })
    assert.equal(res.status, 401)
  })
})

describe('getExecution', () => {
  let scheduler: TestScheduler
  let receiver: WebhookReceiver
  let app: ReturnType<typeof buildTestApp>['app']
  let httpLogs: ReturnType<typeof buildTestApp>['logs']

  before(async () => {
    scheduler = await startTestScheduler('routes_executions')
    receiver = await startWebhookReceiver()
    ;({ app, logs: httpLogs } = buildTestApp({ runtime: scheduler.runtime, clock: systemClock }))
  })
  after(async () => {
    await scheduler?.close()
    await receiver?.close()
  })

  async function call(method: string, path: string, body?: unknown) {
    const res = await app.request(path, {
      method,
      headers: {
        ...authHeader,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }

  /** Schedules a job two hours out, runs it now and returns the finished execution's id. */
  async function runOnce(fields: Record<string, unknown>) {
    const created = await call('POST', '/jobs/webhook', {
      delay: '2h',
      url: `${receiver.url}/hook`,
      ...fields,
    })
    assert.equal(created.status, 201, created.text)
    const jobId: string = JSON.parse(created.text).job.id
    assert.equal((await call('POST', `/jobs/${jobId}/run`)).status, 200)
    const deadline = Date.now() + 10_000
    for (;;) {
      const list = JSON.parse((await call('GET', `/jobs/${jobId}/executions`)).text)
      const [newest] = list.executions
      if (newest && newest.status !== 'running') return { jobId, executionId: newest.id as string }
      if (Date.now() > deadline) throw new Error('the execution did not finish')
      await sleep(50)
    }
  }

  it('returns a succeeded first attempt after a run-now against a real receiver', async () => {
    const { jobId, executionId } = await runOnce({ name: 'Run me now', body: '{"n":1}' })
    const res = await call('GET', `/executions/${executionId}`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const { execution, now } = JSON.parse(res.text)
    assert.ok(Date.parse(now) > 0)
    assert.equal(execution.id, executionId)
    assert.equal(execution.job_id, jobId)
    assert.equal(execution.status, 'succeeded')
    assert.equal(execution.attempt, 1)
    assert.equal(execution.manual, true)
    assert.equal(execution.response_status, 200)
    assert.equal(execution.response_body, '{"ok":true}')
    assert.equal(execution.error, null)
    assert.equal(execution.request.method, 'POST')
    assert.equal(execution.request.url, `${receiver.url}/hook`)
    assert.ok(execution.duration_ms >= 0)
    const received = receiver.requests.filter((r) => r.headers['x-job-id'] === jobId)
    assert.equal(received.length, 1)
    assert.equal(received[0]?.headers['x-execution-id'], executionId)
  })

  it('records a failed attempt with the status the receiver answered', async () => {
    receiver.respond = (req) =>
      req.path === '/broken' ? { status: 500, body: '{"oops":true}' } : { status: 200 }
    try {
      const { executionId } = await runOnce({
        name: 'Broken receiver',
        url: `${receiver.url}/broken`,
        max_attempts: 1,
      })
      const { execution } = JSON.parse((await call('GET', `/executions/${executionId}`)).text)
      assert.equal(execution.status, 'failed')
      assert.equal(execution.response_status, 500)
      assert.equal(execution.error.class, 'http_status')
      assert.match(execution.error.message, /500/)
    } finally {
      receiver.respond = () => ({ status: 200, body: '{"ok":true}' })
    }
  })

  it('sends a header value to the receiver but never shows or logs it', async () => {
    const { jobId, executionId } = await runOnce({
      name: 'Secret run',
      headers: JSON.stringify({ 'X-Api-Key': SECRET }),
    })
    const received = receiver.requests.find((r) => r.headers['x-job-id'] === jobId)
    assert.equal(received?.headers['x-api-key'], SECRET)
    const texts = [
      (await call('GET', `/executions/${executionId}`)).text,
      (await call('GET', `/jobs/${jobId}/executions`)).text,
      (await call('GET', `/jobs/${jobId}`)).text,
    ]
    for (const text of texts) {
      assert.ok(!text.includes(SECRET), text)
      assert.match(text, /X-Api-Key/)
    }
    assert.ok(!httpLogs.text().includes(SECRET), 'secret in the HTTP log')
    assert.ok(!scheduler.logs.text().includes(SECRET), 'secret in the scheduler log')
  })

  it('answers 404 for an unknown execution id and for one that is not a UUID', async () => {
    const unknown = await call('GET', `/executions/${MISSING_ID}`)
    assert.equal(unknown.status, 404)
    assert.ok(JSON.parse(unknown.text).detail.includes(MISSING_ID))
    assert.match(JSON.parse(unknown.text).detail, /listExecutions/)
    assert.equal((await call('GET', '/executions/latest')).status, 404)
  })
})

describe('the execution tools in the OpenAPI document', () => {
  it('list getExecution and previewSchedule and keep every Dify rule', async () => {
    const doc = await readJson(preview.request('/openapi.json'))
    assert.equal(doc.paths['/executions/{execution_id}'].get.operationId, 'getExecution')
    assert.equal(doc.paths['/schedules/preview'].post.operationId, 'previewSchedule')
    assert.deepEqual(difyRuleViolations(doc), [])
  })
})
