/**
 * Pause, resume, cancel, update and run-now against a running engine and a real receiver: what fires,
 * when, and what the job looks like afterwards.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { occurrenceId, queueName } from '../../../src/scheduler/engine/boss.ts'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { executionRows, header, sleep, waitUntil } from '../../helpers/engine-wait.ts'

const actor = { name: 'tests' }

const engine = useEngineTest('engine_lifecycle')

const service = () => engine.scheduler.runtime.service

async function waitForJobStatus(jobId: string, status: string) {
  return waitUntil(`job ${jobId} to be ${status}`, async () => {
    const { job } = await service().getJob(jobId)
    return job.status === status ? job : null
  })
}

async function waitForFinishedRows(jobId: string, count: number) {
  return waitUntil(`${count} finished executions of ${jobId}`, async () => {
    const rows = await executionRows(engine.scheduler.pool, jobId)
    return rows.length === count && rows.every((r) => r.status !== 'running') ? rows : null
  })
}

describe('engine lifecycle', () => {
  it('does not fire a job paused before its due time, and fires it once at once when resumed', async () => {
    const target = await engine.startReceiver()
    const { job } = await service().createJob(
      'webhook',
      { name: 'paused once', delay: '1s', url: `${target.url}/paused` },
      actor,
    )
    const paused = await service().pauseJob(job.id, actor)
    assert.equal(paused.job.status, 'paused')
    assert.equal(paused.job.next_run_at, null)
    await sleep(2_000)
    assert.equal(target.requests.length, 0, 'a paused job fired')
    assert.equal((await executionRows(engine.scheduler.pool, job.id)).length, 0)

    const resumedAt = Date.now()
    const resumed = await service().resumeJob(job.id, actor)
    assert.equal(resumed.job.status, 'scheduled')
    const [request] = await target.waitFor(1, 3_000)
    assert.ok(request)
    assert.ok(request.at - resumedAt < 500, `resumed job fired ${request.at - resumedAt} ms late`)
    await waitForJobStatus(job.id, 'completed')
    await sleep(500)
    assert.equal(target.requests.length, 1)
  })

  it('stops an interval job while paused and resumes on its original rhythm', async () => {
    const target = await engine.startReceiver()
    const { job } = await service().createJob(
      'webhook',
      { name: 'paused interval', every: '1s', url: `${target.url}/rhythm` },
      actor,
    )
    const anchor = Date.parse(job.next_run_at ?? '')
    await target.waitFor(1, 3_000)
    await service().pauseJob(job.id, actor)
    await sleep(300)
    const whilePaused = target.requests.length
    await sleep(2_000)
    assert.equal(target.requests.length, whilePaused, 'an interval job fired while paused')

    await service().resumeJob(job.id, actor)
    await target.waitFor(whilePaused + 2, 4_000)
    await service().cancelJob(job.id, actor)
    for (const request of target.requests) {
      const offset = Date.parse(header(request, 'x-occurrence-at')) - anchor
      assert.equal(offset % 1_000, 0, `occurrence ${offset} ms after the anchor is off the rhythm`)
    }
    const occurrences = target.requests.map((r) => header(r, 'x-occurrence-at'))
    assert.equal(new Set(occurrences).size, occurrences.length, 'an occurrence fired twice')
  })

  it('never fires a cancelled job again and keeps its execution history', async () => {
    const target = await engine.startReceiver()
    const { job } = await service().createJob(
      'webhook',
      { name: 'cancelled interval', every: '1s', url: `${target.url}/cancel` },
      actor,
    )
    await target.waitFor(2, 4_000)
    const cancelled = await service().cancelJob(job.id, actor)
    assert.equal(cancelled.job.status, 'cancelled')
    assert.equal(cancelled.job.next_run_at, null)
    await sleep(300)
    const atCancel = target.requests.length
    await sleep(2_000)
    assert.equal(target.requests.length, atCancel, 'a cancelled job fired')
    const history = await service().listExecutions(job.id, {})
    assert.equal(history.executions.length, atCancel)
    assert.ok(history.executions.every((e) => e.status === 'succeeded'))
    assert.equal((await service().getJob(job.id)).job.status, 'cancelled')
  })

  it('never fires a one-time job cancelled before its due time', async () => {
    const target = await engine.startReceiver()
    const { job } = await service().createJob(
      'webhook',
      { name: 'cancelled once', delay: '1s', url: `${target.url}/cancel-once` },
      actor,
    )
    await service().cancelJob(job.id, actor)
    await sleep(2_000)
    assert.equal(target.requests.length, 0)
    assert.equal((await executionRows(engine.scheduler.pool, job.id)).length, 0)
    assert.equal((await service().getJob(job.id)).job.status, 'cancelled')
  })

  it('fires an updated job only at its new time, and the replaced occurrence does nothing even if pg-boss delivers it', async () => {
    const target = await engine.startReceiver()
    const { job } = await service().createJob(
      'webhook',
      { name: 'moved', delay: '1s', url: `${target.url}/moved` },
      actor,
    )
    const oldDue = new Date(job.next_run_at ?? '')
    const newRunAt = new Date(Date.now() + 2_500).toISOString()
    const updated = await service().updateJob(job.id, { run_at: newRunAt }, actor)
    assert.equal(updated.job.next_run_at, newRunAt)

    // Deliver the withdrawn occurrence anyway: a stale generation must not run.
    const queue = queueName('webhook')
    const staleId = occurrenceId(job.id, 1, oldDue)
    const [stale] = await engine.scheduler.runtime.boss.findJobs(queue, { id: staleId })
    assert.equal(stale?.state, 'cancelled', 'the old occurrence was not withdrawn')
    await engine.scheduler.runtime.boss.resume(queue, staleId)
    await waitUntil('the stale occurrence to be settled', async () => {
      const [found] = await engine.scheduler.runtime.boss.findJobs(queue, { id: staleId })
      return found?.state === 'completed' ? found : null
    })
    assert.equal(target.requests.length, 0, 'the replaced occurrence fired')

    const [request] = await target.waitFor(1, 4_000)
    assert.ok(request)
    assert.equal(header(request, 'x-occurrence-at'), newRunAt)
    assert.ok(request.at >= Date.parse(newRunAt), 'fired before its new time')
    await waitForJobStatus(job.id, 'completed')
    await sleep(500)
    assert.equal(target.requests.length, 1)
    const rows = await executionRows(engine.scheduler.pool, job.id)
    assert.deepEqual(
      rows.map((r) => r.occurrence_at.toISOString()),
      [newRunAt],
    )
  })

  it('runs a job now once, immediately, without moving its schedule', async () => {
    const target = await engine.startReceiver()
    const { job } = await service().createJob(
      'webhook',
      { name: 'run now', delay: '3s', url: `${target.url}/now` },
      actor,
    )
    const asked = Date.now()
    const ran = await service().runJobNow(job.id, actor)
    assert.equal(ran.job.next_run_at, job.next_run_at)
    const [manual] = await target.waitFor(1, 2_000)
    assert.ok(manual)
    assert.ok(manual.at - asked < 500, `run-now arrived after ${manual.at - asked} ms`)
    await waitForFinishedRows(job.id, 1)
    const afterRun = await service().getJob(job.id)
    assert.equal(afterRun.job.status, 'scheduled')
    assert.equal(afterRun.job.next_run_at, job.next_run_at)
    assert.equal(target.requests.length, 1)

    // The scheduled occurrence still fires, at its original time.
    const [, scheduled] = await target.waitFor(2, 5_000)
    assert.ok(scheduled)
    assert.equal(header(scheduled, 'x-occurrence-at'), job.next_run_at)
    const rows = await waitForFinishedRows(job.id, 2)
    assert.deepEqual(
      rows.map((r) => [r.manual, r.status]),
      [
        [true, 'succeeded'],
        [false, 'succeeded'],
      ],
    )
    await waitForJobStatus(job.id, 'completed')
  })

  it('runs a paused job once on run-now and leaves it paused', async () => {
    const target = await engine.startReceiver()
    const { job } = await service().createJob(
      'webhook',
      { name: 'paused run now', delay: '2s', url: `${target.url}/paused-now` },
      actor,
    )
    await service().pauseJob(job.id, actor)
    await service().runJobNow(job.id, actor)
    await target.waitFor(1, 2_000)
    const rows = await waitForFinishedRows(job.id, 1)
    assert.equal(rows[0]?.manual, true)
    assert.equal(rows[0]?.status, 'succeeded')
    // Past the original due time: nothing more fires and the job is still paused.
    await sleep(2_500)
    assert.equal(target.requests.length, 1)
    const { job: after } = await service().getJob(job.id)
    assert.equal(after.status, 'paused')
    assert.equal(after.next_run_at, null)
    assert.equal(after.run_count, 1)
  })
})
