/**
 * A real local HTTP server that plays Evolution API v1 (1.8.2) or v2 (2.3.6) as described in
 * ../shared/reference/evolution-api.md: the GET / probe, sendText with each major's body (201 on v2,
 * 200 on v1 here), the whatsappNumbers check, the guard order (instance, then apikey) and the error
 * envelopes. Faults can be queued per route: any status and body, "Connection Closed", a 400 after
 * the message was delivered, and slow or hanging answers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'

export type FakeRoute = 'probe' | 'send' | 'check'

export type Fault =
  /** Answer this status and JSON body instead. */
  | { kind: 'status'; status: number; body: unknown }
  /** Deliver the message, then answer 400 ["<Error string>"] (§7.2, #978). */
  | { kind: 'after_delivery' }
  /** 500 "Connection Closed" (socket down, nothing sent). */
  | { kind: 'connection_closed' }
  /** Answer normally after this many ms (a send is delivered when the answer goes out). */
  | { kind: 'slow'; delayMs: number }
  /** Deliver the message but never answer (the client times out). */
  | { kind: 'hang_after_delivery' }

export interface FakeRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: unknown
  at: number
}

export interface DeliveredMessage {
  id: string
  number: string
  text: string
  at: number
}

export interface FakeEvolutionOptions {
  /** `2.3.6` (default) or `1.8.2`. */
  version?: string
  apiKey?: string
  instance?: string
}

export interface FakeEvolution {
  url: string
  apiKey: string
  instance: string
  /** Change it to simulate an upgrade; the client's cached probe is then wrong. */
  version: string
  /** Numbers (digits) that are not on WhatsApp. */
  unknownNumbers: Set<string>
  requests: FakeRequest[]
  delivered: DeliveredMessage[]
  /** The next request to `route` gets `fault` (queued in order). */
  queueFault(route: FakeRoute, fault: Fault): void
  requestsTo(route: FakeRoute): FakeRequest[]
  close(): Promise<void>
}

const ROUTES: [FakeRoute, RegExp][] = [
  ['probe', /^\/$/],
  ['send', /^\/message\/sendText\/([^/]+)$/],
  ['check', /^\/chat\/whatsappNumbers\/([^/]+)$/],
]

const envelope = (status: number, error: string, message: unknown) => ({
  status,
  error,
  response: { message },
})

export async function startFakeEvolution(
  options: FakeEvolutionOptions = {},
): Promise<FakeEvolution> {
  const faults = new Map<FakeRoute, Fault[]>()
  let counter = 0
  const fake = {
    url: '',
    apiKey: options.apiKey ?? 'evo-global-key-0123456789',
    instance: options.instance ?? 'sales',
    version: options.version ?? '2.3.6',
    unknownNumbers: new Set<string>(),
    requests: [] as FakeRequest[],
    delivered: [] as DeliveredMessage[],
  }
  const routeOf = (path: string) => ROUTES.find(([, pattern]) => pattern.test(path))

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: unknown = raw
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {}
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      fake.requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body,
        at: Date.now(),
      })
      const reply = (status: number, json: unknown, delayMs = 0) => {
        const send = () => {
          if (res.destroyed) return
          res.writeHead(status, { 'Content-Type': 'application/json' })
          res.end(JSON.stringify(json))
        }
        if (delayMs > 0) setTimeout(send, delayMs)
        else send()
      }
      const match = routeOf(path)
      const expected = match?.[0] === 'probe' ? 'GET' : 'POST'
      if (!match || req.method !== expected) {
        return reply(404, envelope(404, 'Not Found', [`Cannot ${req.method} ${path}`]))
      }
      const [route, pattern] = match
      const fault = faults.get(route)?.shift()
      if (fault?.kind === 'status') return reply(fault.status, fault.body)
      const delayMs = fault?.kind === 'slow' ? fault.delayMs : 0
      if (route === 'probe') {
        return reply(
          200,
          {
            status: 200,
            message: 'Welcome to the Evolution API, it is working!',
            version: fake.version,
            clientName: 'evolution_exchange',
          },
          delayMs,
        )
      }
      // Guard order (§1): the instance must exist before the key is even looked at.
      const instance = decodeURIComponent(pattern.exec(path)?.[1] ?? '')
      if (instance !== fake.instance) {
        return reply(404, envelope(404, 'Not Found', [`The "${instance}" instance does not exist`]))
      }
      if (req.headers.apikey !== fake.apiKey) {
        return reply(401, envelope(401, 'Unauthorized', 'Unauthorized'))
      }
      if (fault?.kind === 'connection_closed') {
        return reply(500, envelope(500, 'Internal Server Error', 'Connection Closed'))
      }
      const input = (body ?? {}) as Record<string, unknown>
      if (route === 'check') {
        const numbers = Array.isArray(input.numbers) ? input.numbers.map(String) : []
        return reply(
          200,
          numbers.map((n) => ({
            jid: `${n}@s.whatsapp.net`,
            exists: !fake.unknownNumbers.has(n),
            number: n,
            ...(fake.version.startsWith('1.') ? {} : { name: 'Ana' }),
          })),
          delayMs,
        )
      }
      const isV1 = fake.version.startsWith('1.')
      const text = isV1
        ? (input.textMessage as Record<string, unknown> | undefined)?.text
        : input.text
      if (typeof text !== 'string') {
        const property = isV1 ? 'textMessage' : 'text'
        return reply(
          400,
          envelope(400, 'Bad Request', [[`instance requires property "${property}"`]]),
        )
      }
      const number = String(input.number ?? '')
      const jid = `${number}@s.whatsapp.net`
      if (fake.unknownNumbers.has(number)) {
        return reply(400, envelope(400, 'Bad Request', [{ jid, exists: false, number }]))
      }
      const id = `3EB0${String(++counter).padStart(12, '0')}`
      const deliver = () => fake.delivered.push({ id, number, text, at: Date.now() })
      if (fault?.kind === 'after_delivery') {
        deliver()
        return reply(
          400,
          envelope(400, 'Bad Request', [
            'PrismaClientKnownRequestError: Unique constraint failed on the fields: (`id`)',
          ]),
        )
      }
      if (fault?.kind === 'hang_after_delivery') return deliver()
      const seconds = Math.floor(Date.now() / 1000)
      const answer = isV1
        ? {
            key: { remoteJid: jid, fromMe: true, id },
            message: { extendedTextMessage: { text } },
            messageTimestamp: String(seconds),
            status: 'PENDING',
          }
        : {
            key: { remoteJid: jid, fromMe: true, id },
            pushName: 'Sales',
            status: 'PENDING',
            message: { conversation: text },
            messageType: 'conversation',
            messageTimestamp: seconds,
            instanceId: '6f1c0000-0000-4000-8000-000000000000',
          }
      const respond = () => {
        deliver()
        reply(isV1 ? 200 : 201, answer)
      }
      if (delayMs > 0) setTimeout(respond, delayMs)
      else respond()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake Evolution has no port')
  fake.url = `http://127.0.0.1:${address.port}`
  return Object.assign(fake, {
    queueFault(route: FakeRoute, fault: Fault) {
      faults.set(route, [...(faults.get(route) ?? []), fault])
    },
    requestsTo: (route: FakeRoute) => fake.requests.filter((r) => routeOf(r.path)?.[0] === route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}
