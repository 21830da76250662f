import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { serve } from '@hono/node-server'
import { buildTestApp } from '../helpers/app.ts'

const LIMIT_BYTES = 1024
/** Well past what the server reads before answering, so the rest is still on the wire. */
const OVERSIZED_BYTES = 256 * 1024

let server: ReturnType<typeof serve>
let port: number

before(async () => {
  const { app } = buildTestApp({ env: { BODY_LIMIT_BYTES: String(LIMIT_BYTES) } })
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  port = (server.address() as AddressInfo).port
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

interface Connection {
  socket: net.Socket
  /** Resolves with the next complete response (head and body by Content-Length). */
  nextResponse(): Promise<{ head: string; body: string }>
  closed: Promise<void>
}

async function connect(): Promise<Connection> {
  const socket = net.connect(port, '127.0.0.1')
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  socket.on('error', () => {}) // EPIPE/ECONNRESET while the rest of a refused body is written
  let buffer = ''
  let waiting: (() => void) | null = null
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1')
    waiting?.()
  })
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  async function nextResponse() {
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n')
      if (end >= 0) {
        const head = buffer.slice(0, end)
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
        if (buffer.length >= end + 4 + length) {
          const body = buffer.slice(end + 4, end + 4 + length)
          buffer = buffer.slice(end + 4 + length)
          return { head, body }
        }
      }
      const more = new Promise<void>((resolve) => {
        waiting = resolve
      })
      const gone = closed.then(() => {
        throw new Error(
          `connection closed before a complete response; got ${JSON.stringify(buffer.slice(0, 200))}`,
        )
      })
      await Promise.race([more, gone])
    }
  }
  return { socket, nextResponse, closed }
}

function oversizedRequest(): string {
  const body = 'x'.repeat(OVERSIZED_BYTES)
  return `POST /jobs/webhook HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
}

const health = 'GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n'

describe('a request body over BODY_LIMIT_BYTES', () => {
  // Former defect (issue 14): the 413 said keep-alive, then the server dropped the socket half a
  // second later, so the next request a client sent on that connection failed.
  it('gets a 413 that says Connection: close, and the server then closes that connection', async () => {
    const connection = await connect()
    connection.socket.write(oversizedRequest())
    const first = await connection.nextResponse()
    assert.match(first.head, /^HTTP\/1\.1 413 /)
    assert.match(first.head, /\r\nconnection: close/i)
    assert.doesNotMatch(first.head, /keep-alive/i)
    assert.match(JSON.parse(first.body).detail, /larger than 1024 bytes/)
    await connection.closed
  })

  it('leaves no request on a kept-alive connection to fail: the next one on a new connection succeeds', async () => {
    const connection = await connect()
    connection.socket.write(oversizedRequest())
    const first = await connection.nextResponse()
    assert.match(first.head, / 413 /)
    // A client honours Connection: close by opening a new connection for its next request.
    const keepAlive = /\r\nconnection: close/i.test(first.head) ? await connect() : connection
    keepAlive.socket.write(health)
    const second = await keepAlive.nextResponse()
    assert.match(second.head, /^HTTP\/1\.1 200 /)
    keepAlive.socket.destroy()
    connection.socket.destroy()
  })

  it('keeps the connection for small requests: two requests on one keep-alive connection', async () => {
    const connection = await connect()
    connection.socket.write(health)
    assert.match((await connection.nextResponse()).head, / 200 /)
    connection.socket.write(health)
    assert.match((await connection.nextResponse()).head, / 200 /)
    connection.socket.destroy()
  })
})
