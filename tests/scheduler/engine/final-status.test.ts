/**
 * A job's final status comes from its last occurrence, even when an earlier occurrence is still
 * retrying after the last one was claimed and finishes after it started (migration 008).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { executionRows, header, waitUntil } from '../../helpers/engine-wait.ts'

const engine = useEngineTest('engine_final_status', {
  // Retries 2–4 s after a failure, so the first occurrence's retry lands while the second runs.
  env: { RETRY_DELAY_SECONDS: '2', RETRY_DELAY_MAX_SECONDS: '4' },
})

describe('the final status of a job whose last two occurrences overlap', () => {
  it('is the last occurrence’s, not that of an earlier one finishing later', async () => {
    // First occurrence: fails, then its retry succeeds. Second (last) occurrence: its first
    // attempt fails after 5 s (so the first occurrence's retry succeeds meanwhile), and so does
    // its retry.
    engine.receiver.respond = (request) => {
      const first = engine.receiver.requests[0]
      const isFirstOccurrence =
        first && header(request, 'x-occurrence-at') === header(first, 'x-occurrence-at')
      const attempt = header(request, 'x-attempt')
      if (isFirstOccurrence) return { status: attempt === '1' ? 500 : 200, body: '{}' }
      return { status: 500, body: '{}', delayMs: attempt === '1' ? 5_000 : 0 }
    }
    const created = await engine.scheduler.runtime.service.createJob(
      'webhook',
      {
        name: 'overlapping',
        every: '1s',
        max_runs: 2,
        max_attempts: 2,
        url: `${engine.receiver.url}/overlap`,
      },
      { name: 'tests' },
    )
    const jobId = created.job.id

    const settled = await waitUntil(
      'the job settled',
      async () => {
        const job = await engine.scheduler.runtime.service.getJob(jobId)
        return job.job.status === 'scheduled' ? null : job.job
      },
      20_000,
      100,
    )
    // Let the last outcome land too, then look at the whole history.
    await waitUntil(
      'all four attempts recorded',
      async () => {
        const rows = await executionRows(engine.scheduler.pool, jobId)
        return rows.length === 4 && rows.every((r) => r.status !== 'running')
      },
      10_000,
    )
    const rows = await executionRows(engine.scheduler.pool, jobId)
    const [firstAt, lastAt] = [...new Set(rows.map((r) => r.occurrence_at.getTime()))].sort()
    const ofFirst = rows.filter((r) => r.occurrence_at.getTime() === firstAt)
    const ofLast = rows.filter((r) => r.occurrence_at.getTime() === lastAt)
    assert.deepEqual(
      ofFirst.map((r) => r.status),
      ['failed', 'succeeded'],
    )
    assert.deepEqual(
      ofLast.map((r) => r.status),
      ['failed', 'failed'],
    )
    // The scenario really overlapped: the first occurrence succeeded while the last was running.
    const firstSucceeded = ofFirst[1]?.finished_at?.getTime() ?? Number.NaN
    const lastStarted = ofLast[0]?.started_at.getTime() ?? Number.NaN
    const lastFinished = ofLast[1]?.finished_at?.getTime() ?? Number.NaN
    assert.ok(lastStarted < firstSucceeded && firstSucceeded < lastFinished)

    assert.equal(settled.status, 'failed')
    const job = await engine.scheduler.runtime.service.getJob(jobId)
    assert.equal(job.job.status, 'failed')
  })
})
