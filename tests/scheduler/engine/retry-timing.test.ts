import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { waitUntil } from '../../helpers/engine-wait.ts'

const engine = useEngineTest('engine_retry_timing', {
  // A poll far longer than the retry delay: only the exact wake-up can start the retry on time.
  env: {
    SCHEDULER_POLL_INTERVAL_MS: '5000',
    RETRY_DELAY_SECONDS: '1',
    RETRY_DELAY_MAX_SECONDS: '1',
  },
})

describe('retry timing', () => {
  it('starts a retry at the time pg-boss planned it, not at the next poll', async () => {
    engine.receiver.respond = (_req, index) => ({ status: index === 0 ? 500 : 200 })
    const { job } = await engine.scheduler.runtime.service.createJob(
      'webhook',
      {
        name: 'retried on time',
        delay: '1s',
        url: `${engine.receiver.url}/retry`,
        max_attempts: 2,
      },
      { name: 'tests' },
    )
    const rows = await waitUntil(
      'two recorded attempts',
      async () => {
        const result = await engine.scheduler.pool.query<{
          attempt: number
          status: string
          started_at: Date
          start_after: Date
        }>(
          `select x.attempt, x.status, x.started_at, b.start_after
           from job_executions x join pgboss.job b on b.id = x.boss_job_id
           where x.job_id = $1 and x.status <> 'running' order by x.attempt`,
          [job.id],
        )
        return result.rows.length === 2 ? result.rows : null
      },
      15_000,
    )
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.status]),
      [
        [1, 'failed'],
        [2, 'succeeded'],
      ],
    )
    const retry = rows[1]
    assert.ok(retry)
    const lateMs = retry.started_at.getTime() - retry.start_after.getTime()
    assert.ok(lateMs >= -5 && lateMs < 250, `retry started ${lateMs} ms after its planned time`)
  })
})
