/**
 * The official MCP client (@modelcontextprotocol/client, which checks structuredContent against
 * each tool's outputSchema) against the server on a real port, with running workers: it lists the
 * tools, creates, reads, updates, pauses, runs and cancels a job, and a job it created fires at a
 * local receiver. Both protocol eras: the client's default 2025 handshake and `auto` (2026-07-28).
 */
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { serve } from '@hono/node-server'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { systemClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { header, waitUntil } from '../helpers/engine-wait.ts'
import type { AnyJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

let scheduler: TestScheduler
let receiver: WebhookReceiver
let server: ReturnType<typeof serve>
let endpoint: URL
const clients: Client[] = []

before(async () => {
  scheduler = await startTestScheduler('mcp_client')
  receiver = await startWebhookReceiver()
  const { app } = buildTestApp({ runtime: scheduler.runtime, clock: systemClock })
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  endpoint = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`)
})
after(async () => {
  await Promise.all(clients.map((client) => client.close()))
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await scheduler?.close()
  await receiver?.close()
})

async function connect(mode: 'legacy' | 'auto'): Promise<Client> {
  const client = new Client(
    { name: 'agent-tool-server-tests', version: '1.0.0' },
    { versionNegotiation: { mode } },
  )
  const transport = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: authHeader },
  })
  await client.connect(transport)
  clients.push(client)
  return client
}

/** Calls a tool and returns its structuredContent; fails the test on an isError result. */
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<AnyJson> {
  const result = await client.callTool({ name, arguments: args })
  assert.notEqual(result.isError, true, `${name}: ${JSON.stringify(result.content)}`)
  return result.structuredContent
}

for (const mode of ['legacy', 'auto'] as const) {
  describe(`the official client (${mode} version negotiation)`, () => {
    it('lists the tools with their schemas and annotations', async () => {
      const client = await connect(mode)
      assert.equal(client.getProtocolEra(), mode === 'auto' ? 'modern' : 'legacy')
      assert.match(client.getInstructions() ?? '', /getCurrentTime/)
      const { tools } = await client.listTools()
      const byName: Record<string, AnyJson> = Object.fromEntries(
        tools.map((tool) => [tool.name, tool]),
      )
      for (const name of ['getCurrentTime', 'scheduleWebhook', 'updateJob', 'cancelJob']) {
        assert.ok(byName[name], name)
        assert.ok(byName[name]?.outputSchema, `${name} has an outputSchema`)
      }
      assert.equal(byName.listDifyApps, undefined, 'no Dify tool without DIFY_APPS')
      assert.equal(byName.getJob?.annotations?.readOnlyHint, true)
      assert.equal(byName.scheduleWebhook.inputSchema.properties.headers.type, 'object')
    })

    it('creates, reads, updates, pauses, runs and cancels a job', async () => {
      const client = await connect(mode)
      const created = await call(client, 'scheduleWebhook', {
        name: `Lifecycle (${mode})`,
        url: `${receiver.url}/lifecycle-${mode}`,
        every: '1h',
        headers: { 'X-Key': 'k-123' },
        tags: ['mcp'],
      })
      const id = created.job.id
      assert.equal(created.duplicate, false)
      assert.deepEqual(created.job.action.header_names, ['X-Key'])

      const read = await call(client, 'getJob', { job_id: id })
      assert.equal(read.job.status, 'scheduled')

      const updated = await call(client, 'updateJob', {
        job_id: id,
        name: `Lifecycle renamed (${mode})`,
        max_runs: '3',
      })
      assert.equal(updated.job.name, `Lifecycle renamed (${mode})`)
      assert.equal(updated.job.schedule.max_runs, 3)

      const paused = await call(client, 'pauseJob', { job_id: id })
      assert.equal(paused.job.status, 'paused')

      // A paused job still runs once on request.
      const before = receiver.requests.length
      await call(client, 'runJobNow', { job_id: id })
      const [request] = (await receiver.waitFor(before + 1)).slice(before)
      assert.equal(request?.path, `/lifecycle-${mode}`)
      assert.equal(header(request as never, 'x-key'), 'k-123')

      const cancelled = await call(client, 'cancelJob', { job_id: id })
      assert.equal(cancelled.job.status, 'cancelled')

      const refused = await client.callTool({ name: 'resumeJob', arguments: { job_id: id } })
      assert.equal(refused.isError, true)
      const problem = JSON.parse((refused.content as { text: string }[])[0]?.text ?? '{}')
      assert.equal(problem.status, 409)
    })

    it('schedules a job that fires, then reads its execution', async () => {
      const client = await connect(mode)
      const path = `/fires-${mode}`
      const created = await call(client, 'scheduleWebhook', {
        name: `Fires (${mode})`,
        url: `${receiver.url}${path}`,
        delay: '1s',
        body: '{"hello":"mcp"}',
      })
      const request = await waitUntil('the webhook call', () =>
        receiver.requests.find((r) => r.path === path),
      )
      assert.equal(request.body, '{"hello":"mcp"}')
      assert.equal(header(request, 'x-job-id'), created.job.id)
      const page = await waitUntil('a finished execution', async () => {
        const list = await call(client, 'listExecutions', { job_id: created.job.id })
        return list.executions[0]?.status === 'succeeded' ? list : null
      })
      const execution = await call(client, 'getExecution', {
        execution_id: page.executions[0].id,
      })
      assert.equal(execution.execution.response_status, 200)
      assert.match(execution.execution.summary, /succeeded|answered 200|HTTP 200/i)
    })
  })
}
