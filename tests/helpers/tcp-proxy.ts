/**
 * A TCP proxy in front of a server (the test PostgreSQL), to give one engine a database outage
 * without stopping the server others use: `cut()` drops every connection through it and refuses new
 * ones until `restore()`, as a restarting database would.
 */
import { connect, createServer, type Socket } from 'node:net'

export interface TcpProxy {
  port: number
  /** `connectionString` with its host and port replaced by the proxy's. */
  through(connectionString: string): string
  cut(): void
  restore(): void
  close(): Promise<void>
}

export async function startTcpProxy(target = { host: '127.0.0.1', port: 5432 }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let open = true
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    // A cut ends both sides abruptly; the errors that follow are the point, not a failure.
    socket.on('error', () => {})
  }
  const server = createServer((client) => {
    track(client)
    if (!open) {
      client.destroy()
      return
    }
    const upstream = connect(target.port, target.host)
    track(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('proxy has no port')
  return {
    port: address.port,
    through(connectionString) {
      const url = new URL(connectionString)
      url.hostname = '127.0.0.1'
      url.port = String(address.port)
      return url.toString()
    },
    cut() {
      open = false
      for (const socket of [...sockets]) socket.destroy()
    },
    restore() {
      open = true
    },
    close() {
      open = false
      for (const socket of [...sockets]) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
