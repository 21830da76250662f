import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { header, sleep } from '../../helpers/engine-wait.ts'

// A replica that plans but runs nothing: as if every worker were down.
const engine = useEngineTest('engine_catch_up', { env: { WORKERS_ENABLED: 'false' } })

describe('runs missed while no worker was up', () => {
  it('are coalesced into one late run, after which the schedule continues on its rhythm', async () => {
    const { job } = await engine.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'every second', every: '1s', url: `${engine.receiver.url}/tick`, max_runs: 10 },
      { name: 'tests' },
    )
    const firstDue = new Date(job.next_run_at ?? '').getTime()
    // Three more occurrences fall due while nothing runs.
    await sleep(Math.max(0, firstDue - Date.now()) + 3_300)
    const workerStartedAt = Date.now()
    await engine.startScheduler('engine_catch_up_worker', { database: engine.scheduler.database })
    await engine.receiver.waitFor(3, 6_000)
    const [late, second, third] = engine.receiver.requests
    assert.ok(late && second && third)
    // The missed occurrence runs once, late; the next ones keep the 1 s rhythm from the start.
    assert.equal(header(late, 'x-occurrence-at'), new Date(firstDue).toISOString())
    const secondDue = new Date(header(second, 'x-occurrence-at')).getTime()
    const thirdDue = new Date(header(third, 'x-occurrence-at')).getTime()
    assert.ok(secondDue > late.at - 50, 'the next run is not another missed one')
    assert.equal((secondDue - firstDue) % 1_000, 0, 'still anchored on the first run')
    assert.equal(thirdDue - secondDue, 1_000)
    // No burst of catch-up calls: of the four occurrences due before the worker came up, one ran.
    // (How soon the next one follows depends on where in its second the late run was claimed.)
    const missedRuns = engine.receiver.requests.filter(
      (r) => Date.parse(header(r, 'x-occurrence-at')) < workerStartedAt,
    )
    assert.equal(missedRuns.length, 1, 'no burst of catch-up calls')
  })
})
