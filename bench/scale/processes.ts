/** Child processes of the create bench: the server (or the hello-world ceiling) and the load client. */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '../..')

export interface Child {
  child: ChildProcess
  pid: number
  /** The last 64 KB the process wrote to stdout and stderr, for error messages. */
  tail(): string
  exited: Promise<number | string>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

/** `node [nodeArgs] --import tsx <script>` in `cwd` (this repository), with only `env` (and PATH). */
export function startNodeChild(
  script: string,
  env: Record<string, string>,
  {
    nodeArgs = [],
    onLine,
    cwd = ROOT,
  }: { nodeArgs?: string[]; onLine?: (line: string) => void; cwd?: string } = {},
): Child {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let tail = ''
  let partial = ''
  const keep = (d: Buffer) => {
    tail = (tail + String(d)).slice(-65_536)
  }
  child.stdout?.on('data', (d: Buffer) => {
    keep(d)
    if (!onLine) return
    const lines = (partial + String(d)).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) onLine(line)
  })
  child.stderr?.on('data', keep)
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))
  })
  if (child.pid === undefined) throw new Error(`could not start ${script}`)
  return {
    child,
    pid: child.pid,
    tail: () => tail,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}

export async function waitForHttp(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.child.exitCode !== null) {
      throw new Error(`${url}: the process exited before answering:\n${child.tail()}`)
    }
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer in ${timeoutMs} ms:\n${child.tail()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
