import assert from 'node:assert/strict'
import { Agent, get, type Server } from 'node:http'
import { describe, it } from 'node:test'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createShutdown } from '../src/shutdown.ts'
import { captureLogs } from './helpers/log-capture.ts'

/** A server whose /slow answers after 400 ms, drained by a shutdown with a long timeout. */
async function startServer(timeoutMs = 10_000) {
  const stopped: string[] = []
  const shutdown = createShutdown({
    steps: [{ name: 'pool', stop: async () => void stopped.push('pool') }],
    timeoutMs,
    logger: captureLogs().logger,
  })
  const app = new Hono()
  app.get('/slow', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 400))
    return c.text('done')
  })
  app.get('/fast', (c) => c.text('ok'))
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise((resolve) => server.once('listening', resolve))
  shutdown.serve(server)
  const { port } = server.address() as { port: number }
  return { server, shutdown, port, stopped }
}

function request(port: number, path: string, agent: Agent) {
  return new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume()
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
      )
    }).on('error', reject)
  })
}

describe('createShutdown', () => {
  it('fails its readiness check from the moment the shutdown starts', async () => {
    const { shutdown } = await startServer()
    await shutdown.readiness.check()
    const done = shutdown.run('test')
    await assert.rejects(shutdown.readiness.check(), /shutting down/)
    await done
  })

  it('closes keep-alive connections once their requests are done, not at the timeout', async () => {
    const { server, shutdown, port, stopped } = await startServer(10_000)
    const agent = new Agent({ keepAlive: true, maxSockets: 4 })
    // One connection left idle, one with a request in flight when the signal comes.
    assert.equal((await request(port, '/fast', agent)).connection, 'keep-alive')
    const inFlight = request(port, '/slow', agent)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = Date.now()
    const done = shutdown.run('SIGTERM')
    const answer = await inFlight
    assert.equal(answer.status, 200)
    assert.equal(answer.connection, 'close', 'the client is told not to reuse the connection')
    await done
    const tookMs = Date.now() - started
    assert.ok(tookMs < 2_000, `shutdown took ${tookMs} ms with a 10 s timeout`)
    assert.equal(server.listening, false)
    assert.deepEqual(stopped, ['pool'])
    agent.destroy()
  })

  it('still closes connections whose requests outlast the timeout', async () => {
    const { shutdown, port } = await startServer(150)
    const agent = new Agent({ keepAlive: true })
    const inFlight = request(port, '/slow', agent).catch((err: Error) => err)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await shutdown.run('SIGTERM')
    assert.ok(Date.now() - started < 1_000)
    assert.ok((await inFlight) instanceof Error, 'the slow request was cut')
    agent.destroy()
  })
})
