/**
 * A running server with the dashboard over a real database, the engine, a webhook receiver and a
 * fake ClickUp, for route and browser tests; plus a login helper for app.request().
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from '../../src/app.ts'
import { createApiKeyVerifier } from '../../src/http/auth.ts'
import type { Clock } from '../../src/time/clock.ts'
import { systemClock } from '../../src/time/clock.ts'
import { TEST_API_KEY } from './app.ts'
import { type FakeClickUp, HAND_SECRET, startFakeClickUp } from './fake-clickup.ts'
import { startTestScheduler, type TestScheduler } from './scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts'

/** A second teammate's key, so tests can tell who changed what. */
export const SECOND_KEY = 'second-key-0123456789abcdef'

export interface DashboardHarness {
  /** http://127.0.0.1:<port> */
  url: string
  app: ReturnType<typeof createApp>
  scheduler: TestScheduler
  receiver: WebhookReceiver
  fake: FakeClickUp | null
  close(): Promise<void>
}

export interface DashboardHarnessOptions {
  clickup?: boolean
  env?: Record<string, string>
  clock?: Clock
  /** Listen on a port (browser tests); route tests use app.request() only. */
  listen?: boolean
}

export async function startDashboardHarness(
  label: string,
  options: DashboardHarnessOptions = {},
): Promise<DashboardHarness> {
  const fake = options.clickup === false ? null : await startFakeClickUp()
  const receiver = await startWebhookReceiver()
  const scheduler = await startTestScheduler(label, {
    clock: options.clock,
    env: {
      API_KEYS: `tests:${TEST_API_KEY},ana:${SECOND_KEY}`,
      ...(fake
        ? {
            CLICKUP_API_TOKEN: fake.token,
            CLICKUP_API_URL: fake.url,
            CLICKUP_WEBHOOK_SECRET: HAND_SECRET,
            CLICKUP_RECONCILE_INTERVAL_MINUTES: '0',
          }
        : {}),
      ...options.env,
    },
  })
  await scheduler.runtime.clickup?.start()
  const app = createApp({
    config: scheduler.config,
    logger: scheduler.logs.logger,
    clock: options.clock ?? systemClock,
    metrics: scheduler.metrics,
    apiKeys: createApiKeyVerifier(scheduler.config.apiKeys),
    readiness: [],
    registry: scheduler.runtime.registry,
    scheduler: scheduler.runtime.service,
    clickup: scheduler.runtime.clickup,
    dashboard: { pool: scheduler.pool, keys: scheduler.config.apiKeys },
  })
  let server: Server | null = null
  let url = 'http://localhost'
  if (options.listen) {
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(s as Server),
      ) as Server
    })
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  return {
    url,
    app,
    scheduler,
    receiver,
    fake,
    async close() {
      if (server) {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server?.close(() => resolve()))
      }
      await scheduler.close()
      await receiver.close()
      await fake?.close()
    },
  }
}

/** Same-origin headers for app.request() posts (hono/csrf checks Origin). */
export const SAME_ORIGIN = { Origin: 'http://localhost' }

export interface TestSession {
  cookie: string
  csrf: string
}

/** Logs in through the form and returns the session cookie and the page's CSRF token. */
export async function loginForTest(
  app: DashboardHarness['app'],
  key = TEST_API_KEY,
  timezone = 'Europe/Madrid',
): Promise<TestSession> {
  const res = await app.request('/ui/login', {
    method: 'POST',
    headers: { ...SAME_ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key, tz: timezone, next: '/ui/jobs' }).toString(),
  })
  if (res.status !== 303) throw new Error(`login answered ${res.status}: ${await res.text()}`)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const page = await app.request('/ui/jobs', { headers: { Cookie: cookie } })
  const match = /name="_csrf" value="([^"]+)"/.exec(await page.text())
  if (!match?.[1]) throw new Error('no CSRF token on the jobs page')
  return { cookie, csrf: match[1] }
}

/** A form post with the session's cookie and token (unless `fields._csrf` overrides it). */
export function postForm(
  app: DashboardHarness['app'],
  session: TestSession,
  path: string,
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: 'POST',
    headers: {
      ...SAME_ORIGIN,
      Cookie: session.cookie,
      'Content-Type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
  })
}
