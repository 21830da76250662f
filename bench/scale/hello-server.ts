/**
 * The ceiling for the create bench: a Hono hello-world on the same @hono/node-server, started the
 * same way (node --import tsx, own process). It reads the JSON body (as any POST handler must) and
 * answers a small JSON document with 201.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.post('/jobs/webhook', async (c) => {
  const body = (await c.req.json()) as { name?: string }
  return c.json({ ok: true, name: body.name ?? null }, 201)
})
app.get('/healthz', (c) => c.json({ status: 'ok' }))

const port = Number(process.env.PORT)
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
process.on('SIGTERM', () => process.exit(0))
