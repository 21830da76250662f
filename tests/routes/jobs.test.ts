import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { systemClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { difyRuleViolations } from '../helpers/dify-rules.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

const HOUR = 3_600_000
const MISSING_ID = '0b6e0bd4-5d0e-4a8e-9b62-5a8e0f1f2c3d'

let scheduler: TestScheduler
let receiver: WebhookReceiver
let app: ReturnType<typeof buildTestApp>['app']

before(async () => {
  // Real clock and running workers: jobs due in hours never fire; the ones due in seconds do.
  scheduler = await startTestScheduler('routes_jobs')
  receiver = await startWebhookReceiver()
  app = buildTestApp({ runtime: scheduler.runtime, clock: systemClock }).app
})
after(async () => {
  await scheduler?.close()
  await receiver?.close()
})

interface Answer {
  status: number
  headers: Headers
  body: AnyJson
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await app.request(path, {
    method,
    headers: {
      ...authHeader,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, body: await readJson(res) }
}

let counter = 0
/** Creates a job (unique name, due in 2 hours unless told otherwise) and returns its view. */
async function createJob(fields: Record<string, unknown> = {}): Promise<AnyJson> {
  counter += 1
  const timing = ['run_at', 'delay', 'every', 'cron'].some((k) => k in fields)
    ? {}
    : { delay: '2h' }
  const { status, body } = await call('POST', '/jobs/webhook', {
    name: `job ${counter}`,
    url: `${receiver.url}/hook`,
    ...timing,
    ...fields,
  })
  assert.equal(status, 201, JSON.stringify(body))
  return body.job
}

/** Jobs created back to back still get distinct created_at values (millisecond resolution). */
async function createInOrder(count: number, fields: Record<string, unknown>): Promise<AnyJson[]> {
  const jobs: AnyJson[] = []
  for (let i = 0; i < count; i++) {
    jobs.push(await createJob(fields))
    await sleep(3)
  }
  return jobs
}

const ids = (jobs: AnyJson[]): string[] => jobs.map((j) => j.id)

function requestsOf(jobId: string) {
  return receiver.requests.filter((r) => r.headers['x-job-id'] === jobId)
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

const waitForRequest = (jobId: string) =>
  waitUntil(`a request for job ${jobId}`, async () => requestsOf(jobId)[0])

/** Waits until the job's newest execution has finished and returns it. */
const waitForFinishedExecution = (jobId: string) =>
  waitUntil(`a finished execution of job ${jobId}`, async () => {
    const { body } = await call('GET', `/jobs/${jobId}/executions`)
    const [newest] = body.executions
    return newest && newest.status !== 'running' ? newest : undefined
  })

describe('listJobs', () => {
  it('lists jobs of every status, newest first, when no status is given', async () => {
    const [first, second, third] = await createInOrder(3, { tags: 'order' })
    assert.equal((await call('POST', `/jobs/${second.id}/pause`)).status, 200)
    assert.equal((await call('POST', `/jobs/${third.id}/cancel`)).status, 200)

    const { status, body } = await call('GET', '/jobs?tag=order')
    assert.equal(status, 200)
    assert.deepEqual(ids(body.jobs), [third.id, second.id, first.id])
    assert.deepEqual(
      body.jobs.map((j: AnyJson) => j.status),
      ['cancelled', 'paused', 'scheduled'],
    )
    assert.equal(body.next_cursor, null)

    const all = await call('GET', '/jobs?limit=100')
    const positions = [third.id, second.id, first.id].map((id) => ids(all.body.jobs).indexOf(id))
    assert.ok(positions.every((p) => p >= 0))
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    )
  })

  it('filters by status, tag, name search and action type', async () => {
    const alpha = await createJob({ name: 'Filter Alpha report', tags: 'filters,alpha' })
    const beta = await createJob({ name: 'Filter beta digest', tags: 'filters,beta' })
    await call('POST', `/jobs/${beta.id}/pause`)

    const byStatus = await call('GET', '/jobs?tag=filters&status=paused')
    assert.deepEqual(ids(byStatus.body.jobs), [beta.id])
    const byUpperStatus = await call('GET', '/jobs?tag=filters&status=SCHEDULED')
    assert.deepEqual(ids(byUpperStatus.body.jobs), [alpha.id])
    const byTag = await call('GET', '/jobs?tag=alpha')
    assert.deepEqual(ids(byTag.body.jobs), [alpha.id])
    const bySearch = await call('GET', '/jobs?search=DIGEST')
    assert.deepEqual(ids(bySearch.body.jobs), [beta.id])
    const byWildcard = await call('GET', '/jobs?tag=filters&search=%25')
    assert.deepEqual(byWildcard.body.jobs, [])
    const byAction = await call('GET', '/jobs?tag=filters&action=webhook')
    assert.deepEqual(ids(byAction.body.jobs), [beta.id, alpha.id])
  })

  it('pages with limit and cursor without duplicates or gaps while new jobs are added', async () => {
    const original = (await createInOrder(5, { tags: 'paging' })).reverse()
    const page1 = await call('GET', '/jobs?tag=paging&limit=2')
    assert.equal(page1.status, 200)
    assert.equal(page1.body.jobs.length, 2)
    assert.equal(typeof page1.body.next_cursor, 'string')

    const added = await createInOrder(2, { tags: 'paging' })

    const page2 = await call(
      'GET',
      `/jobs?tag=paging&limit=2&cursor=${encodeURIComponent(page1.body.next_cursor)}`,
    )
    const page3 = await call(
      'GET',
      `/jobs?tag=paging&limit=2&cursor=${encodeURIComponent(page2.body.next_cursor)}`,
    )
    assert.equal(page3.body.jobs.length, 1)
    assert.equal(page3.body.next_cursor, null)
    const seen = [...page1.body.jobs, ...page2.body.jobs, ...page3.body.jobs]
    assert.deepEqual(ids(seen), ids(original))

    const fresh = await call('GET', '/jobs?tag=paging&limit=2')
    assert.deepEqual(ids(fresh.body.jobs), ids(added).reverse())
  })

  it('answers 422 listing every status for an unknown status', async () => {
    const { status, body } = await call('GET', '/jobs?status=running')
    assert.equal(status, 422)
    assert.equal(body.errors[0].field, 'status')
    assert.match(body.errors[0].hint, /scheduled, paused, completed, cancelled, failed/)
  })

  it('answers 422 naming the action types for an unknown action', async () => {
    const { status, body } = await call('GET', '/jobs?action=carrier-pigeon')
    assert.equal(status, 422)
    assert.equal(body.errors[0].field, 'action')
    assert.match(body.errors[0].hint, /webhook/)
  })

  it('answers 422 naming cursor for a cursor this server did not issue', async () => {
    const { status, body } = await call('GET', '/jobs?cursor=not-a-cursor')
    assert.equal(status, 422)
    assert.equal(body.errors[0].field, 'cursor')
    assert.match(body.errors[0].hint, /next_cursor/)
  })

  it('answers 422 naming limit for a page size over 100', async () => {
    const { status, body } = await call('GET', '/jobs?limit=101')
    assert.equal(status, 422)
    assert.equal(body.errors[0].field, 'limit')
  })
})

describe('getJob', () => {
  it('returns the job with a summary and now, marked not cacheable', async () => {
    const job = await createJob({ name: 'Get me', tags: 'get' })
    const res = await app.request(`/jobs/${job.id}`, { headers: authHeader })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = await readJson(res)
    assert.deepEqual(body.job, job)
    assert.match(body.summary, /"Get me"/)
    assert.ok(Date.parse(body.now) > 0)
  })

  it('answers 404 for a UUID no job has', async () => {
    const { status, body } = await call('GET', `/jobs/${MISSING_ID}`)
    assert.equal(status, 404)
    assert.ok(body.detail.includes(MISSING_ID))
    assert.match(body.detail, /listJobs/)
  })

  it('answers 404, not 422, for an id that is not a UUID', async () => {
    const { status, body } = await call('GET', '/jobs/job-42')
    assert.equal(status, 404)
    assert.match(body.detail, /UUIDs/)
  })
})

describe('updateJob', () => {
  it('renames a job and keeps its next run when no timing is sent, even with Dify nulls', async () => {
    const job = await createJob({ name: 'Old name' })
    const { status, body } = await call('PATCH', `/jobs/${job.id}`, {
      name: 'New name',
      run_at: null,
      delay: null,
      every: null,
      cron: null,
      timezone: null,
      url: null,
      headers: null,
    })
    assert.equal(status, 200)
    assert.equal(body.job.name, 'New name')
    assert.equal(body.job.next_run_at, job.next_run_at)
    assert.deepEqual(body.job.schedule, job.schedule)
    assert.equal(body.job.status, 'scheduled')
    assert.deepEqual(
      body.next_runs.map((r: AnyJson) => r.utc),
      [job.next_run_at],
    )
    assert.equal(body.duplicate, false)
    assert.match(body.summary, /"New name"/)
  })

  it('replaces the timing and the pending run, and returns the new next runs', async () => {
    const job = await createJob({ name: 'Soon, then hourly', delay: '1s' })
    const { status, body } = await call('PATCH', `/jobs/${job.id}`, { every: '1h' })
    assert.equal(status, 200)
    assert.equal(body.job.schedule.type, 'interval')
    const first = Date.parse(body.now) + HOUR
    assert.equal(body.job.next_run_at, new Date(first).toISOString())
    assert.deepEqual(
      body.next_runs.map((r: AnyJson) => r.utc),
      [0, 1, 2, 3, 4].map((k) => new Date(first + k * HOUR).toISOString()),
    )
    // The withdrawn one-second run must not fire.
    await sleep(2_500)
    assert.deepEqual(requestsOf(job.id), [])
  })

  it('applies timing modifiers sent alone to the current timing, keeping its rhythm', async () => {
    const job = await createJob({ every: '1h' })
    const { status, body } = await call('PATCH', `/jobs/${job.id}`, {
      timezone: 'Europe/Berlin',
      max_runs: 3,
      run_at: null,
      delay: null,
      every: null,
      cron: null,
    })
    assert.equal(status, 200, JSON.stringify(body))
    assert.equal(body.job.timezone, 'Europe/Berlin')
    assert.equal(body.job.schedule.every, '1h')
    assert.equal(body.job.schedule.max_runs, 3)
    assert.equal(body.job.next_run_at, job.next_run_at)
    assert.equal(body.next_runs.length, 3)
    assert.match(
      body.warnings[0],
      /Kept the job's interval every "1h" and applied timezone, max_runs/,
    )
  })

  it('changes url, method and headers, keeps the new header value secret and sends it', async () => {
    const job = await createJob({ headers: '{"X-Api-Key":"first-secret-123"}' })
    const { status, body } = await call('PATCH', `/jobs/${job.id}`, {
      url: `${receiver.url}/v2`,
      method: 'patch',
      headers: '{"X-Api-Key":"second-secret-456"}',
    })
    assert.equal(status, 200)
    assert.equal(body.job.action.url, `${receiver.url}/v2`)
    assert.equal(body.job.action.method, 'PATCH')
    assert.deepEqual(body.job.action.header_names, ['X-Api-Key'])
    assert.equal(body.job.next_run_at, job.next_run_at)
    const text = JSON.stringify(body)
    assert.ok(!text.includes('second-secret-456'))
    assert.ok(!text.includes('first-secret-123'))

    assert.equal((await call('POST', `/jobs/${job.id}/run`)).status, 200)
    const request = await waitForRequest(job.id)
    assert.equal(request.path, '/v2')
    assert.equal(request.method, 'PATCH')
    assert.equal(request.headers['x-api-key'], 'second-secret-456')
  })

  it('answers 422 naming method for an unknown method', async () => {
    const job = await createJob()
    const { status, body } = await call('PATCH', `/jobs/${job.id}`, { method: 'SEND' })
    assert.equal(status, 422)
    assert.equal(body.errors[0].field, 'method')
  })

  it('answers 409 for a cancelled job', async () => {
    const job = await createJob()
    await call('POST', `/jobs/${job.id}/cancel`)
    const { status, body } = await call('PATCH', `/jobs/${job.id}`, { name: 'Too late' })
    assert.equal(status, 409)
    assert.equal(body.job_id, job.id)
    assert.match(body.detail, /cancelled/)
    assert.equal((await call('GET', `/jobs/${job.id}`)).body.job.name, job.name)
  })

  it('answers 404 for an unknown job', async () => {
    const { status } = await call('PATCH', `/jobs/${MISSING_ID}`, { name: 'Nobody' })
    assert.equal(status, 404)
  })
})

describe('pause, resume, cancel and run now', () => {
  it('pauses a scheduled job: status paused and no next run', async () => {
    const job = await createJob()
    const { status, body } = await call('POST', `/jobs/${job.id}/pause`)
    assert.equal(status, 200)
    assert.equal(body.job.status, 'paused')
    assert.equal(body.job.next_run_at, null)
    assert.equal(body.job.next_run_local, null)
    assert.match(body.summary, /paused/)
  })

  it('answers 200 and changes nothing when pausing a paused job', async () => {
    const job = await createJob()
    const first = await call('POST', `/jobs/${job.id}/pause`)
    const second = await call('POST', `/jobs/${job.id}/pause`)
    assert.equal(second.status, 200)
    assert.deepEqual(second.body.job, first.body.job)
  })

  it('resumes a paused interval job on its original rhythm', async () => {
    const job = await createJob({ every: '1h' })
    await call('POST', `/jobs/${job.id}/pause`)
    const { status, body } = await call('POST', `/jobs/${job.id}/resume`)
    assert.equal(status, 200)
    assert.equal(body.job.status, 'scheduled')
    assert.equal(body.job.next_run_at, job.next_run_at)
  })

  it('runs a one-time job at once when it is resumed after its time passed', async () => {
    const job = await createJob({ delay: '2s' })
    await call('POST', `/jobs/${job.id}/pause`)
    await sleep(2_500)
    assert.deepEqual(requestsOf(job.id), [])
    const { status, body } = await call('POST', `/jobs/${job.id}/resume`)
    assert.equal(status, 200)
    assert.equal(body.job.status, 'scheduled')
    assert.equal(body.job.next_run_at, body.now)
    await waitForRequest(job.id)
  })

  it('answers 409 explaining the state when resuming a cancelled job', async () => {
    const job = await createJob()
    await call('POST', `/jobs/${job.id}/cancel`)
    const { status, body } = await call('POST', `/jobs/${job.id}/resume`)
    assert.equal(status, 409)
    assert.equal(body.status, 409)
    assert.equal(body.job_id, job.id)
    assert.equal(body.job_status, 'cancelled')
    assert.match(body.detail, /because it is cancelled/)
    assert.match(body.detail, /create a new job/)
  })

  it('answers 409 when pausing a completed job', async () => {
    const job = await createJob({ delay: '1s' })
    await waitUntil('the job to complete', async () => {
      const { body } = await call('GET', `/jobs/${job.id}`)
      return body.job.status === 'completed' ? body : undefined
    })
    const { status, body } = await call('POST', `/jobs/${job.id}/pause`)
    assert.equal(status, 409)
    assert.match(body.detail, /because it is completed/)
  })

  it('cancels a job for good and keeps its execution history', async () => {
    const job = await createJob()
    await call('POST', `/jobs/${job.id}/run`)
    const execution = await waitForFinishedExecution(job.id)
    assert.equal(execution.status, 'succeeded')

    const { status, body } = await call('POST', `/jobs/${job.id}/cancel`)
    assert.equal(status, 200)
    assert.equal(body.job.status, 'cancelled')
    assert.equal(body.job.next_run_at, null)
    assert.equal(body.job.last_execution.id, execution.id)
    const history = await call('GET', `/jobs/${job.id}/executions`)
    assert.equal(history.status, 200)
    assert.deepEqual(ids(history.body.executions), [execution.id])
  })

  it('runs a paused job now and leaves it paused', async () => {
    const job = await createJob()
    await call('POST', `/jobs/${job.id}/pause`)
    const { status, body } = await call('POST', `/jobs/${job.id}/run`)
    assert.equal(status, 200)
    assert.equal(body.job.status, 'paused')
    assert.match(body.summary, /One extra run was added now/)
    await waitForRequest(job.id)
    await waitForFinishedExecution(job.id)
    const after = await call('GET', `/jobs/${job.id}`)
    assert.equal(after.body.job.status, 'paused')
    assert.equal(after.body.job.next_run_at, null)
  })

  it('answers 409 when running a cancelled job now', async () => {
    const job = await createJob()
    await call('POST', `/jobs/${job.id}/cancel`)
    const { status, body } = await call('POST', `/jobs/${job.id}/run`)
    assert.equal(status, 409)
    assert.match(body.detail, /cancelled/)
  })

  it('answers 404 for every lifecycle verb on an unknown job', async () => {
    for (const verb of ['pause', 'resume', 'cancel', 'run']) {
      const { status } = await call('POST', `/jobs/${MISSING_ID}/${verb}`)
      assert.equal(status, 404, verb)
    }
  })
})

describe('listExecutions', () => {
  it('answers 404 for an unknown job and for an id that is not a UUID', async () => {
    assert.equal((await call('GET', `/jobs/${MISSING_ID}/executions`)).status, 404)
    assert.equal((await call('GET', '/jobs/nope/executions')).status, 404)
  })

  it('lists nothing for a job that never ran', async () => {
    const job = await createJob()
    const { status, body } = await call('GET', `/jobs/${job.id}/executions`)
    assert.equal(status, 200)
    assert.deepEqual(body.executions, [])
    assert.equal(body.next_cursor, null)
  })
})

describe('the job tools as a whole', () => {
  it('put now on every answer, successes and problems alike', async () => {
    const job = await createJob()
    const started = Date.now()
    const answers = [
      await call('GET', '/jobs'),
      await call('GET', `/jobs/${job.id}`),
      await call('PATCH', `/jobs/${job.id}`, { description: 'now check' }),
      await call('POST', `/jobs/${job.id}/pause`),
      await call('POST', `/jobs/${job.id}/resume`),
      await call('POST', `/jobs/${job.id}/run`),
      await call('GET', `/jobs/${job.id}/executions`),
      await call('POST', `/jobs/${job.id}/cancel`),
      await call('POST', `/jobs/${job.id}/resume`),
      await call('GET', `/jobs/${MISSING_ID}`),
      await call('GET', '/jobs?status=nope'),
    ]
    const finished = Date.now()
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200, 200, 200, 200, 409, 404, 422],
    )
    for (const { body } of answers) {
      assert.equal(typeof body.now, 'string', JSON.stringify(body))
      const at = Date.parse(body.now)
      assert.ok(at >= started - 5 && at <= finished + 5, body.now)
    }
  })

  it('mark every GET answer as not cacheable', async () => {
    const job = await createJob()
    for (const path of ['/jobs', `/jobs/${job.id}`, `/jobs/${job.id}/executions`]) {
      const { status, headers } = await call('GET', path)
      assert.equal(status, 200, path)
      assert.equal(headers.get('cache-control'), 'no-store', path)
    }
  })

  it('appear in /openapi.json under their operationIds and keep every Dify rule', async () => {
    const doc = await readJson(app.request('/openapi.json'))
    const operationIds = Object.values(doc.paths as Record<string, AnyJson>).flatMap((item) =>
      Object.values(item).map((op: AnyJson) => op.operationId),
    )
    for (const id of [
      'listJobs',
      'getJob',
      'updateJob',
      'pauseJob',
      'resumeJob',
      'cancelJob',
      'runJobNow',
      'listExecutions',
    ]) {
      assert.ok(operationIds.includes(id), id)
    }
    assert.deepEqual(difyRuleViolations(doc), [])
  })
})
