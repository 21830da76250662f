/** A logger whose lines tests can read back, to check what was (and was not) logged. */
import { Writable } from 'node:stream'
import { createLogger, type Logger } from '../../src/logger.ts'

export interface CapturedLogs {
  logger: Logger
  lines: () => Record<string, unknown>[]
  text: () => string
}

export function captureLogs(level = 'debug'): CapturedLogs {
  const chunks: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  const logger = createLogger({ level, destination })
  const text = () => chunks.join('')
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}
