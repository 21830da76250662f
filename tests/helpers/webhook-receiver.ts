/** A real local HTTP server that plays a webhook target: records requests, answers as told (status, delay). */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
  at: number
}

export interface Reply {
  status?: number
  body?: string
  delayMs?: number
}

export interface WebhookReceiver {
  url: string
  requests: ReceivedRequest[]
  /** Decides each reply; the default answers 200 at once. */
  respond: (req: ReceivedRequest, index: number) => Reply
  /** Resolves when `count` requests have arrived (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>
  close(): Promise<void>
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const waiters: { count: number; resolve: () => void }[] = []
  const receiver = {
    url: '',
    requests: [] as ReceivedRequest[],
    respond: (() => ({ status: 200, body: '{"ok":true}' })) as WebhookReceiver['respond'],
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      }
      const index = receiver.requests.push(received) - 1
      for (const waiter of waiters) if (receiver.requests.length >= waiter.count) waiter.resolve()
      const reply = receiver.respond(received, index)
      const send = () => {
        if (res.destroyed) return
        res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json' })
        res.end(reply.body ?? '{"ok":true}')
      }
      if (reply.delayMs) setTimeout(send, reply.delayMs)
      else send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('receiver has no port')
  receiver.url = `http://127.0.0.1:${address.port}`
  return Object.assign(receiver, {
    waitFor(count: number, timeoutMs = 10_000) {
      if (receiver.requests.length >= count) return Promise.resolve(receiver.requests)
      return new Promise<ReceivedRequest[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} requests, got ${receiver.requests.length}`)),
          timeoutMs,
        )
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer)
            resolve(receiver.requests)
          },
        })
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}
