/**
 * Failed attempts: retried with backoff and recorded one row per attempt; the error class says why
 * (HTTP status, timeout, an address the SSRF guard refuses at run time).
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { describe, it } from 'node:test'
import type { HostResolver } from '../../../src/outbound/index.ts'
import { useEngineTest } from '../../helpers/engine-test.ts'
import { executionRows, header, sleep, waitUntil } from '../../helpers/engine-wait.ts'

const actor = { name: 'tests' }

/** rebind.test resolves to whatever the test says; localhost to 127.0.0.1. Nothing leaves loopback. */
let rebindAddress = '127.0.0.1'
const lookup: HostResolver = async (hostname) => {
  if (hostname === 'rebind.test') return [{ address: rebindAddress, family: 4 }]
  if (hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }]
  throw Object.assign(new Error(`unknown test host ${hostname}`), { code: 'ENOTFOUND' })
}

const engine = useEngineTest('engine_retries', {
  // A wide cap so the doubling of the retry delay is visible (1 s, then 2 s or more).
  env: { RETRY_DELAY_SECONDS: '1', RETRY_DELAY_MAX_SECONDS: '10' },
  lookup,
})

/** A server that redirects every request to `location`, counting what it got. */
async function redirector(location: string) {
  const hits: string[] = []
  const server = createServer((req, res) => {
    hits.push(req.url ?? '')
    req.resume()
    res.writeHead(302, { Location: location })
    res.end()
  })
  engine.onCleanup(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  return { port: address.port, hits }
}

const service = () => engine.scheduler.runtime.service

async function finishedRows(jobId: string, count: number, timeoutMs = 10_000) {
  return waitUntil(
    `${count} finished executions of ${jobId}`,
    async () => {
      const rows = await executionRows(engine.scheduler.pool, jobId)
      return rows.length === count && rows.every((r) => r.status !== 'running') ? rows : null
    },
    timeoutMs,
  )
}

async function waitForJobStatus(jobId: string, status: string) {
  return waitUntil(`job ${jobId} to be ${status}`, async () => {
    const { job } = await service().getJob(jobId)
    return job.status === status ? job : null
  })
}

describe('engine retries', () => {
  it('retries a 500 twice with a growing delay and records failed, failed, succeeded as attempts 1, 2, 3', async () => {
    const target = await engine.startReceiver()
    target.respond = (_req, index) => (index < 2 ? { status: 500 } : { status: 200 })
    const { job } = await service().createJob(
      'webhook',
      { name: 'flaky', delay: '1s', max_attempts: 3, url: `${target.url}/flaky` },
      actor,
    )
    const requests = await target.waitFor(3, 12_000)
    const rows = await finishedRows(job.id, 3)
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.status, r.error_class, r.response_status]),
      [
        [1, 'failed', 'http_status', 500],
        [2, 'failed', 'http_status', 500],
        [3, 'succeeded', null, 200],
      ],
    )
    // One occurrence, one pg-boss job: every attempt carries the same ids and due time.
    assert.equal(new Set(rows.map((r) => r.boss_job_id)).size, 1)
    assert.equal(new Set(rows.map((r) => r.occurrence_at.getTime())).size, 1)
    assert.deepEqual(
      requests.map((r) => header(r, 'x-attempt')),
      ['1', '2', '3'],
    )
    assert.equal(new Set(requests.map((r) => header(r, 'x-occurrence-at'))).size, 1)
    assert.deepEqual(
      requests.map((r) => header(r, 'x-execution-id')),
      rows.map((r) => r.id),
    )
    // Backoff: about 1–2 s before the second attempt, at least the doubled 2 s before the third.
    const [a1, a2, a3] = requests.map((r) => r.at) as [number, number, number]
    const firstGap = a2 - a1
    const secondGap = a3 - a2
    assert.ok(firstGap >= 950 && firstGap < 2_600, `first retry after ${firstGap} ms`)
    assert.ok(secondGap >= 1_950, `second retry after only ${secondGap} ms (no backoff)`)
    const done = await waitForJobStatus(job.id, 'completed')
    assert.equal(done.run_count, 1, 'retries counted as runs')
  })

  it('fails a one-time job after max_attempts 2 answers of 500, with X-Attempt 1 then 2', async () => {
    const target = await engine.startReceiver()
    target.respond = () => ({ status: 500, body: '{"error":"down"}' })
    const { job } = await service().createJob(
      'webhook',
      { name: 'always 500', delay: '1s', max_attempts: 2, url: `${target.url}/down` },
      actor,
    )
    const requests = await target.waitFor(2, 8_000)
    const rows = await finishedRows(job.id, 2)
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.status, r.error_class, r.response_status]),
      [
        [1, 'failed', 'http_status', 500],
        [2, 'failed', 'http_status', 500],
      ],
    )
    assert.deepEqual(
      requests.map((r) => header(r, 'x-attempt')),
      ['1', '2'],
    )
    const failed = await waitForJobStatus(job.id, 'failed')
    assert.equal(failed.last_execution?.attempt, 2)
    assert.equal(failed.last_execution?.error?.class, 'http_status')
    // No third attempt.
    await sleep(3_000)
    assert.equal(target.requests.length, 2)
    assert.equal((await executionRows(engine.scheduler.pool, job.id)).length, 2)
  })

  it('fails an attempt whose receiver answers after timeout_seconds with error class timeout', async () => {
    const target = await engine.startReceiver()
    target.respond = () => ({ status: 200, delayMs: 3_000 })
    const { job } = await service().createJob(
      'webhook',
      {
        name: 'slow',
        delay: '1s',
        timeout_seconds: 1,
        max_attempts: 1,
        url: `${target.url}/slow`,
      },
      actor,
    )
    await target.waitFor(1, 4_000)
    const [row] = await finishedRows(job.id, 1, 6_000)
    assert.ok(row)
    assert.equal(row.status, 'failed')
    assert.equal(row.error_class, 'timeout')
    const took = (row.finished_at?.getTime() ?? 0) - row.started_at.getTime()
    assert.ok(took >= 950 && took < 2_000, `timed out after ${took} ms, not about 1 s`)
    await waitForJobStatus(job.id, 'failed')
  })

  it('records blocked when an allow-listed URL redirects to an address the allowlist does not admit', async () => {
    const { port, hits } = await redirector('http://127.0.0.2:1/internal')
    const { job } = await service().createJob(
      'webhook',
      {
        name: 'redirect to internal',
        delay: '1s',
        max_attempts: 1,
        url: `http://localhost:${port}/start`,
      },
      actor,
    )
    const [row] = await finishedRows(job.id, 1, 6_000)
    assert.ok(row)
    assert.equal(hits.length, 1, 'the allow-listed first hop was not called')
    assert.equal(row.status, 'failed')
    assert.equal(row.error_class, 'blocked')
    assert.match(row.error_message ?? '', /127\.0\.0\.2/)
    await waitForJobStatus(job.id, 'failed')
  })

  it('records blocked when the host resolves to a refused address at run time (DNS rebinding)', async () => {
    const target = await engine.startReceiver()
    const port = new URL(target.url).port
    rebindAddress = '127.0.0.1'
    const { job } = await service().createJob(
      'webhook',
      { name: 'rebinding', delay: '1s', max_attempts: 1, url: `http://rebind.test:${port}/x` },
      actor,
    )
    rebindAddress = '127.0.0.2'
    const [row] = await finishedRows(job.id, 1, 6_000)
    assert.ok(row)
    assert.equal(row.status, 'failed')
    assert.equal(row.error_class, 'blocked')
    assert.equal(target.requests.length, 0, 'the refused address was contacted')
  })
})
