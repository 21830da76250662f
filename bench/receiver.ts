// A lean local HTTP receiver for the benchmark: records arrival time, path and X-Occurrence-At per request.
import { createServer, type Server } from 'node:http'

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
  arrivals: Arrival[]
  /** Arrivals whose path starts with `prefix`. */
  byPath(prefix: string): Arrival[]
  /** How many requests arrived for exactly `path` (cheap; for polling). */
  count(path: string): number
  close(): Promise<void>
}

export async function startReceiver(): Promise<Receiver> {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('receiver has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    arrivals,
    byPath: (prefix) => arrivals.filter((a) => a.path.startsWith(prefix)),
    count: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
