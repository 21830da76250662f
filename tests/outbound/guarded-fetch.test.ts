import assert from 'node:assert/strict'
import { subscribe } from 'node:diagnostics_channel'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, beforeEach, describe, it } from 'node:test'
import {
  assertUrlAllowed,
  createAddressPolicy,
  createOutboundClient,
  type HostResolver,
  type OutboundClient,
  OutboundError,
  type OutboundErrorKind,
} from '../../src/outbound/index.ts'

// Every TCP connection attempt made by this process, recorded before any packet is sent.
const attempts: string[] = []
subscribe('net.client.socket', (message) => {
  const { socket } = message as { socket: Socket }
  socket.on('connectionAttempt', (ip: string, port: number) => attempts.push(`${ip}:${port}`))
})

interface Recorded {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

interface TestServer {
  port: number
  origin: string
  requests: Recorded[]
  readonly connections: number
  close(): Promise<void>
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

const servers: TestServer[] = []
const clients: OutboundClient[] = []

async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = []
  let connections = 0
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    })
    handler(req, res)
  })
  server.on('connection', () => {
    connections++
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const testServer: TestServer = {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  servers.push(testServer)
  return testServer
}

/** Polls `condition` every 10 ms for up to 2 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met within 2 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A port with nothing listening on it. */
async function freePort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function client(allowlist: string[] = [], lookup?: HostResolver): OutboundClient {
  const created = createOutboundClient({
    policy: createAddressPolicy({ allowlist }),
    userAgent: 'agent-tool-server-test/1.0',
    lookup,
  })
  clients.push(created)
  return created
}

/** Delays the response by `ms`, cancelling the timer when the client goes away. */
function slow(ms: number): Handler {
  return (_req, res) => {
    const timer = setTimeout(() => res.end('late'), ms)
    res.on('close', () => clearTimeout(timer))
  }
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: OutboundErrorKind,
): Promise<OutboundError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof OutboundError, `expected OutboundError, got ${String(error)}`)
    assert.equal(error.kind, kind, error.message)
    return error
  }
  assert.fail(`expected an OutboundError of kind ${kind}`)
}

