/**
 * A real local HTTP server that behaves like ClickUp API v2 for the calls we make: tasks (GET, PUT
 * status, comments), List task listings filtered by status, webhooks (create with a secret, list with
 * health), `{err, ECODE}` errors, and 429 answers with X-RateLimit-Reset on demand.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeTask {
  id: string
  name: string
  status: string
  list_id: string
  due_date?: string | null
  start_date?: string | null
  description?: string
  archived?: boolean
  /** Unix ms of the last change; setTask stamps it (as ClickUp's date_updated). */
  updated_ms?: number
}

export interface FakeRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Record<string, unknown> | null
  at: number
}

export interface FakeClickUp {
  /** Base URL including /api/v2, as CLICKUP_API_URL. */
  url: string
  token: string
  tasks: Map<string, FakeTask>
  requests: FakeRequest[]
  webhooks: Record<string, unknown>[]
  comments: { taskId: string; text: string }[]
  /** The next N requests answer 429 with a reset this many seconds away. */
  rateLimit(times: number, resetInSeconds?: number): void
  /** Every request to a path starting with this answers the status (until cleared with null). */
  failPath(prefix: string | null, status?: number): void
  /**
   * Requests to a path starting with this are answered `ms` later (until cleared with null), with
   * what was true when they arrived: a read that took long and returns an older state.
   */
  delayPath(prefix: string | null, ms?: number): void
  setTask(task: FakeTask): void
  close(): Promise<void>
}

/** The one workspace the fake token sees; every task belongs to it. */
export const FAKE_TEAM_ID = '108'

function taskJson(task: FakeTask) {
  return {
    id: task.id,
    custom_id: null,
    name: task.name,
    text_content: task.description ?? '',
    description: task.description ?? '',
    status: { id: 'p1', status: task.status, color: '#7C4DFF', orderindex: 1, type: 'custom' },
    date_created: '1751000000000',
    date_updated: String(task.updated_ms ?? 1751360400000),
    due_date: task.due_date ?? null,
    start_date: task.start_date ?? null,
    archived: task.archived ?? false,
    url: `https://app.clickup.com/t/${task.id}`,
    list: { id: task.list_id, name: 'List', access: true },
    folder: { id: '456', name: 'Folder' },
    space: { id: '789' },
    team_id: '108',
  }
}

