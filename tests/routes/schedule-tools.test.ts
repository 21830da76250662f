import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createFixedClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { difyRuleViolations } from '../helpers/dify-rules.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

/** A Tuesday, a few days after the real date of writing: every pending run lies in the future. */
const NOW = new Date('2026-12-01T12:00:00.000Z')
const HOUR = 3_600_000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Loopback is allow-listed by the test scheduler; workers are off, so nothing ever calls it. */
const URL_OK = 'http://127.0.0.1:9/hook'
const SECRET = 'planted-secret-123'

const KEY_A = 'key-a-0123456789abcdef'
const KEY_B = 'key-b-0123456789abcdef'

let scheduler: TestScheduler
let app: ReturnType<typeof buildTestApp>['app']
let httpLogs: ReturnType<typeof buildTestApp>['logs']

before(async () => {
  const clock = createFixedClock(NOW)
  scheduler = await startTestScheduler('routes_schedule_tools', {
    clock,
    env: { WORKERS_ENABLED: 'false' },
  })
  ;({ app, logs: httpLogs } = buildTestApp({ runtime: scheduler.runtime, clock }))
})
after(async () => {
  await scheduler?.close()
})

function schedule(body: unknown, headers: Record<string, string> = authHeader) {
  return app.request('/jobs/webhook', {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function created(body: Record<string, unknown>): Promise<AnyJson> {
  const res = await schedule(body)
  const json = await readJson(res)
  assert.equal(res.status, 201, JSON.stringify(json))
  return json
}

async function problem(res: Response, status: number): Promise<AnyJson> {
  assert.equal(res.status, status)
  assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/)
  const body = await readJson(res)
  assert.equal(body.status, status)
  assert.equal(body.now, NOW.toISOString())
  return body
}

const fields = (body: AnyJson): string[] => body.errors.map((e: AnyJson) => e.field)

describe('scheduleWebhook: a valid call', () => {
  it('answers 201 with the job, a summary, the next runs, warnings, duplicate false and now', async () => {
    const body = await created({
      name: 'Remind Ana about the invoice',
      delay: '2h',
      url: URL_OK,
      method: 'put',
      body: '{"text":"Hi Ana"}',
      headers: '{"X-Team":"blue"}',
      tags: 'Reminders, clients,reminders',
      dedupe_key: 'invoice-4711',
      description: 'Ana asked for a reminder',
    })
    assert.deepEqual(Object.keys(body).sort(), [
      'duplicate',
      'job',
      'next_runs',
      'now',
      'summary',
      'warnings',
    ])
    assert.equal(body.duplicate, false)
    assert.equal(body.now, NOW.toISOString())
    assert.deepEqual(body.warnings, [])
    assert.match(body.summary, /Remind Ana about the invoice/)
    assert.match(body.summary, /PUT http:\/\/127\.0\.0\.1:9\/hook/)
    assert.match(body.summary, /in 2 hours/)

    const job = body.job
    assert.match(job.id, UUID)
    assert.equal(job.name, 'Remind Ana about the invoice')
    assert.equal(job.description, 'Ana asked for a reminder')
    assert.equal(job.status, 'scheduled')
    assert.equal(job.action.type, 'webhook')
    assert.equal(job.action.url, URL_OK)
    assert.equal(job.action.method, 'PUT')
    assert.deepEqual(job.action.header_names, ['X-Team'])
    assert.equal(job.action.body, '{"text":"Hi Ana"}')
    assert.equal(job.schedule.type, 'once')
    assert.equal(job.schedule.timezone, 'UTC')
    const due = new Date(NOW.getTime() + 2 * HOUR).toISOString()
    assert.equal(job.next_run_at, due)
    assert.equal(job.next_run_local, '2026-12-01T14:00:00+00:00')
    assert.deepEqual(body.next_runs, [{ utc: due, local: '2026-12-01T14:00:00+00:00' }])
    assert.equal(job.run_count, 0)
    assert.equal(job.last_execution, null)
    assert.equal(job.dedupe_key, 'invoice-4711')
    assert.deepEqual(job.tags, ['reminders', 'clients'])
    assert.equal(job.source, 'api')
    assert.equal(job.created_at, NOW.toISOString())
    assert.equal(job.max_attempts, 3)
    assert.equal(job.timeout_seconds, 30)
  })

  it('defaults the method to POST and gives an empty tag list when no tags are sent', async () => {
    const { job } = await created({ name: 'defaults', delay: '3h', url: URL_OK })
    assert.equal(job.action.method, 'POST')
    assert.deepEqual(job.action.header_names, [])
    assert.deepEqual(job.tags, [])
    assert.equal(job.dedupe_key, null)
  })

  it('accepts the Dify 0.15 style body where every optional field is null', async () => {
    const body = await created({
      name: 'Dify null body',
      description: null,
      tags: null,
      max_attempts: null,
      timeout_seconds: null,
      run_at: null,
      delay: '90m',
      every: null,
      cron: null,
      timezone: null,
      starts_at: null,
      ends_at: null,
      max_runs: null,
      url: URL_OK,
      method: null,
      body: null,
      headers: null,
      dedupe_key: null,
    })
    assert.equal(body.job.next_run_at, new Date(NOW.getTime() + 1.5 * HOUR).toISOString())
    assert.equal(body.job.action.method, 'POST')
    assert.equal(body.job.description, null)
    assert.equal(body.job.max_attempts, 3)
    assert.equal(body.job.schedule.timezone, 'UTC')
  })

  it('is listed in /openapi.json as scheduleWebhook and the document keeps every Dify rule', async () => {
    const doc = await readJson(app.request('/openapi.json'))
    assert.equal(doc.paths['/jobs/webhook'].post.operationId, 'scheduleWebhook')
    assert.deepEqual(difyRuleViolations(doc), [])
  })
})

describe('scheduleWebhook: timing forms', () => {
  it('takes run_at with an offset as an absolute instant', async () => {
    const { job, next_runs } = await created({
      name: 'run_at with offset',
      run_at: '2026-12-05T09:00:00-03:00',
      url: URL_OK,
    })
    assert.equal(job.next_run_at, '2026-12-05T12:00:00.000Z')
    assert.equal(job.schedule.type, 'once')
    assert.equal(next_runs.length, 1)
  })

  it('reads run_at without an offset as local time in the given timezone', async () => {
    const { job } = await created({
      name: 'run_at local',
      run_at: '2026-12-15T09:00',
      timezone: 'America/Sao_Paulo',
      url: URL_OK,
    })
    assert.equal(job.next_run_at, '2026-12-15T12:00:00.000Z')
    assert.equal(job.next_run_local, '2026-12-15T09:00:00-03:00')
    assert.equal(job.timezone, 'America/Sao_Paulo')
  })

  it('runs a delay that long after now', async () => {
    const { job } = await created({ name: 'delay form', delay: '1h30m', url: URL_OK })
    assert.equal(job.next_run_at, new Date(NOW.getTime() + 1.5 * HOUR).toISOString())
  })

  it('runs every interval first one interval from now and lists five upcoming runs', async () => {
    const { job, next_runs } = await created({
      name: 'every form',
      every: '15m',
      url: URL_OK,
    })
    const step = 15 * 60_000
    assert.equal(job.schedule.type, 'interval')
    assert.equal(job.schedule.every_seconds, 900)
    assert.equal(job.next_run_at, new Date(NOW.getTime() + step).toISOString())
    assert.deepEqual(
      next_runs.map((r: AnyJson) => r.utc),
      [1, 2, 3, 4, 5].map((k) => new Date(NOW.getTime() + k * step).toISOString()),
    )
  })

  it('runs a 5-field cron at its next tick in the timezone', async () => {
    // 2026-12-01 is a Tuesday, 13:00 in Berlin: the next weekday 09:00 is Wednesday 08:00 UTC.
    const { job, next_runs } = await created({
      name: 'cron form',
      cron: '0 9 * * MON-FRI',
      timezone: 'Europe/Berlin',
      url: URL_OK,
    })
    assert.equal(job.schedule.type, 'cron')
    assert.equal(job.next_run_at, '2026-12-02T08:00:00.000Z')
    assert.equal(job.next_run_local, '2026-12-02T09:00:00+01:00')
    assert.deepEqual(
      next_runs.map((r: AnyJson) => r.utc),
      [
        '2026-12-02T08:00:00.000Z',
        '2026-12-03T08:00:00.000Z',
        '2026-12-04T08:00:00.000Z',
        '2026-12-07T08:00:00.000Z',
        '2026-12-08T08:00:00.000Z',
      ],
    )
  })

  it('runs a 6-field cron with seconds at the right second', async () => {
    const { job } = await created({ name: 'cron seconds', cron: '30 0 9 * * *', url: URL_OK })
    assert.equal(job.next_run_at, '2026-12-02T09:00:30.000Z')
  })
})

describe('scheduleWebhook: invalid input', () => {
  it('answers 422 naming name when the name is missing', async () => {
    const body = await problem(await schedule({ delay: '1h', url: URL_OK }), 422)
    assert.deepEqual(fields(body), ['name'])
    assert.match(body.errors[0].hint, /\S/)
  })

  it('answers 422 naming url when the url is missing', async () => {
    const body = await problem(await schedule({ name: 'no url', delay: '1h' }), 422)
    assert.deepEqual(fields(body), ['url'])
  })

  it('answers 422 asking for one timing field when none of run_at, delay, every, cron is given', async () => {
    const body = await problem(await schedule({ name: 'no timing', url: URL_OK }), 422)
    assert.equal(body.errors[0].field, 'run_at')
    assert.match(body.errors[0].hint, /exactly one of/)
  })

  it('answers 422 naming both fields when two timing fields are given', async () => {
    const body = await problem(
      await schedule({ name: 'two timings', delay: '1h', every: '2h', url: URL_OK }),
      422,
    )
    assert.deepEqual(fields(body).sort(), ['delay', 'every'])
    assert.match(body.detail, /exactly one of/)
  })

  it('answers 422 for a past run_at, showing the current time and suggesting delay', async () => {
    const body = await problem(
      await schedule({ name: 'past', run_at: '2026-11-30T09:00:00Z', url: URL_OK }),
      422,
    )
    assert.equal(body.errors[0].field, 'run_at')
    assert.match(body.errors[0].message, /in the past/)
    assert.ok(body.errors[0].message.includes(NOW.toISOString()), body.errors[0].message)
    assert.match(body.errors[0].hint, /delay/)
  })

  it('answers 422 naming timezone for an unknown time zone', async () => {
    const body = await problem(
      await schedule({ name: 'bad zone', delay: '1h', timezone: 'Mars/Olympus', url: URL_OK }),
      422,
    )
    assert.deepEqual(fields(body), ['timezone'])
    assert.match(body.errors[0].hint, /\//)
  })

  it('answers 422 listing the supported methods for an unknown method', async () => {
    const body = await problem(
      await schedule({ name: 'bad method', delay: '1h', method: 'FETCH', url: URL_OK }),
      422,
    )
    assert.deepEqual(fields(body), ['method'])
    assert.match(body.errors[0].hint, /GET, POST, PUT, PATCH, DELETE/)
  })

  it('answers 422 asking for JSON text when headers are not JSON', async () => {
    const body = await problem(
      await schedule({ name: 'bad headers', delay: '1h', headers: 'X-Api-Key: abc', url: URL_OK }),
      422,
    )
    assert.deepEqual(fields(body), ['headers'])
    assert.match(body.errors[0].message, /not valid JSON text/)
    assert.match(body.errors[0].hint, /JSON object as text/)
  })

  it('answers 422 naming the Python dict mistake when headers arrive as a repr', async () => {
    const body = await problem(
      await schedule({ name: 'repr headers', delay: '1h', headers: "{'a': 'b'}", url: URL_OK }),
      422,
    )
    assert.deepEqual(fields(body), ['headers'])
    assert.match(body.errors[0].message, /Python dict/)
    assert.match(body.errors[0].hint, /double quotes/)
  })

  it('answers 401 without an API key', async () => {
    const res = await schedule({ name: 'no key', delay: '1h', url: URL_OK }, {})
    await problem(res, 401)
  })

  it('answers 400 for malformed JSON', async () => {
    const body = await problem(await schedule('{"name": "broken",'), 400)
    assert.match(body.detail, /JSON/)
  })
})

describe('scheduleWebhook: SSRF guard', () => {
  let strict: TestScheduler
  let strictApp: ReturnType<typeof buildTestApp>['app']

  before(async () => {
    const clock = createFixedClock(NOW)
    strict = await startTestScheduler('routes_schedule_ssrf', {
      clock,
      env: { WORKERS_ENABLED: 'false', WEBHOOK_ALLOWLIST: '' },
    })
    strictApp = buildTestApp({ runtime: strict.runtime, clock }).app
  })
  after(async () => {
    await strict?.close()
  })

  for (const url of [
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:9/hook',
  ]) {
    it(`answers 422 naming url and saves nothing for ${url}`, async () => {
      const res = await strictApp.request('/jobs/webhook', {
        method: 'POST',
        headers: { ...authHeader, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'internal', delay: '1h', url }),
      })
      const body = await problem(res, 422)
      assert.deepEqual(fields(body), ['url'])
      assert.match(body.errors[0].message, /cannot be called/)
      assert.match(body.errors[0].hint, /WEBHOOK_ALLOWLIST/)
      const list = await strict.runtime.service.listJobs({})
      assert.deepEqual(list.jobs, [])
    })
  }
})

describe('scheduleWebhook: idempotency', () => {
  it('returns the same job with 200 and duplicate true for the same dedupe_key and body', async () => {
    const request = { name: 'dedupe same', delay: '4h', url: URL_OK, dedupe_key: 'same-1' }
    const first = await created(request)
    const res = await schedule(request)
    assert.equal(res.status, 200)
    const second = await readJson(res)
    assert.equal(second.duplicate, true)
    assert.equal(second.job.id, first.job.id)
    assert.equal(second.now, NOW.toISOString())
  })

  it('answers 409 naming the existing job id for the same dedupe_key with a different body', async () => {
    const first = await created({
      name: 'dedupe conflict',
      delay: '4h',
      url: URL_OK,
      dedupe_key: 'conflict-1',
    })
    const res = await schedule({
      name: 'dedupe conflict',
      delay: '5h',
      url: URL_OK,
      dedupe_key: 'conflict-1',
    })
    const body = await problem(res, 409)
    assert.equal(body.job_id, first.job.id)
    assert.ok(body.detail.includes(first.job.id), body.detail)
    assert.match(body.detail, /conflict-1/)
  })

  it('treats an identical request without a key as a retry: the second answer is 200 duplicate', async () => {
    const request = { name: 'identical retry', every: '2h', url: URL_OK, body: '{"n":1}' }
    const first = await created(request)
    const res = await schedule(request)
    assert.equal(res.status, 200)
    const second = await readJson(res)
    assert.equal(second.duplicate, true)
    assert.equal(second.job.id, first.job.id)
    assert.deepEqual(second.warnings, [])
  })

  it('treats a Dify null-padded body as identical to the same body without the nulls', async () => {
    const first = await created({ name: 'null padding', delay: '6h', url: URL_OK })
    const res = await schedule({
      name: 'null padding',
      delay: '6h',
      url: URL_OK,
      every: null,
      headers: null,
      dedupe_key: null,
    })
    assert.equal(res.status, 200)
    assert.equal((await readJson(res)).job.id, first.job.id)
  })

  it('does not merge identical requests sent with different API keys', async () => {
    const { app: twoKeys } = buildTestApp({
      runtime: scheduler.runtime,
      clock: createFixedClock(NOW),
      env: { API_KEYS: `a:${KEY_A},b:${KEY_B}` },
    })
    const send = (key: string) =>
      twoKeys.request('/jobs/webhook', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'per key', delay: '7h', url: URL_OK }),
      })
    const a = await send(KEY_A)
    const b = await send(KEY_B)
    const aAgain = await send(KEY_A)
    assert.equal(a.status, 201)
    assert.equal(b.status, 201)
    assert.equal(aAgain.status, 200)
    const [aJob, bJob, aAgainJob] = await Promise.all([readJson(a), readJson(b), readJson(aAgain)])
    assert.notEqual(aJob.job.id, bJob.job.id)
    assert.equal(aAgainJob.job.id, aJob.job.id)
  })
})

