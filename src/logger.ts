/** The pino logger, with every place a secret can hide redacted before it is written. */
import { type Logger, pino } from 'pino'

export type { Logger }

/** Paths pino censors wherever they appear in a log object (one or two levels deep). */
export const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  'apikey',
  'apiKey',
  'api_key',
  'token',
  'password',
  'secret',
  '*.authorization',
  '*.Authorization',
  '*.apikey',
  '*.apiKey',
  '*.api_key',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.password',
  '*.secret',
  '*.headers',
  '*.*.authorization',
  '*.*.apikey',
  '*.*.token',
  '*.*.password',
  'headers',
  'req.headers',
  'databaseUrl',
  'connectionString',
]

export interface LoggerOptions {
  level: string
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'agent-tool-server' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? process.stdout,
  )
}
