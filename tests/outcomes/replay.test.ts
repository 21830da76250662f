/**
 * retryExecution and the outcome filters, through HTTP against a running engine and real receivers:
 * a failed run is found (listJobs/listExecutions outcome=failed), replayed as one more attempt
 * (twice with the same request: one replay), and what cannot be replayed says why.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { header, waitUntil } from '../helpers/engine-wait.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

let scheduler: TestScheduler
let target: WebhookReceiver
let app: ReturnType<typeof buildTestApp>['app']
/** Paths the target answers 500 for. */
const failing = new Set<string>()

before(async () => {
  scheduler = await startTestScheduler('replay')
  target = await startWebhookReceiver()
  target.respond = (r) => (failing.has(r.path) ? { status: 500, body: 'down' } : { status: 200 })
  app = buildTestApp({ runtime: scheduler.runtime }).app
})
after(async () => {
  await scheduler?.close()
  await target?.close()
})

async function call(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: { ...authHeader, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, body: await readJson(res) }
}

const requestsTo = (path: string) => target.requests.filter((r) => r.path === path)

async function failedJob(name: string, path: string, extra: Record<string, unknown> = {}) {
  failing.add(path)
  const created = await call('POST', '/jobs/webhook', {
    name,
    delay: '1s',
    url: `${target.url}${path}`,
    max_attempts: 2,
    ...extra,
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const id = created.body.job.id as string
  await waitUntil(
    'job failed',
    async () => (await call('GET', `/jobs/${id}`)).body.job.status === 'failed',
    15_000,
  )
  return id
}

describe('retryExecution', () => {
  it('replays the last failed attempt once, even when asked twice, and completes the job', async () => {
    const jobId = await failedJob('Flaky report', '/flaky', {
      callback_url: `${target.url}/flaky-callback`,
    })
    const listed = await call('GET', '/jobs?outcome=failed')
    assert.ok(listed.body.jobs.some((j: AnyJson) => j.id === jobId))
    assert.match(listed.body.summary, /latest attempt failed/)
    const failed = await call('GET', `/jobs/${jobId}/executions?outcome=failed`)
    assert.equal(failed.status, 200)
    assert.deepEqual(
      failed.body.executions.map((e: AnyJson) => [e.kind, e.attempt]),
      [
        ['run', 2],
        ['run', 1],
      ],
    )
    const [last, first] = failed.body.executions
    const tooEarly = await call('POST', `/executions/${first.id}/retry`)
    assert.equal(tooEarly.status, 409)
    assert.match(tooEarly.body.detail, /attempt 2 of the same run came after it .*Replay that one/)

    failing.delete('/flaky')
    const [one, two] = await Promise.all([
      call('POST', `/executions/${last.id}/retry`),
      call('POST', `/executions/${last.id}/retry`),
    ])
    assert.deepEqual([one.status, two.status].sort(), [200, 202])
    assert.equal(one.body.replay.execution_id, two.body.replay.execution_id)
    assert.equal(one.body.replay.attempt, 3)
    const replayId = one.body.replay.execution_id
    const attempts = await waitUntil('third attempt', () =>
      requestsTo('/flaky').length >= 3 ? requestsTo('/flaky') : null,
    )
    assert.equal(header(attempts[2] as never, 'x-attempt'), '3')
    assert.equal(header(attempts[2] as never, 'x-execution-id'), replayId)
    assert.equal(
      header(attempts[2] as never, 'webhook-id'),
      header(attempts[0] as never, 'webhook-id'),
    )
    const done = await waitUntil('job completed', async () => {
      const got = (await call('GET', `/jobs/${jobId}`)).body
      return got.job.status === 'completed' ? got : null
    })
    assert.equal(done.job.last_execution.id, replayId)
    assert.equal(done.job.last_execution.status, 'succeeded')
    const replayed = await call('GET', `/executions/${replayId}`)
    assert.equal(replayed.body.execution.attempt, 3)
    assert.equal(replayed.body.execution.occurrence_at, last.occurrence_at)

    // Asked again later: the same replay, not another run.
    const again = await call('POST', `/executions/${last.id}/retry`)
    assert.equal(again.status, 200)
    assert.equal(again.body.duplicate, true)
    assert.equal(again.body.replay.status, 'succeeded')
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal(requestsTo('/flaky').length, 3)

    // The callback reported the failure, then the replay's success.
    const reports = await waitUntil('two callbacks', () =>
      requestsTo('/flaky-callback').length >= 2 ? requestsTo('/flaky-callback') : null,
    )
    // Each reports its own execution; they may arrive in either order (payload timestamps tell).
    const byExecution = Object.fromEntries(
      reports.map((r) => {
        const payload = JSON.parse(r.body)
        return [payload.data.execution.id, payload.type]
      }),
    )
    assert.deepEqual(byExecution, { [last.id]: 'job.run.failed', [replayId]: 'job.run.succeeded' })
    const stillFailed = await call('GET', '/jobs?outcome=failed')
    assert.ok(!stillFailed.body.jobs.some((j: AnyJson) => j.id === jobId))
    const changes = await scheduler.pool.query(
      `select change, actor, via, detail from job_changes where job_id = $1 and change = 'replay'`,
      [jobId],
    )
    assert.equal(changes.rows.length, 1)
    assert.deepEqual(changes.rows[0].detail, { execution_id: last.id, attempt: 3 })
  })

  it('refuses to replay what cannot be: succeeded, a cancelled job, a callback, unknown ids', async () => {
    const ok = await call('POST', '/jobs/webhook', {
      name: 'Fine',
      delay: '1s',
      url: `${target.url}/fine`,
      callback_url: `${target.url}/fine-callback`,
    })
    const okId = ok.body.job.id
    const rows = await waitUntil('run and callback recorded', async () => {
      const got = (await call('GET', `/jobs/${okId}/executions`)).body.executions
      return got.length === 2 && got.every((e: AnyJson) => e.status === 'succeeded') ? got : null
    })
    const run = rows.find((e: AnyJson) => e.kind === 'run')
    const callback = rows.find((e: AnyJson) => e.kind === 'callback')
    assert.equal(callback.reports_execution_id, run.id)
    const succeeded = await call('POST', `/executions/${run.id}/retry`)
    assert.equal(succeeded.status, 409)
    assert.match(succeeded.body.detail, /it succeeded; there is nothing to replay/)
    const ofCallback = await call('POST', `/executions/${callback.id}/retry`)
    assert.equal(ofCallback.status, 409)
    assert.match(ofCallback.body.detail, /it is a callback reporting execution/)

    const jobId = await failedJob('Cancelled later', '/cancelled')
    const [last] = (await call('GET', `/jobs/${jobId}/executions?outcome=failed`)).body.executions
    // A failed once job cannot be cancelled through the API; a recurring job cancelled after one
    // of its runs failed is in the same state as this one.
    assert.ok(last)
    await scheduler.pool.query('update scheduled_jobs set status = $2 where id = $1', [
      jobId,
      'cancelled',
    ])
    const cancelled = await call('POST', `/executions/${last.id}/retry`)
    assert.equal(cancelled.status, 409)
    assert.match(cancelled.body.detail, /is cancelled/)

    assert.equal((await call('POST', '/executions/not-a-uuid/retry')).status, 404)
    const missing = await call('POST', '/executions/5d2c1c7e-0f7a-4d55-9a43-2b8f3c1d9e10/retry')
    assert.equal(missing.status, 404)
    assert.match(missing.body.detail, /outcome "failed"/)
  })

  it('answers 422 for an unknown outcome filter', async () => {
    const jobs = await call('GET', '/jobs?outcome=broken')
    assert.equal(jobs.status, 422)
    assert.equal(jobs.body.errors[0].field, 'outcome')
    const job = (await call('GET', '/jobs')).body.jobs[0]
    const executions = await call('GET', `/jobs/${job.id}/executions?outcome=maybe`)
    assert.equal(executions.status, 422)
    assert.match(executions.body.errors[0].hint, /failed, succeeded, running/)
  })
})
