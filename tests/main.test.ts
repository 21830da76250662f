import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { nodeVersionProblem } from '../src/node-version.ts'
import { createTestDatabase, type TestDatabase } from './helpers/database.ts'
import { freePort, startServerProcess, waitForHttp } from './helpers/server-process.ts'

const API_KEY = 'main-test-key-0123456789'
let database: TestDatabase

before(async () => {
  database = await createTestDatabase('main')
})
after(async () => {
  await database.drop()
})

/** The real server on a free port with a key, against this file's database. */
async function startConfiguredServer(env: Record<string, string> = {}) {
  const port = await freePort()
  return startServerProcess({
    PORT: String(port),
    DATABASE_URL: database.connectionString,
    API_KEYS: `ci:${API_KEY}`,
    HOST: '127.0.0.1',
    ...env,
  })
}

/** A Node.js older than the server needs, if this machine has one (Debian's, here). */
function oldNode(): string | null {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue
    const version = execFileSync(candidate, ['--version']).toString().trim()
    if (nodeVersionProblem(version)) return candidate
  }
  return null
}

describe('main', () => {
  it('exits 1 naming the variable when the configuration is invalid', async () => {
    const server = startServerProcess({ PORT: 'eighty', DATABASE_URL: database.connectionString })
    assert.equal(await server.exited, 1)
    assert.match(server.output(), /PORT: must be a whole number/)
  })

  it('starts, migrates, serves tools and exits 0 on SIGTERM', async () => {
    const server = await startConfiguredServer()
    try {
      await waitForHttp(`${server.baseUrl}/healthz`)
      // Ready once the dispatch loop has completed its first pass (moments after listening).
      const deadline = Date.now() + 10_000
      let ready = await fetch(`${server.baseUrl}/readyz`)
      while (ready.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        ready = await fetch(`${server.baseUrl}/readyz`)
      }
      assert.equal(ready.status, 200, server.output())
      const time = await fetch(`${server.baseUrl}/time`, {
        headers: { Authorization: `Bearer ${API_KEY}` },
      })
      assert.equal(time.status, 200)
      const anonymous = await fetch(`${server.baseUrl}/time`)
      assert.equal(anonymous.status, 401)
    } finally {
      server.child.kill('SIGTERM')
    }
    assert.equal(await server.exited, 0, server.output())
    assert.match(server.output(), /shutdown complete/)
    assert.doesNotMatch(server.output(), new RegExp(API_KEY))
  })

  it('treats a signal relayed twice in the same second as one request and still exits 0', async () => {
    const server = await startConfiguredServer()
    await waitForHttp(`${server.baseUrl}/healthz`)
    // What Ctrl-C under npm does: the terminal and npm both deliver SIGINT.
    server.child.kill('SIGINT')
    server.child.kill('SIGINT')
    assert.equal(await server.exited, 0, server.output())
    assert.match(server.output(), /shutdown complete/)
    assert.doesNotMatch(server.output(), /second signal/)
  })

  it('finishes an in-flight request before exiting on SIGTERM', async () => {
    const server = await startConfiguredServer()
    await waitForHttp(`${server.baseUrl}/healthz`)
    // A request whose body arrives slowly is in flight when the signal lands.
    const response = new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.baseUrl}/time`,
        { method: 'GET', headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Length': '2' } },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.on('error', reject)
      req.write('{')
      setTimeout(() => {
        server.child.kill('SIGTERM')
        setTimeout(() => req.end('}'), 300)
      }, 300)
    })
    assert.equal(await response, 200)
    assert.equal(await server.exited, 0, server.output())
  })

  it('exits soon after its last request on SIGTERM, though the client keeps its connection alive', async () => {
    const server = await startConfiguredServer({ SHUTDOWN_TIMEOUT_MS: '8000' })
    await waitForHttp(`${server.baseUrl}/healthz`)
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    let signalledAt = 0
    // The request's body is still arriving when the signal lands; its connection is idle (and
    // kept alive) only once the body is in.
    const answer = new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        `${server.baseUrl}/time`,
        { agent, headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Length': '2' } },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode))
        },
      )
      req.on('error', reject)
      req.write('{')
      setTimeout(() => {
        signalledAt = Date.now()
        server.child.kill('SIGTERM')
        setTimeout(() => req.end('}'), 300)
      }, 300)
    })
    assert.equal(await answer, 200)
    assert.equal(await server.exited, 0, server.output())
    const tookMs = Date.now() - signalledAt
    agent.destroy()
    assert.ok(tookMs < 5_000, `exit took ${tookMs} ms (SHUTDOWN_TIMEOUT_MS is 8000)`)
  })

  it('stops with what to install on a Node.js older than it needs', {
    skip: oldNode() === null && 'no Node.js older than the minimum on this machine',
  }, () => {
    const node = oldNode() as string
    let output = ''
    try {
      execFileSync(node, ['--import', 'tsx', 'src/main.ts'], {
        cwd: new URL('..', import.meta.url),
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.connectionString },
        stdio: 'pipe',
      })
      assert.fail('the server started on an old Node.js')
    } catch (err) {
      const failed = err as { status: number; stderr: Buffer }
      assert.equal(failed.status, 1)
      output = String(failed.stderr)
    }
    assert.match(output, /needs Node\.js 22\.19\.0 or newer/)
    assert.doesNotMatch(output, /undici| {4}at /)
  })

  it('listens on 127.0.0.1 and warns loudly when API_KEYS is empty', async () => {
    const port = await freePort()
    const server = startServerProcess({
      PORT: String(port),
      DATABASE_URL: database.connectionString,
    })
    try {
      await waitForHttp(`${server.baseUrl}/healthz`)
      assert.match(server.output(), /API_KEYS is empty/)
      assert.match(server.output(), /"host":"127.0.0.1"/)
    } finally {
      server.child.kill('SIGTERM')
    }
    assert.equal(await server.exited, 0)
  })

  it('exits 1 when the database never becomes reachable', { timeout: 90_000 }, async () => {
    const port = await freePort()
    const server = startServerProcess({
      PORT: String(port),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      DATABASE_STARTUP_TIMEOUT_MS: '1500',
    })
    assert.equal(await server.exited, 1)
    assert.match(server.output(), /did not answer within/)
  })
})