beforeEach(() => {
  attempts.length = 0
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe('guarded fetch responses', () => {
  it('sends method, headers and body and returns status, useful headers and body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(201, {
        'content-type': 'application/json',
        'x-request-id': 'req-42',
        'x-internal-detail': 'not surfaced',
      })
      res.end('{"ok":true}')
    })
    const result = await client(['127.0.0.1/32']).request({
      url: `${server.origin}/hook?x=1`,
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: 'Bearer secret',
        'User-Agent': 'spoofed',
      },
      body: '{"hello":"world"}',
      timeoutMs: 2000,
    })
    assert.equal(result.status, 201)
    assert.equal(result.body, '{"ok":true}')
    assert.equal(result.bodyTruncated, false)
    assert.equal(result.finalUrl, `${server.origin}/hook?x=1`)
    assert.equal(result.headers['content-type'], 'application/json')
    assert.equal(result.headers['x-request-id'], 'req-42')
    assert.equal(result.headers['x-internal-detail'], undefined)
    assert.ok(result.durationMs >= 0)
    const [received] = server.requests
    assert.equal(received?.method, 'POST')
    assert.equal(received?.url, '/hook?x=1')
    assert.equal(received?.body, '{"hello":"world"}')
    assert.equal(received?.headers.authorization, 'Bearer secret')
    assert.equal(received?.headers['content-type'], 'application/json')
    assert.equal(received?.headers['user-agent'], 'agent-tool-server-test/1.0')
  })

  it('truncates the body at the default 16 KiB limit and flags it', async () => {
    const server = await startServer((_req, res) => res.end('a'.repeat(40_000)))
    const result = await client(['127.0.0.1/32']).request({
      url: server.origin,
      method: 'GET',
      timeoutMs: 2000,
    })
    assert.equal(result.body.length, 16 * 1024)
    assert.equal(result.bodyTruncated, true)
  })

  it('does not flag a body that is exactly the limit as truncated', async () => {
    const server = await startServer((_req, res) => res.end('0123456789'))
    const result = await client(['127.0.0.1/32']).request({
      url: server.origin,
      method: 'GET',
      timeoutMs: 2000,
      maxResponseBytes: 10,
    })
    assert.equal(result.body, '0123456789')
    assert.equal(result.bodyTruncated, false)
  })

  it('reads a chunked body without a declared length up to the limit', async () => {
    const server = await startServer((_req, res) => {
      res.write('first,')
      setTimeout(() => res.end('second'), 20)
    })
    const whole = await client(['127.0.0.1/32']).request({
      url: server.origin,
      method: 'GET',
      timeoutMs: 2000,
    })
    assert.equal(whole.body, 'first,second')
    assert.equal(whole.bodyTruncated, false)
    const cut = await client(['127.0.0.1/32']).request({
      url: server.origin,
      method: 'GET',
      timeoutMs: 2000,
      maxResponseBytes: 8,
    })
    assert.equal(cut.body, 'first,se')
    assert.equal(cut.bodyTruncated, true)
  })

  it('stops downloading a long body once it has the limit, and closes only that connection', async () => {
    let serverSawClose = false
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      // 100 KiB now, then more every 10 ms for ever: only closing the connection ends it.
      res.write('x'.repeat(100 * 1024))
      const timer = setInterval(() => res.write('y'.repeat(1024)), 10)
      res.on('close', () => {
        serverSawClose = true
        clearInterval(timer)
      })
    })
    const outbound = client(['127.0.0.1/32'])
    const started = Date.now()
    const result = await outbound.request({
      url: server.origin,
      method: 'GET',
      timeoutMs: 5000,
      maxResponseBytes: 1000,
    })
    assert.ok(Date.now() - started < 2000)
    assert.equal(result.body, 'x'.repeat(1000))
    assert.equal(result.bodyTruncated, true)
    await waitFor(() => serverSawClose)
  })

  it('returns a byte-order mark as sent, with or without a declared length', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf])
    const server = await startServer((req, res) => {
      if (req.url === '/chunked') {
        res.write(bom)
        res.end('{"ok":true}')
      } else res.end(Buffer.concat([bom, Buffer.from('{"ok":true}')]))
    })
    for (const path of ['/declared', '/chunked']) {
      const result = await client(['127.0.0.1/32']).request({
        url: `${server.origin}${path}`,
        method: 'GET',
        timeoutMs: 2000,
      })
      assert.equal(result.body, '\ufeff{"ok":true}', path)
    }
  })

  it('keeps calling the right URL after more distinct URLs than its parse cache holds', async () => {
    const server = await startServer((req, res) => res.end(req.url))
    const outbound = client(['127.0.0.1/32'])
    const paths = Array.from({ length: 1_010 }, (_, i) => `/n/${i}?q=${i}`)
    for (const path of [...paths, paths[0], paths[1_009]]) {
      const result = await outbound.request({
        url: `${server.origin}${path}`,
        method: 'GET',
        timeoutMs: 2000,
      })
      assert.equal(result.body, path)
    }
  })

  it('skips informational responses and returns the final one', async () => {
    const server = await startServer((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' })
      res.writeHead(201, { 'content-type': 'text/plain' })
      res.end('created')
    })
    const result = await client(['127.0.0.1/32']).request({
      url: server.origin,
      method: 'POST',
      body: 'x',
      timeoutMs: 2000,
    })
    assert.equal(result.status, 201)
    assert.equal(result.body, 'created')
  })

  it('cuts a truncated body on a UTF-8 character boundary', async () => {
    const server = await startServer((_req, res) => res.end('ééééé'))
    const result = await client(['127.0.0.1/32']).request({
      url: server.origin,
      method: 'GET',
      timeoutMs: 2000,
      maxResponseBytes: 3,
    })
    assert.equal(result.body, 'é')
    assert.equal(result.bodyTruncated, true)
  })

  it('returns a non-2xx response as a result instead of throwing', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(503, { 'retry-after': '30', 'content-type': 'text/plain' })
      res.end('try later')
    })
    const result = await client(['127.0.0.1/32']).request({
      url: server.origin,
      method: 'GET',
      timeoutMs: 2000,
    })
    assert.equal(result.status, 503)
    assert.equal(result.headers['retry-after'], '30')
    assert.equal(result.body, 'try later')
  })
})