describe('scheduleWebhook: header values stay secret', () => {
  it('never shows a header value in create, get, list or update answers, nor in any log line', async () => {
    const headers = JSON.stringify({ 'X-Api-Key': SECRET })
    const createRes = await schedule({
      name: 'secret headers',
      delay: '8h',
      url: URL_OK,
      headers,
    })
    const createText = await createRes.text()
    assert.equal(createRes.status, 201)
    const jobId = JSON.parse(createText).job.id
    assert.match(createText, /X-Api-Key/)

    const texts = [createText]
    const get = await app.request(`/jobs/${jobId}`, { headers: authHeader })
    texts.push(await get.text())
    const list = await app.request('/jobs?search=secret%20headers', { headers: authHeader })
    texts.push(await list.text())
    const update = await app.request(`/jobs/${jobId}`, {
      method: 'PATCH',
      headers: { ...authHeader, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'secret headers renamed', headers }),
    })
    texts.push(await update.text())
    assert.deepEqual([get.status, list.status, update.status], [200, 200, 200])

    for (const text of texts) {
      assert.ok(!text.includes(SECRET), `secret leaked in ${text}`)
      assert.match(text, /X-Api-Key/)
    }
    assert.ok(httpLogs.text().length > 0)
    assert.ok(!httpLogs.text().includes(SECRET), 'secret leaked into the HTTP log')
    assert.ok(!scheduler.logs.text().includes(SECRET), 'secret leaked into the scheduler log')
  })
})
