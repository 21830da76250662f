/**
 * Text PostgreSQL cannot store (NUL, lone UTF-16 surrogates) used to reach it and answer 500 from
 * whichever statement met it first. Now every route refuses it at the edge with a 422 naming the
 * field, and nothing is stored.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

const NUL = 'a\u0000b'
const LONE_HIGH = 'smile \ud83d'
const LONE_LOW = '\ude00 end'

let scheduler: TestScheduler
let app: ReturnType<typeof buildTestApp>['app']

before(async () => {
  scheduler = await startTestScheduler('unstorable_text')
  app = buildTestApp({ runtime: scheduler.runtime, clock: systemClock }).app
})
after(async () => {
  await scheduler?.close()
})

async function call(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: { ...authHeader, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, type: res.headers.get('content-type'), body: await readJson(res) }
}

async function jobCount(): Promise<number> {
  const result = await scheduler.pool.query('select count(*)::int as n from scheduled_jobs')
  return result.rows[0].n as number
}

function assertRefused(
  answer: { status: number; type: string | null; body: AnyJson },
  field: string,
) {
  assert.equal(answer.status, 422, JSON.stringify(answer.body))
  assert.equal(answer.type, 'application/problem+json')
  assert.equal(answer.body.errors?.[0]?.field, field, JSON.stringify(answer.body))
  assert.match(answer.body.errors[0].message, /NUL|surrogate/)
}

const valid = { name: 'Remind Ana', url: 'http://127.0.0.1:9/hook', delay: '2h' }

describe('text PostgreSQL cannot store', () => {
  for (const [label, text] of [
    ['a NUL', NUL],
    ['a lone high surrogate', LONE_HIGH],
    ['a lone low surrogate', LONE_LOW],
  ] as const) {
    for (const field of ['name', 'description', 'dedupe_key', 'body', 'tags']) {
      it(`refuses ${label} in scheduleWebhook ${field} with a 422 naming it, storing nothing`, async () => {
        const before = await jobCount()
        assertRefused(await call('POST', '/jobs/webhook', { ...valid, [field]: text }), field)
        assert.equal(await jobCount(), before)
      })
    }
  }

  it('refuses a NUL produced by an escape inside JSON-text headers, naming the header', async () => {
    const headers = '{"X-Token":"abc\\u0000def"}'
    assertRefused(await call('POST', '/jobs/webhook', { ...valid, headers }), 'headers.X-Token')
  })

  it('refuses a lone surrogate in a key of JSON-text headers', async () => {
    const headers = '{"X-\\ud800":"v"}'
    const answer = await call('POST', '/jobs/webhook', { ...valid, headers })
    assert.equal(answer.status, 422, JSON.stringify(answer.body))
    assert.match(answer.body.errors[0].field, /^headers\./)
  })

  it('keeps a webhook body whose JSON text escapes a NUL (the escape is plain text)', async () => {
    const answer = await call('POST', '/jobs/webhook', { ...valid, body: '{"bytes":"\\u0000"}' })
    assert.equal(answer.status, 201, JSON.stringify(answer.body))
  })

  it('refuses them in updateJob and leaves the job as it was', async () => {
    const created = await call('POST', '/jobs/webhook', { ...valid, name: 'to update' })
    assert.equal(created.status, 201)
    const id = created.body.job.id
    assertRefused(await call('PATCH', `/jobs/${id}`, { name: NUL }), 'name')
    assertRefused(await call('PATCH', `/jobs/${id}`, { description: LONE_HIGH }), 'description')
    const job = await call('GET', `/jobs/${id}`)
    assert.equal(job.body.job.name, 'to update')
  })

  it('refuses them in listJobs search and tag', async () => {
    assertRefused(await call('GET', `/jobs?search=${encodeURIComponent(NUL)}`), 'search')
    assertRefused(await call('GET', '/jobs?tag=a%00b'), 'tag')
  })

  it('refuses them in previewSchedule fields', async () => {
    assertRefused(await call('POST', '/schedules/preview', { timezone: NUL }), 'timezone')
  })
})
