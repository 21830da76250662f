// The server under measurement: src/main.ts in its own process, started as the image starts it, so its RSS is its
// own and the bench's client work does not share its event loop.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'

import { PRODUCTION_ENV, PRODUCTION_NODE_ARGS } from './create-load.ts'
import { freePort } from './processes.ts'
import { readMemory } from './rss.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

/**
 * The server's own hourly retention loop is off (0 = keep forever): it would start pruning five
 * minutes after start, in the middle of the read measures; the bench runs one pass itself.
 */
export const NO_BACKGROUND_RETENTION = { EXECUTION_RETENTION_DAYS: '0', JOB_RETENTION_DAYS: '0' }

export interface ServerChild {
  baseUrl: string
  pid: number
  /** Resident set size now, in MB (from /proc). */
  rssMb(): number
  /** The last lines it logged (warnings and errors only; for failures). */
  output(): string
  stop(): Promise<void>
}

/**
 * Starts the server on `databaseUrl` with every action registered (Dify and WhatsApp point at a
 * closed port: the seeded jobs of those kinds never fire during the bench) and waits until
 * /readyz answers 200.
 */
export async function startServer(
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<ServerChild> {
  const port = await freePort()
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // As in the image (Dockerfile): NODE_ENV=production, MALLOC_ARENA_MAX=2.
    ...PRODUCTION_ENV,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOWLIST: '127.0.0.1/32',
    MIN_INTERVAL_SECONDS: '1',
    DIFY_API_URL: 'http://127.0.0.1:9',
    DIFY_APPS: 'helper:chat:app-bench-key-0000',
    EVOLUTION_API_URL: 'http://127.0.0.1:9',
    EVOLUTION_API_KEY: 'bench-evolution-key',
    EVOLUTION_API_INSTANCE: 'bench',
    ...NO_BACKGROUND_RETENTION,
    ...extraEnv,
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [...PRODUCTION_NODE_ARGS, '--import', 'tsx', 'src/main.ts'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  const keep = (d: unknown) => {
    output = (output + String(d)).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start-up:\n${output}`)
    try {
      const res = await fetch(`${baseUrl}/readyz`)
      await res.arrayBuffer()
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server not ready in 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  const pid = child.pid
  if (pid === undefined) throw new Error('server has no pid')
  return {
    baseUrl,
    pid,
    rssMb: () => readMemory(pid)?.rssMb ?? Number.NaN,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(timer)
    },
  }
}
