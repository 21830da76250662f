/**
 * Retention as the runtime wires it: pg-boss keeps our finished jobs a day
 * (FINISHED_JOB_RETENTION_SECONDS), and the runtime's retention loop stops with the runtime.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'

const engine = useEngineTest('engine_retention_runtime')

describe('retention in the runtime', () => {
  it('has pg-boss delete a finished occurrence after a day instead of its default week', async () => {
    const created = await engine.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'later', delay: '1h', url: `${engine.receiver.url}/hook` },
      { name: 'tests' },
    )
    const rows = await engine.scheduler.pool.query<{ deletion_seconds: number }>(
      `select deletion_seconds from pgboss.job where name like 'occurrence-%' and data->>'job_id' = $1`,
      [created.job.id],
    )
    assert.deepEqual(
      rows.rows.map((r) => r.deletion_seconds),
      [86_400],
    )
  })

  it('stops the retention loop with the runtime, started or not', async () => {
    const { runtime } = engine.scheduler
    runtime.retention.start()
    await runtime.retention.stop()
    await runtime.retention.stop()
  })
})
