/**
 * Graceful shutdown: from its first moment readiness fails (load balancers and Compose stop sending
 * work), the server stops accepting connections, in-flight requests finish within a bound and their
 * keep-alive connections are closed as soon as they are idle; then the remaining stop steps run in
 * order (reverse of start-up). Idempotent.
 */
import type { Server, ServerResponse } from 'node:http'
import type { Logger } from './logger.ts'
import type { ReadinessCheck } from './routes/health.ts'

export interface StopStep {
  name: string
  stop(): Promise<void>
}

export interface ShutdownOptions {
  /** Run after the HTTP server has closed, in this order. */
  steps: StopStep[]
  timeoutMs: number
  logger: Logger
}

export interface Shutdown {
  /** A readiness check that fails from the moment the shutdown starts. */
  readiness: ReadinessCheck
  /** The HTTP server to drain and close first (its requests are tracked from now on). */
  serve(server: Server): void
  /** Starts the shutdown (once; later calls get the same promise). */
  run(reason: string): Promise<void>
}

/** How often connections that became idle during the drain are closed. */
const IDLE_SWEEP_MS = 50

export function createShutdown({ steps, timeoutMs, logger }: ShutdownOptions): Shutdown {
  let running: Promise<void> | undefined
  let server: Server | undefined
  const inFlight = new Set<ServerResponse>()
  return {
    readiness: {
      name: 'shutdown',
      check: async () => {
        if (running) throw new Error('shutting down')
      },
    },
    serve(httpServer) {
      server = httpServer
      httpServer.on('request', (_req, res: ServerResponse) => {
        // Once stopping, every answer tells the client not to reuse its connection.
        if (running) res.setHeader('Connection', 'close')
        inFlight.add(res)
        res.once('close', () => inFlight.delete(res))
      })
    },
    run(reason) {
      running ??= (async () => {
        logger.info({ reason, timeout_ms: timeoutMs }, 'shutting down')
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close')
        if (server) await closeServer(server, timeoutMs, logger)
        for (const step of steps) {
          try {
            await step.stop()
            logger.info({ step: step.name }, 'stopped')
          } catch (err) {
            logger.error({ err, step: step.name }, 'stop step failed')
          }
        }
        logger.info('shutdown complete')
      })()
      return running
    },
  }
}

async function closeServer(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  // A keep-alive connection would hold close() open until it timed out: close each one as soon as
  // its last response is done (one sent before the shutdown began may still say keep-alive).
  server.closeIdleConnections()
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS)
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    if ((await Promise.race([closed, deadline])) === 'timeout') {
      logger.warn(
        { timeout_ms: timeoutMs },
        'in-flight requests did not finish in time; closing their connections',
      )
      server.closeAllConnections()
      await closed
    }
  } finally {
    clearInterval(sweep)
    clearTimeout(timer)
  }
}
