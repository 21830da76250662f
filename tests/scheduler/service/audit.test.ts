/** The audit trail: every change to a job records who and through which face, in its own transaction. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ProblemError } from '../../../src/problem-error.ts'
import { authHeader, buildTestApp } from '../../helpers/app.ts'
import { startTestScheduler, type TestScheduler } from '../../helpers/scheduler.ts'

let scheduler: TestScheduler
const service = () => scheduler.runtime.service
const ana = { name: 'ana', via: 'ui' } as const

before(async () => {
  // Workers off: jobs due in hours never run, and nothing but these calls changes them.
  scheduler = await startTestScheduler('service_audit', { env: { WORKERS_ENABLED: 'false' } })
})
after(() => scheduler.close())

async function createJob(name: string) {
  const { job } = await service().createJob(
    'webhook',
    { name, every: '1h', url: 'http://127.0.0.1:9/hook', headers: '{"X-Api-Key":"s3cret-value"}' },
    { name: 'dify', via: 'api' },
  )
  return job
}

describe('job audit trail', () => {
  it('records create, update, pause, resume, run now and cancel with actor and face, newest first', async () => {
    const job = await createJob('audited')
    await service().updateJob(job.id, { name: 'audited 2', every: '2h' }, ana)
    await service().pauseJob(job.id, ana)
    await service().resumeJob(job.id, { name: 'mcp-key', via: 'mcp' })
    await service().runJobNow(job.id, ana)
    await service().cancelJob(job.id, { name: 'clickup', via: 'clickup' })
    const { changes } = await service().getJobDetail(job.id)
    assert.deepEqual(
      changes.map((c) => [c.change, c.actor, c.via]),
      [
        ['cancel', 'clickup', 'clickup'],
        ['run_now', 'ana', 'ui'],
        ['resume', 'mcp-key', 'mcp'],
        ['pause', 'ana', 'ui'],
        ['update', 'ana', 'ui'],
        ['create', 'dify', 'api'],
      ],
    )
    assert.deepEqual(changes[0]?.detail, { from: 'scheduled', to: 'cancelled' })
    assert.deepEqual(changes[4]?.detail, { fields: ['name', 'every'], timing: { every: '2h' } })
  })

  it('records no entry for a change that changes nothing (pausing a paused job)', async () => {
    const job = await createJob('paused twice')
    await service().pauseJob(job.id, ana)
    await service().pauseJob(job.id, ana)
    const { changes } = await service().getJobDetail(job.id)
    assert.deepEqual(
      changes.map((c) => c.change),
      ['pause', 'create'],
    )
  })

  it('records nothing when the change is refused, and the job stays as it was', async () => {
    const job = await createJob('refused')
    await service().cancelJob(job.id, ana)
    await assert.rejects(service().pauseJob(job.id, ana), (err: unknown) => {
      assert.ok(err instanceof ProblemError)
      assert.equal(err.status, 409)
      return true
    })
    const detail = await service().getJobDetail(job.id)
    assert.equal(detail.job.status, 'cancelled')
    assert.deepEqual(
      detail.changes.map((c) => c.change),
      ['cancel', 'create'],
    )
  })

  it('names changed header fields but never stores their values', async () => {
    const job = await createJob('secret headers')
    await service().updateJob(job.id, { headers: '{"X-Api-Key":"n3w-secret"}' }, ana)
    const rows = await scheduler.pool.query(
      'select detail::text from job_changes where job_id = $1',
      [job.id],
    )
    const text = rows.rows.map((r) => r.detail).join('\n')
    assert.match(text, /"headers"/)
    assert.doesNotMatch(text, /s3cret-value|n3w-secret/)
  })

  it('the API routes record the API key name through `api`', async () => {
    const { app } = buildTestApp({ runtime: scheduler.runtime })
    const job = await createJob('via api')
    const res = await app.request(`/jobs/${job.id}/pause`, { method: 'POST', headers: authHeader })
    assert.equal(res.status, 200)
    const patch = await app.request(`/jobs/${job.id}`, {
      method: 'PATCH',
      headers: { ...authHeader, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'renamed' }),
    })
    assert.equal(patch.status, 200)
    const { changes } = await service().getJobDetail(job.id)
    assert.deepEqual(
      changes.map((c) => [c.change, c.actor, c.via]),
      [
        ['update', 'tests', 'api'],
        ['pause', 'tests', 'api'],
        ['create', 'dify', 'api'],
      ],
    )
  })
})

describe('getOverview', () => {
  it('counts jobs per status, attempts and failures per hour, and lateness of first attempts', async () => {
    const job = await createJob('overview')
    const now = new Date()
    const insert = (minutesAgo: number, status: string, latenessMs: number, attempt = 1) =>
      scheduler.pool.query(
        `insert into job_executions (id, job_id, boss_job_id, occurrence_at, attempt, status, started_at, lateness_ms)
         values (gen_random_uuid(), $1, gen_random_uuid(), $2, $3, $4, $2, $5)`,
        [job.id, new Date(now.getTime() - minutesAgo * 60_000), attempt, status, latenessMs],
      )
    await insert(0, 'succeeded', 5)
    await insert(0, 'failed', 70)
    await insert(0, 'failed', 20_000, 2)
    await insert(125, 'succeeded', 2_000)
    await insert(60 * 30, 'succeeded', 5) // 30 hours ago: outside the window
    const overview = await service().getOverview()
    assert.equal(overview.attempts_per_hour.length, 24)
    const last = overview.attempts_per_hour.at(-1)
    assert.deepEqual([last?.attempts, last?.failures], [3, 2])
    assert.equal(
      overview.attempts_per_hour.reduce((sum, h) => sum + h.attempts, 0),
      4,
    )
    const lateness = Object.fromEntries(overview.lateness.map((b) => [String(b.upper_ms), b.count]))
    assert.equal(lateness['10'], 1)
    assert.equal(lateness['100'], 1)
    assert.equal(lateness['5000'], 1)
    assert.equal(lateness.null, 0, 'the retry is not lateness')
    assert.ok(overview.jobs.scheduled >= 1)
    assert.equal(typeof overview.due_not_started, 'number')
  })
})