describe('guarded fetch failures', () => {
  it('times out on a server that answers after 2 s when the timeout is 200 ms', async () => {
    const server = await startServer(slow(2000))
    const started = Date.now()
    const error = await rejectsWith(
      client(['127.0.0.1/32']).request({ url: server.origin, method: 'GET', timeoutMs: 200 }),
      'timeout',
    )
    assert.ok(Date.now() - started < 1500)
    assert.match(error.message, /200 ms/)
  })

  it('counts reading a stalled body against the timeout', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('partial')
      const timer = setTimeout(() => res.end('rest'), 2000)
      res.on('close', () => clearTimeout(timer))
    })
    await rejectsWith(
      client(['127.0.0.1/32']).request({ url: server.origin, method: 'GET', timeoutMs: 300 }),
      'timeout',
    )
  })

  it('reports a refused connection as a network error', async () => {
    const port = await freePort()
    const error = await rejectsWith(
      client(['127.0.0.1/32']).request({
        url: `http://127.0.0.1:${port}/`,
        method: 'GET',
        timeoutMs: 2000,
      }),
      'network',
    )
    assert.match(error.message, /ECONNREFUSED/)
  })

  /** A request to a slow server that the caller aborts after 50 ms with `reason`. */
  async function abortedRequest(reason?: unknown) {
    const server = await startServer(slow(2000))
    const controller = new AbortController()
    setTimeout(() => controller.abort(reason), 50)
    return rejectsWith(
      client(['127.0.0.1/32']).request({
        url: server.origin,
        method: 'GET',
        timeoutMs: 5000,
        signal: controller.signal,
      }),
      'aborted',
    )
  }

  it('reports a caller abort as aborted', async () => {
    await abortedRequest()
  })

  it("keeps the caller's abort reason as the cause", async () => {
    const reason = new Error('the user left')
    const error = await abortedRequest(reason)
    assert.equal(error.cause, reason)
  })

  it('times out while still connecting, and closing does not wait for that connection', async () => {
    const server = await startServer((_req, res) => res.end('ok'))
    const slowDns: HostResolver = async () => {
      await new Promise((resolve) => setTimeout(resolve, 800))
      return [{ address: '127.0.0.1', family: 4 }]
    }
    const outbound = client(['slow.test'], slowDns)
    const started = Date.now()
    await rejectsWith(
      outbound.request({ url: `http://slow.test:${server.port}/`, method: 'GET', timeoutMs: 100 }),
      'timeout',
    )
    assert.ok(Date.now() - started < 600)
    const closing = Date.now()
    await outbound.close()
    assert.ok(Date.now() - closing < 300, 'close() waited for the abandoned connect')
    // The connect itself may still complete once DNS answers; nothing is ever sent on it.
    await new Promise((resolve) => setTimeout(resolve, 900))
    assert.equal(server.requests.length, 0)
  })

  it('refuses a timeout longer than a timer can wait', async () => {
    await assert.rejects(
      client(['127.0.0.1/32']).request({
        url: 'http://127.0.0.1:9/',
        method: 'GET',
        timeoutMs: 2 ** 31,
      }),
      RangeError,
    )
  })

  it('reports an already aborted signal as aborted without connecting', async () => {
    const server = await startServer((_req, res) => res.end('ok'))
    await rejectsWith(
      client(['127.0.0.1/32']).request({
        url: server.origin,
        method: 'GET',
        timeoutMs: 5000,
        signal: AbortSignal.abort(),
      }),
      'aborted',
    )
    assert.equal(server.connections, 0)
  })

  for (const url of [
    'file:///etc/passwd',
    'ftp://example.com/file',
    'javascript:alert(1)',
    'not a url',
    'http://user:secret@example.com/',
  ]) {
    it(`rejects ${url} as invalid_url without any network traffic`, async () => {
      const error = await rejectsWith(
        client().request({ url, method: 'GET', timeoutMs: 500 }),
        'invalid_url',
      )
      assert.ok(!error.message.includes('secret'))
      assert.deepEqual(attempts, [])
    })
  }
})

