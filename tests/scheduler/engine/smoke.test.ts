import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'

const engine = useEngineTest('engine_smoke')

describe('engine smoke', () => {
  it('fires a delayed webhook once, on time, and records it', async () => {
    const created = await engine.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'ping', delay: '2s', url: `${engine.receiver.url}/hook`, body: '{"a":1}' },
      { name: 'tests' },
    )
    const [request] = await engine.receiver.waitFor(1, 8_000)
    const due = new Date(created.job.next_run_at ?? '').getTime()
    assert.ok(request)
    assert.equal(request.headers['x-job-id'], created.job.id)
    assert.equal(request.body, '{"a":1}')
    console.log('lateness ms', request.at - due)
    await new Promise((r) => setTimeout(r, 500))
    const job = await engine.scheduler.runtime.service.getJob(created.job.id)
    assert.equal(job.job.status, 'completed')
    const list = await engine.scheduler.runtime.service.listExecutions(created.job.id, {})
    assert.equal(list.executions.length, 1)
    console.log(list.executions[0])
  })
})
