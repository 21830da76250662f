/**
 * A process's lease (lease.ts): taken at start, renewed several times per period, how long it has been
 * held without a gap (what lets a sweeper judge others, L2), and its end at stop.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { runMigrations } from '../../../src/db/migrate.ts'
import { createPool } from '../../../src/db/pool.ts'
import { createProcessLease } from '../../../src/scheduler/engine/lease.ts'
import {
  adminConnectionString,
  createTestDatabase,
  type TestDatabase,
} from '../../helpers/database.ts'
import { sleep, waitUntil } from '../../helpers/engine-wait.ts'
import { captureLogs } from '../../helpers/log-capture.ts'
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.ts'

let database: TestDatabase
let direct: pg.Pool
let proxy: TcpProxy
let throughProxy: pg.Pool
const logs = captureLogs()

before(async () => {
  database = await createTestDatabase('engine_lease')
  direct = new pg.Pool({ connectionString: database.connectionString })
  await runMigrations(direct, logs.logger)
  const admin = new URL(adminConnectionString())
  proxy = await startTcpProxy(admin.hostname, Number(admin.port || 5432))
  const viaProxy = new URL(database.connectionString)
  viaProxy.hostname = '127.0.0.1'
  viaProxy.port = String(proxy.port)
  throughProxy = createPool({
    connectionString: viaProxy.toString(),
    logger: logs.logger,
  })
})
after(async () => {
  await throughProxy.end()
  await proxy.close()
  await direct.end()
  await database.drop()
})

async function expiresInMs(processId: string): Promise<number | null> {
  const result = await direct.query<{ ms: number }>(
    `select extract(epoch from expires_at - now()) * 1000 as ms from engine_processes where id = $1`,
    [processId],
  )
  return result.rows[0] ? Number(result.rows[0].ms) : null
}

describe('createProcessLease', () => {
  it('takes the lease at start and keeps it a period ahead, renewing several times per period', async () => {
    const lease = createProcessLease({ pool: direct, logger: logs.logger, periodSeconds: 2 })
    await lease.start()
    try {
      const first = await expiresInMs(lease.processId)
      assert.ok(first !== null && first > 1_500 && first <= 2_000, `expires in ${first} ms`)
      await sleep(1_200)
      // Renewed every 500 ms: never more than one renewal interval plus a round trip behind.
      const later = await expiresInMs(lease.processId)
      assert.ok(later !== null && later > 1_200, `renewed: expires in ${later} ms`)
      assert.ok(lease.heldForMs() >= 1_200)
    } finally {
      await lease.stop(true)
    }
    assert.equal(await expiresInMs(lease.processId), null, 'released at stop')
  })

  it('leaves the lease to lapse when stopped without release', async () => {
    const lease = createProcessLease({ pool: direct, logger: logs.logger, periodSeconds: 2 })
    await lease.start()
    await lease.stop(false)
    const left = await expiresInMs(lease.processId)
    assert.ok(left !== null && left > 0)
  })

  it('counts how long it was held from the first renewal after a failed one', async () => {
    const lease = createProcessLease({ pool: throughProxy, logger: logs.logger, periodSeconds: 1 })
    await lease.start()
    try {
      await sleep(600)
      assert.ok(lease.heldForMs() >= 500)
      await proxy.cut()
      await waitUntil('a failed renewal', () => lease.heldForMs() === 0, 5_000, 20)
      await sleep(600)
      assert.equal(lease.heldForMs(), 0, 'nothing is held while renewals fail')
      await proxy.restore()
      await waitUntil('a renewal after the outage', () => lease.heldForMs() > 0, 5_000, 20)
      assert.ok(lease.heldForMs() < 600, 'held again only since the outage ended')
      assert.match(logs.text(), /could not renew the engine lease/)
    } finally {
      await proxy.restore()
      await lease.stop(true)
    }
  })
})