describe('guarded fetch address guard', () => {
  it('refuses loopback targets that are not allow-listed before connecting', async () => {
    const server = await startServer((_req, res) => res.end('should not be reached'))
    const http1 = client()
    for (const url of [
      `http://127.0.0.1:${server.port}/`,
      `http://localhost:${server.port}/`,
      `http://[::ffff:127.0.0.1]:${server.port}/`,
      `http://[::1]:${server.port}/`,
    ]) {
      const error = await rejectsWith(
        http1.request({ url, method: 'GET', timeoutMs: 500 }),
        'blocked',
      )
      assert.match(error.message, /loopback address/)
    }
    assert.equal(server.connections, 0)
    assert.equal(server.requests.length, 0)
    assert.deepEqual(attempts, [])
  })

  for (const host of ['10.0.0.1', '169.254.169.254', '192.168.1.1', '[fd00:ec2::254]']) {
    it(`refuses the literal address ${host} without opening a socket`, async () => {
      await rejectsWith(
        client().request({ url: `http://${host}/latest`, method: 'GET', timeoutMs: 300 }),
        'blocked',
      )
      assert.deepEqual(attempts, [])
    })
  }

  it('connects to loopback when 127.0.0.1/32 is allow-listed', async () => {
    const server = await startServer((_req, res) => res.end('hi'))
    const result = await client(['127.0.0.1/32']).request({
      url: `http://127.0.0.1:${server.port}/`,
      method: 'GET',
      timeoutMs: 2000,
    })
    assert.equal(result.body, 'hi')
  })

  it('connects to localhost when the hostname localhost is allow-listed', async () => {
    const server = await startServer((_req, res) => res.end('hi'))
    const result = await client(['localhost']).request({
      url: `http://localhost:${server.port}/`,
      method: 'GET',
      timeoutMs: 2000,
    })
    assert.equal(result.body, 'hi')
  })

  it('blocks a DNS rebinding answer at connect time even though the pre-check passed', async () => {
    const answers = ['8.8.8.8', '10.0.0.1']
    const asked: string[] = []
    const rebinding: HostResolver = async (hostname) => {
      asked.push(hostname)
      const address = answers.shift() ?? '10.0.0.1'
      return [{ address, family: 4 }]
    }
    const policy = createAddressPolicy()
    const check = await assertUrlAllowed('http://rebind.test/hook', policy, rebinding)
    assert.deepEqual(check.addresses, ['8.8.8.8'])

    const started = Date.now()
    const error = await rejectsWith(
      client([], rebinding).request({
        url: 'http://rebind.test/hook',
        method: 'GET',
        timeoutMs: 500,
      }),
      'blocked',
    )
    assert.match(error.message, /rebind\.test resolves to private address 10\.0\.0\.1/)
    assert.deepEqual(asked, ['rebind.test', 'rebind.test'])
    assert.deepEqual(attempts, [])
    assert.ok(Date.now() - started < 400, 'refused immediately, not by the timeout')
  })

  it('connects only to the allowed address when a name resolves to allowed and blocked ones', async () => {
    const server = await startServer((_req, res) => res.end('reached'))
    const mixed: HostResolver = async () => [
      { address: '10.0.0.1', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ]
    const result = await client(['127.0.0.1/32'], mixed).request({
      url: `http://mixed.test:${server.port}/`,
      method: 'GET',
      timeoutMs: 2000,
    })
    assert.equal(result.body, 'reached')
    assert.deepEqual(attempts, [`127.0.0.1:${server.port}`])
  })
})

describe('guarded fetch redirects', () => {
  it('refuses a redirect from an allow-listed hostname to a loopback address that is not allow-listed', async () => {
    const target = await startServer((_req, res) => res.end('internal secret'))
    const entry = await startServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/admin` })
      res.end()
    })
    const error = await rejectsWith(
      client(['localhost']).request({
        url: `http://localhost:${entry.port}/start`,
        method: 'GET',
        timeoutMs: 2000,
      }),
      'blocked',
    )
    assert.match(error.message, /loopback address 127\.0\.0\.1/)
    assert.equal(entry.requests.length, 1, 'the first hop was allowed and made')
    assert.equal(target.connections, 0, 'the redirect target was never contacted')
  })

  it('follows the same redirect when the target address is allow-listed too', async () => {
    const target = await startServer((_req, res) => res.end('internal ok'))
    const entry = await startServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/admin` })
      res.end()
    })
    const result = await client(['localhost', '127.0.0.1/32']).request({
      url: `http://localhost:${entry.port}/start`,
      method: 'GET',
      timeoutMs: 2000,
    })
    assert.equal(result.body, 'internal ok')
    assert.equal(result.finalUrl, `http://127.0.0.1:${target.port}/admin`)
  })

  it('fails with too_many_redirects once the redirect limit is exceeded', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(302, { location: `${req.url}x` })
      res.end()
    })
    await rejectsWith(
      client(['127.0.0.1/32']).request({
        url: `${server.origin}/r`,
        method: 'GET',
        timeoutMs: 2000,
        maxRedirects: 3,
      }),
      'too_many_redirects',
    )
    assert.deepEqual(
      server.requests.map((r) => r.url),
      ['/r', '/rx', '/rxx', '/rxxx'],
    )
  })

  it('follows up to the redirect limit and returns the final response', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/3') res.end('done')
      else {
        res.writeHead(307, { location: `/${Number(req.url?.slice(1)) + 1}` })
        res.end()
      }
    })
    const result = await client(['127.0.0.1/32']).request({
      url: `${server.origin}/0`,
      method: 'GET',
      timeoutMs: 2000,
      maxRedirects: 3,
    })
    assert.equal(result.body, 'done')
    assert.equal(result.finalUrl, `${server.origin}/3`)
  })

  it('drops Authorization and custom headers on a cross-origin redirect but keeps the body for 307', async () => {
    const other = await startServer((_req, res) => res.end('other'))
    const first = await startServer((_req, res) => {
      res.writeHead(307, { location: `${other.origin}/landing` })
      res.end()
    })
    await client(['127.0.0.1/32']).request({
      url: `${first.origin}/start`,
      method: 'POST',
      headers: {
        Authorization: 'Bearer secret',
        'X-Api-Key': 'key',
        Cookie: 'a=b',
        'Content-Type': 'text/plain',
      },
      body: 'payload',
      timeoutMs: 2000,
    })
    assert.equal(first.requests[0]?.headers.authorization, 'Bearer secret')
    const landed = other.requests[0]
    assert.equal(landed?.method, 'POST')
    assert.equal(landed?.body, 'payload')
    assert.equal(landed?.headers['content-type'], 'text/plain')
    assert.equal(landed?.headers.authorization, undefined)
    assert.equal(landed?.headers['x-api-key'], undefined)
    assert.equal(landed?.headers.cookie, undefined)
  })

  it('keeps Authorization on a same-origin redirect', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/start') {
        res.writeHead(301, { location: '/next' })
        res.end()
      } else res.end('ok')
    })
    await client(['127.0.0.1/32']).request({
      url: `${server.origin}/start`,
      method: 'GET',
      headers: { Authorization: 'Bearer secret' },
      timeoutMs: 2000,
    })
    assert.equal(server.requests[1]?.headers.authorization, 'Bearer secret')
  })

  const METHOD_RULES: ReadonlyArray<readonly [status: number, from: 'POST' | 'PUT', to: string]> = [
    [301, 'POST', 'GET'],
    [302, 'POST', 'GET'],
    [303, 'POST', 'GET'],
    [303, 'PUT', 'GET'],
    [302, 'PUT', 'PUT'],
    [307, 'POST', 'POST'],
    [308, 'POST', 'POST'],
  ]

  for (const [status, from, to] of METHOD_RULES) {
    it(`turns ${from} into ${to} on a ${status} redirect`, async () => {
      const server = await startServer((req, res) => {
        if (req.url === '/start') {
          res.writeHead(status, { location: '/done' })
          res.end()
        } else res.end('done')
      })
      await client(['127.0.0.1/32']).request({
        url: `${server.origin}/start`,
        method: from,
        headers: { 'Content-Type': 'application/json' },
        body: '{"a":1}',
        timeoutMs: 2000,
      })
      const done = server.requests[1]
      assert.equal(done?.method, to)
      if (to === 'GET') {
        assert.equal(done?.body, '')
        assert.equal(done?.headers['content-type'], undefined)
      } else {
        assert.equal(done?.body, '{"a":1}')
        assert.equal(done?.headers['content-type'], 'application/json')
      }
    })
  }

  it('rejects a redirect to a non-http scheme as invalid_url', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location: 'file:///etc/passwd' })
      res.end()
    })
    await rejectsWith(
      client(['127.0.0.1/32']).request({ url: server.origin, method: 'GET', timeoutMs: 2000 }),
      'invalid_url',
    )
  })
})

