/**
 * Graceful shutdown: stop accepting connections, let in-flight requests finish within a bound,
 * then run the remaining stop steps in order (reverse of start-up). Idempotent.
 */
import type { Server } from 'node:http'
import type { Logger } from './logger.ts'

export interface StopStep {
  name: string
  stop(): Promise<void>
}

export interface ShutdownOptions {
  server: Server
  /** Run after the HTTP server has closed, in this order. */
  steps: StopStep[]
  timeoutMs: number
  logger: Logger
}

export function createShutdown({
  server,
  steps,
  timeoutMs,
  logger,
}: ShutdownOptions): (reason: string) => Promise<void> {
  let running: Promise<void> | undefined
  return (reason) => {
    running ??= (async () => {
      logger.info({ reason, timeout_ms: timeoutMs }, 'shutting down')
      await closeServer(server, timeoutMs, logger)
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
  }
}

async function closeServer(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  // Idle keep-alive sockets would otherwise hold close() open until they time out.
  server.closeIdleConnections()
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
    clearTimeout(timer)
  }
}
