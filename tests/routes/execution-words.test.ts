/**
 * Issue 14: executions and finished jobs in words an agent can relay, with times in the job's zone.
 * Real clock and running workers against a local receiver.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { systemClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

let scheduler: TestScheduler
let receiver: WebhookReceiver
let app: ReturnType<typeof buildTestApp>['app']

before(async () => {
  scheduler = await startTestScheduler('routes_execution_words')
  receiver = await startWebhookReceiver()
  app = buildTestApp({ runtime: scheduler.runtime, clock: systemClock }).app
})
after(async () => {
  await scheduler?.close()
  await receiver?.close()
})

async function call(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: { ...authHeader, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: await readJson(res) }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

const LOCAL_SAO_PAULO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?-03:00$/

describe('executions in words', () => {
  it('says when a run happened in the job zone and what the target answered', async () => {
    const created = await call('POST', '/jobs/webhook', {
      name: 'Words ok',
      url: `${receiver.url}/ok`,
      delay: '1s',
      timezone: 'America/Sao_Paulo',
    })
    assert.equal(created.status, 201)
    const id = created.body.job.id
    const list = await waitFor('a finished execution', async () => {
      const { body } = await call('GET', `/jobs/${id}/executions`)
      return body.executions[0]?.status === 'succeeded' ? body : undefined
    })
    const [execution] = list.executions
    assert.match(
      execution.summary,
      /^Ran \w{3} \d+ \w{3} \d{4} at \d{2}:\d{2}:\d{2} \(America\/Sao_Paulo\), \d+ ms late; the URL answered HTTP 200 in \d+ ms\.$/,
    )
    assert.equal(list.summary, `Newest first. ${execution.summary}`)
    for (const field of ['occurrence_local', 'started_local', 'finished_local']) {
      assert.match(execution[field], LOCAL_SAO_PAULO, field)
    }
    assert.equal(new Date(execution.occurrence_local).toISOString(), execution.occurrence_at)
    assert.equal(execution.timezone, 'America/Sao_Paulo')
    const one = await call('GET', `/executions/${execution.id}`)
    assert.equal(one.body.execution.summary, execution.summary)
    assert.equal(one.body.execution.started_local, execution.started_local)
    const job = await call('GET', `/jobs/${id}`)
    assert.match(
      job.body.summary,
      /has completed all its runs \(1 in total\)\. The last run \(due .*\(America\/Sao_Paulo\)\) succeeded: the URL answered HTTP 200\./,
    )
    assert.match(job.body.job.last_execution.summary, /^The last run/)
    assert.match(job.body.job.last_execution.occurrence_local, LOCAL_SAO_PAULO)
  })

  // Former defect (issue 14): a failed job's summary said only "its last run used all 3 attempts".
  it('says why a job failed: the attempt, the status and the error class', async () => {
    receiver.respond = (req) => (req.path === '/down' ? { status: 503 } : { status: 200 })
    const created = await call('POST', '/jobs/webhook', {
      name: 'Words down',
      url: `${receiver.url}/down`,
      delay: '1s',
      max_attempts: 2,
      timezone: 'America/Sao_Paulo',
    })
    const id = created.body.job.id
    const job = await waitFor('the job to fail', async () => {
      const { body } = await call('GET', `/jobs/${id}`)
      return body.job.status === 'failed' ? body : undefined
    })
    assert.match(
      job.summary,
      /^"Words down" \(POST .*\/down\) stopped after a failure: the run due .* \(America\/Sao_Paulo\) failed on attempt 2 of 2 \(HTTP 503\) with http_status: The URL answered HTTP 503\. It will not run again unless you use runJobNow or updateJob with new timing\.$/,
    )
    const { body } = await call('GET', `/jobs/${id}/executions`)
    const [second, first] = body.executions
    assert.match(
      first.summary,
      /^Attempt 1 of 2 for the run due .* failed after .* \(HTTP 503\) with http_status: The URL answered HTTP 503\. Attempt 2 of 2 follows\.$/,
    )
    assert.match(second.summary, /That was the last attempt\.$/)
  })

  it('says when nothing has run yet and when the first run is due', async () => {
    const later = await call('POST', '/jobs/webhook', {
      name: 'Words later',
      url: `${receiver.url}/ok`,
      delay: '2h',
      timezone: 'Asia/Tokyo',
    })
    const { body } = await call('GET', `/jobs/${later.body.job.id}/executions`)
    assert.deepEqual(body.executions, [])
    assert.match(body.summary, /^No attempts yet; the next run is due .* \(Asia\/Tokyo\)\.$/)
  })
})