describe('assertUrlAllowed pre-check', () => {
  const policy = createAddressPolicy()

  it('rejects the cloud metadata address with a reason', async () => {
    const error = await rejectsWith(
      assertUrlAllowed('http://169.254.169.254/latest/meta-data', policy),
      'blocked',
    )
    assert.match(error.message, /cloud metadata address 169\.254\.169\.254/)
  })

  it('rejects localhost by resolving it now', async () => {
    const error = await rejectsWith(assertUrlAllowed('http://localhost:8080/', policy), 'blocked')
    assert.match(error.message, /localhost resolves to loopback address/)
  })

  it('accepts a hostname that resolves to a public address and lists it', async () => {
    const check = await assertUrlAllowed('https://hooks.example/x', policy, async () => [
      { address: '93.184.215.14', family: 4 },
    ])
    assert.deepEqual(check.addresses, ['93.184.215.14'])
    assert.equal(check.url.hostname, 'hooks.example')
  })

  it('accepts an allow-listed hostname without judging its addresses', async () => {
    const internal = createAddressPolicy({ allowlist: ['*.corp.example'] })
    const check = await assertUrlAllowed('http://api.corp.example/', internal, async () => [
      { address: '10.1.1.1', family: 4 },
    ])
    assert.match(check.reason, /allow-listed hostname api\.corp\.example/)
  })

  it('reports a name that does not resolve as a network error', async () => {
    const failing: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nope.example'), { code: 'ENOTFOUND' })
    }
    const error = await rejectsWith(
      assertUrlAllowed('http://nope.example/', policy, failing),
      'network',
    )
    assert.match(error.message, /ENOTFOUND/)
  })

  it('rejects an ftp URL as invalid_url', async () => {
    await rejectsWith(assertUrlAllowed('ftp://example.com/', policy), 'invalid_url')
  })
})
