// A lean local HTTP receiver for the benchmark, in its own thread: records arrival time, path and
// X-Occurrence-At per request.
//
// A real webhook receiver is another service. Run on the measured process's own event loop, the
// receiver's ~50 µs of work per request (half of one occurrence's main-thread time for raw pg-boss)
// competed with whichever side was more event-loop bound, which is a cost neither side pays in
// production. A worker thread has its own event loop and shares the machine's cores, like a
// receiver on the same host would.
import { createServer, type Server } from 'node:http'
import { isMainThread, parentPort, Worker } from 'node:worker_threads'

export interface Arrival {
  path: string
  /** Date.now() when the request body was fully read. */
  at: number
  /** X-Occurrence-At as epoch ms (NaN when absent, e.g. raw pg-boss posts). */
  occurrenceAt: number
  jobId: string
}

export interface Receiver {
  url: string
  /** Arrivals whose path starts with `prefix`. */
  byPath(prefix: string): Promise<Arrival[]>
  /** How many requests arrived for exactly `path` (cheap; for polling). */
  count(path: string): Promise<number>
  close(): Promise<void>
}

type Question =
  | { kind: 'count'; path: string }
  | { kind: 'byPath'; prefix: string }
  | { kind: 'close' }
type Request = Question & { id: number }

/** The worker side: the HTTP server and the answers to the main thread's questions. */
function serve(port: NonNullable<typeof parentPort>) {
  const arrivals: Arrival[] = []
  const counts = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    req.on('data', () => {})
    req.on('end', () => {
      const occurrence = req.headers['x-occurrence-at']
      const path = req.url ?? ''
      counts.set(path, (counts.get(path) ?? 0) + 1)
      arrivals.push({
        path,
        at: Date.now(),
        occurrenceAt: typeof occurrence === 'string' ? Date.parse(occurrence) : Number.NaN,
        jobId: String(req.headers['x-job-id'] ?? ''),
      })
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{"ok":true}')
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    if (!address || typeof address === 'string') throw new Error('receiver has no port')
    port.postMessage({ listening: address.port })
  })
  port.on('message', (request: Request) => {
    if (request.kind === 'count') {
      port.postMessage({ id: request.id, value: counts.get(request.path) ?? 0 })
    } else if (request.kind === 'byPath') {
      const value = arrivals.filter((a) => a.path.startsWith(request.prefix))
      port.postMessage({ id: request.id, value })
    } else {
      server.closeAllConnections()
      server.close(() => port.postMessage({ id: request.id, value: null }))
    }
  })
}

if (!isMainThread && parentPort) serve(parentPort)

export async function startReceiver(): Promise<Receiver> {
  // Same file, run as the worker (tsx's loader is inherited through execArgv).
  const worker = new Worker(new URL(import.meta.url))
  const waiting = new Map<number, (value: unknown) => void>()
  let nextId = 0
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject)
    worker.on('message', (message: { listening?: number; id?: number; value?: unknown }) => {
      if (message.listening !== undefined) resolve(message.listening)
      else if (message.id !== undefined) {
        waiting.get(message.id)?.(message.value)
        waiting.delete(message.id)
      }
    })
  })
  const ask = <T>(question: Question): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = nextId++
      waiting.set(id, resolve as (value: unknown) => void)
      worker.postMessage({ ...question, id })
    })
  return {
    url: `http://127.0.0.1:${port}`,
    byPath: (prefix) => ask<Arrival[]>({ kind: 'byPath', prefix }),
    count: (path) => ask<number>({ kind: 'count', path }),
    async close() {
      await ask({ kind: 'close' })
      await worker.terminate()
    },
  }
}