export async function startFakeClickUp(token = 'pk_test_token_123'): Promise<FakeClickUp> {
  const tasks = new Map<string, FakeTask>()
  const requests: FakeRequest[] = []
  const webhooks: Record<string, unknown>[] = []
  const comments: { taskId: string; text: string }[] = []
  let limited = 0
  let resetIn = 1
  let failing: { prefix: string; status: number } | null = null
  let lastUpdated = 0
  let delayed: { prefix: string; ms: number } | null = null

  /** A status-filtered listing in pages of 2, so tests exercise paging, as ClickUp pages (by 100). */
  function taskPage(query: URLSearchParams, inScope: (task: FakeTask) => boolean) {
    const statuses = query.getAll('statuses[]').map((s) => s.toLowerCase())
    const page = Number(query.get('page') ?? '0')
    const all = [...tasks.values()].filter(
      (t) =>
        inScope(t) &&
        !t.archived &&
        (statuses.length === 0 || statuses.includes(t.status.toLowerCase())),
    )
    const slice = all.slice(page * 2, page * 2 + 2)
    return { tasks: slice.map(taskJson), last_page: page * 2 + 2 >= all.length }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const path = url.pathname.replace(/^\/api\/v2/, '')
      const text = Buffer.concat(chunks).toString('utf8')
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null
      requests.push({
        method: req.method ?? 'GET',
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
        at: Date.now(),
      })
      const delayMs = delayed && path.startsWith(delayed.prefix) ? delayed.ms : 0
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        const text = JSON.stringify(payload)
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers })
          res.end(text)
        }, delayMs)
      }
      if (req.headers.authorization !== token) {
        return send(401, { err: 'Token invalid', ECODE: 'OAUTH_025' })
      }
      if (limited > 0) {
        limited -= 1
        const reset = Math.ceil(Date.now() / 1000 + resetIn)
        return send(
          429,
          { err: 'Rate limit reached', ECODE: 'APP_002' },
          {
            'x-ratelimit-limit': '100',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(reset),
          },
        )
      }
      if (failing && path.startsWith(failing.prefix)) {
        return send(failing.status, { err: 'Simulated failure', ECODE: 'TEST_500' })
      }
      let match = /^\/task\/([^/]+)$/.exec(path)
      if (match) {
        const task = tasks.get(decodeURIComponent(match[1] as string))
        if (!task) return send(404, { err: 'Task not found, deleted', ECODE: 'ITEM_013' })
        if (req.method === 'PUT') {
          if (typeof body?.status === 'string') task.status = body.status
          lastUpdated = Math.max(Date.now(), lastUpdated + 1)
          task.updated_ms = lastUpdated
          return send(200, taskJson(task))
        }
        return send(200, taskJson(task))
      }
      match = /^\/task\/([^/]+)\/comment$/.exec(path)
      if (match && req.method === 'POST') {
        const taskId = decodeURIComponent(match[1] as string)
        if (!tasks.has(taskId)) return send(404, { err: 'Task not found', ECODE: 'ITEM_013' })
        comments.push({ taskId, text: String(body?.comment_text ?? '') })
        return send(200, { id: String(comments.length), hist_id: '26508', date: Date.now() })
      }
      match = /^\/list\/([^/]+)\/task$/.exec(path)
      if (match) {
        const listId = decodeURIComponent(match[1] as string)
        return send(
          200,
          taskPage(url.searchParams, (t) => t.list_id === listId),
        )
      }
      if (path === '/team') {
        return send(200, { teams: [{ id: FAKE_TEAM_ID, name: 'Workspace' }] })
      }
      match = /^\/team\/([^/]+)\/task$/.exec(path)
      if (match) {
        if (decodeURIComponent(match[1] as string) !== FAKE_TEAM_ID) {
          return send(401, { err: 'Team not authorized', ECODE: 'OAUTH_027' })
        }
        return send(
          200,
          taskPage(url.searchParams, () => true),
        )
      }
      match = /^\/webhook\/([^/]+)$/.exec(path)
      if (match && req.method === 'DELETE') {
        const id = decodeURIComponent(match[1] as string)
        const index = webhooks.findIndex((w) => w.id === id)
        if (index < 0) return send(404, { err: 'Webhook not found', ECODE: 'OAUTH_056' })
        webhooks.splice(index, 1)
        return send(200, {})
      }
      match = /^\/team\/([^/]+)\/webhook$/.exec(path)
      if (match) {
        const teamId = decodeURIComponent(match[1] as string)
        if (req.method === 'POST') {
          const webhook = {
            id: randomUUID(),
            userid: 183,
            team_id: Number(teamId),
            endpoint: body?.endpoint,
            client_id: 'QVOQP06',
            events: body?.events,
            task_id: null,
            list_id: body?.list_id ?? null,
            folder_id: body?.folder_id ?? null,
            space_id: body?.space_id ?? null,
            health: { status: 'active', fail_count: 0 },
            secret: randomBytes(32).toString('hex').toUpperCase(),
          }
          webhooks.push(webhook)
          return send(200, { id: webhook.id, webhook })
        }
        return send(200, {
          webhooks: webhooks
            .filter((w) => String(w.team_id) === teamId)
            .map(({ secret: _secret, ...rest }) => rest),
        })
      }
      send(404, { err: 'Route not found', ECODE: 'APP_001' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api/v2`,
    token,
    tasks,
    requests,
    webhooks,
    comments,
    rateLimit(times, resetInSeconds = 1) {
      limited = times
      resetIn = resetInSeconds
    },
    failPath(prefix, status = 500) {
      failing = prefix === null ? null : { prefix, status }
    },
    delayPath(prefix, ms = 1_000) {
      delayed = prefix === null ? null : { prefix, ms }
    },
    setTask(task) {
      // Strictly increasing, as ClickUp's date_updated is for successive changes.
      lastUpdated = Math.max(Date.now(), lastUpdated + 1)
      tasks.set(task.id, { ...task, updated_ms: task.updated_ms ?? lastUpdated })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A webhook body shaped like ClickUp's taskStatusUpdated (reference §5). */
export function statusEvent(
  taskId: string,
  historyId: string,
  dateMs: number,
  before: string | null,
  after: string,
  listId = '901234',
) {
  return {
    event: 'taskStatusUpdated',
    task_id: taskId,
    webhook_id: '7fa3ec74-0000-4530-a251-8a13730bd204',
    history_items: [
      {
        id: historyId,
        type: 1,
        date: String(dateMs),
        field: 'status',
        parent_id: listId,
        data: { status_type: 'custom' },
        source: null,
        user: {
          id: 183,
          username: 'Ana',
          email: 'ana@example.com',
          color: '#7b68ee',
          initials: 'A',
          profilePicture: null,
        },
        before:
          before === null
            ? { status: null, color: '#000000', type: 'removed', orderindex: -1 }
            : { status: before, color: '#f9d900', orderindex: 0, type: 'open' },
        after: { status: after, color: '#7C4DFF', orderindex: 1, type: 'custom' },
      },
    ],
  }
}

/** taskCreated: a status item (before.status null) plus a task_creation item. */
export function createdEvent(
  taskId: string,
  ids: [string, string],
  dateMs: number,
  status: string,
) {
  const status_item = statusEvent(taskId, ids[0], dateMs, null, status).history_items[0]
  return {
    event: 'taskCreated',
    task_id: taskId,
    webhook_id: '7fa3ec74-0000-4530-a251-8a13730bd204',
    history_items: [
      status_item,
      { ...status_item, id: ids[1], field: 'task_creation', before: null, after: null, data: {} },
    ],
  }
}

export function dueDateEvent(
  taskId: string,
  historyId: string,
  dateMs: number,
  before: string | null,
  after: string | null,
) {
  return {
    event: 'taskDueDateUpdated',
    task_id: taskId,
    webhook_id: '7fa3ec74-0000-4530-a251-8a13730bd204',
    history_items: [
      {
        id: historyId,
        type: 1,
        date: String(dateMs),
        field: 'due_date',
        parent_id: '901234',
        data: { due_date_time: true, old_due_date_time: false },
        source: null,
        user: {
          id: 183,
          username: 'Ana',
          email: 'ana@example.com',
          color: '#7b68ee',
          initials: 'A',
          profilePicture: null,
        },
        before,
        after,
      },
    ],
  }
}

export function deletedEvent(taskId: string) {
  return {
    event: 'taskDeleted',
    task_id: taskId,
    webhook_id: '7fa3ec74-0000-4530-a251-8a13730bd204',
  }
}

/** A scheduler runtime with ClickUp on (token, fake API, hand-made webhook secret) and the app over it. */
export const HAND_SECRET = 'hand-made-webhook-secret'

/** Posts `body` to the app's ClickUp webhook, signed with `secret` as ClickUp would. */
export async function deliverSigned(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  body: unknown,
  secret = HAND_SECRET,
): Promise<Response> {
  const { signBody } = await import('../../src/integrations/clickup/index.ts')
  const raw = JSON.stringify(body)
  return app.request('/clickup/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signBody(secret, raw) },
    body: raw,
  })
}

export async function startClickUpHarness(
  label: string,
  env: Record<string, string> = {},
  options: { sweepIntervalMs?: number } = {},
) {
  const { createApp } = await import('../../src/app.ts')
  const { createApiKeyVerifier } = await import('../../src/http/auth.ts')
  const { startTestScheduler } = await import('./scheduler.ts')
  const fake = await startFakeClickUp()
  const scheduler = await startTestScheduler(label, {
    env: {
      CLICKUP_API_TOKEN: fake.token,
      CLICKUP_API_URL: fake.url,
      CLICKUP_WEBHOOK_SECRET: HAND_SECRET,
      CLICKUP_RECONCILE_INTERVAL_MINUTES: '0',
      ...env,
    },
    sweepIntervalMs: options.sweepIntervalMs,
  })
  const clickup = scheduler.runtime.clickup
  if (!clickup) throw new Error('ClickUp service missing')
  await clickup.start()
  const app = createApp({
    config: scheduler.config,
    logger: scheduler.logs.logger,
    clock: { now: () => new Date() },
    metrics: scheduler.metrics,
    apiKeys: createApiKeyVerifier(scheduler.config.apiKeys),
    readiness: [],
    registry: scheduler.runtime.registry,
    scheduler: scheduler.runtime.service,
    clickup,
  })
  return {
    fake,
    scheduler,
    clickup,
    app,
    async close() {
      await scheduler.close()
      await fake.close()
    },
  }
}
