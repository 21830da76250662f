/** Dashboard login, sessions, logout, CSRF and headers, driven in process with app.request(). */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createApp } from '../../src/app.ts'
import { createApiKeyVerifier } from '../../src/http/auth.ts'
import { cookieSettings } from '../../src/ui/session/middleware.ts'
import {
  createSessionManager,
  LOGIN_FAILURES_ALLOWED,
  OPEN_MODE_KEY_NAME,
} from '../../src/ui/session/sessions.ts'
import { TEST_API_KEY } from '../helpers/app.ts'
import {
  type DashboardHarness,
  loginForTest,
  postForm,
  SAME_ORIGIN,
  SECOND_KEY,
  startDashboardHarness,
} from '../helpers/dashboard.ts'

let h: DashboardHarness
let jobId: string

before(async () => {
  h = await startDashboardHarness('ui_auth', { clickup: false, env: { WORKERS_ENABLED: 'false' } })
  const { job } = await h.scheduler.runtime.service.createJob(
    'webhook',
    { name: 'auth target', every: '1h', url: `${h.receiver.url}/x` },
    { name: 'tests' },
  )
  jobId = job.id
})
after(() => h.close())

const login = (fields: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) =>
  h.app.request('/ui/login', {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })

const jobStatus = async () => (await h.scheduler.runtime.service.getJob(jobId)).job.status

describe('dashboard login', () => {
  it('sends a visitor without a session to the login page, remembering where they were going', async () => {
    const res = await h.app.request('/ui/jobs?status=paused')
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), '/ui/login?next=%2Fui%2Fjobs%3Fstatus%3Dpaused')
  })

  it('serves the login page as a standards-mode document under a strict CSP', async () => {
    const res = await h.app.request('/ui/login')
    assert.equal(res.status, 200)
    const html = await res.text()
    assert.match(html, /^<!DOCTYPE html><html lang="en">/)
    const csp = res.headers.get('content-security-policy') ?? ''
    assert.match(csp, /default-src 'self'/)
    assert.match(csp, /script-src 'self'/)
    assert.match(csp, /frame-ancestors 'none'/)
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)
    assert.equal(res.headers.get('x-frame-options'), 'DENY')
    assert.doesNotMatch(
      html,
      /<script>|<style>|\sstyle="|\son[a-z]+="/,
      'no inline script or style',
    )
  })

  it('opens a session: HttpOnly SameSite=Strict cookie on /ui, only the token hash stored', async () => {
    const res = await login({ key: SECOND_KEY, tz: 'America/Sao_Paulo', next: '/ui/jobs' })
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), '/ui/jobs')
    const cookie = res.headers.get('set-cookie') ?? ''
    assert.match(cookie, /^ats_session=[A-Za-z0-9_-]{43};/)
    assert.match(cookie, /HttpOnly/)
    assert.match(cookie, /SameSite=Strict/)
    assert.match(cookie, /Path=\/ui/)
    assert.doesNotMatch(cookie, /Secure/, 'plain HTTP: a Secure cookie would never come back')
    const token = /^ats_session=([^;]+)/.exec(cookie)?.[1] ?? ''
    const rows = await h.scheduler.pool.query(
      `select encode(token_hash, 'hex') as hash, key_name, timezone, csrf_token,
         extract(epoch from expires_at - created_at) as absolute_s from ui_sessions where key_name = 'ana'`,
    )
    assert.equal(rows.rows.length, 1)
    const row = rows.rows[0]
    assert.notEqual(row.hash, Buffer.from(token).toString('hex'))
    assert.equal(row.timezone, 'America/Sao_Paulo')
    assert.equal(Number(row.absolute_s), 12 * 3600)
    const page = await h.app.request('/ui/jobs', {
      headers: { Cookie: cookie.split(';')[0] ?? '' },
    })
    assert.equal(page.status, 200)
    assert.match(await page.text(), /Signed in as <strong>ana<\/strong>/)
  })

  it('uses the server default zone when the given one is not an IANA zone', async () => {
    const res = await login({ key: TEST_API_KEY, tz: 'Mars/Olympus' })
    assert.equal(res.status, 303)
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const page = await (await h.app.request('/ui/jobs', { headers: { Cookie: cookie } })).text()
    assert.match(page, /Times are shown in UTC/)
  })

  it('never redirects a fresh session to another site', async () => {
    for (const next of ['https://evil.example/ui', '//evil.example/ui', '/ui\\@evil', '/other']) {
      const res = await login({ key: TEST_API_KEY, next })
      assert.equal(res.headers.get('location'), '/ui', next)
    }
  })

  it('refuses a wrong key with 401 and says what to use', async () => {
    const res = await login({ key: 'not-a-key-at-all-000000' })
    assert.equal(res.status, 401)
    assert.match(await res.text(), /That API key is not valid/)
    assert.equal(res.headers.get('set-cookie'), null)
  })

  it('answers an htmx request without a session with HX-Redirect instead of a login page to swap', async () => {
    const res = await h.app.request(`/ui/jobs/${jobId}/pause`, {
      method: 'POST',
      headers: { ...SAME_ORIGIN, 'HX-Request': 'true' },
    })
    assert.equal(res.status, 401)
    assert.match(res.headers.get('hx-redirect') ?? '', /^\/ui\/login/)
  })
})

describe('session lifetime', () => {
  it('ends a session idle for two hours, and one past its absolute expiry', async () => {
    const idle = await loginForTest(h.app)
    const expired = await loginForTest(h.app)
    const hashOf = async (cookie: string) => {
      const token = cookie.split('=')[1] ?? ''
      const { createHash } = await import('node:crypto')
      return createHash('sha256').update(token).digest()
    }
    await h.scheduler.pool.query(
      `update ui_sessions set last_seen_at = now() - interval '2 hours 1 minute' where token_hash = $1`,
      [await hashOf(idle.cookie)],
    )
    await h.scheduler.pool.query(
      `update ui_sessions set expires_at = now() - interval '1 second' where token_hash = $1`,
      [await hashOf(expired.cookie)],
    )
    for (const session of [idle, expired]) {
      const res = await h.app.request('/ui/jobs', { headers: { Cookie: session.cookie } })
      assert.equal(res.status, 303)
      assert.match(
        res.headers.get('set-cookie') ?? '',
        /ats_session=;/,
        'the dead cookie is cleared',
      )
    }
  })

  it('ends sessions of a key that was rotated or removed from API_KEYS', async () => {
    const session = await loginForTest(h.app)
    const keys = [{ name: 'tests', key: 'a-new-key-for-tests-0123456789' }]
    const rotated = createApp({
      config: h.scheduler.config,
      logger: h.scheduler.logs.logger,
      clock: { now: () => new Date() },
      metrics: h.scheduler.metrics,
      apiKeys: createApiKeyVerifier(keys),
      readiness: [],
      registry: h.scheduler.runtime.registry,
      scheduler: h.scheduler.runtime.service,
      dashboard: { pool: h.scheduler.pool, keys },
    })
    const res = await rotated.request('/ui/jobs', { headers: { Cookie: session.cookie } })
    assert.equal(res.status, 303)
    const still = await h.app.request('/ui/jobs', { headers: { Cookie: session.cookie } })
    assert.equal(still.status, 200, 'the unchanged key still opens it')
  })

  it('logs out: the session row is deleted and its cookie no longer opens a page', async () => {
    const session = await loginForTest(h.app)
    const before = await h.scheduler.pool.query('select count(*)::int as n from ui_sessions')
    const res = await postForm(h.app, session, '/ui/logout')
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), '/ui/login?bye=1')
    assert.match(res.headers.get('set-cookie') ?? '', /ats_session=;.*Max-Age=0/)
    const afterCount = await h.scheduler.pool.query('select count(*)::int as n from ui_sessions')
    assert.equal(afterCount.rows[0].n, before.rows[0].n - 1)
    const again = await h.app.request('/ui/jobs', { headers: { Cookie: session.cookie } })
    assert.equal(again.status, 303)
  })
})

describe('open mode (API_KEYS empty)', () => {
  it('opens an anonymous session without a key, which ends once keys are configured', async () => {
    const clock = { now: () => new Date() }
    const open = createSessionManager({
      pool: h.scheduler.pool,
      keys: [],
      clock,
      defaultTimezone: 'UTC',
    })
    const result = await open.login('', undefined, 'open-mode-client')
    assert.ok(result.ok)
    assert.equal(result.session.keyName, OPEN_MODE_KEY_NAME)
    assert.ok(await open.resolve(result.token))
    const keyed = createSessionManager({
      pool: h.scheduler.pool,
      keys: [{ name: OPEN_MODE_KEY_NAME, key: 'now-there-is-a-key-0123' }],
      clock,
      defaultTimezone: 'UTC',
    })
    assert.equal(await keyed.resolve(result.token), null)
  })
})

describe('cookie settings', () => {
  it('uses __Host- and Secure on path / over HTTPS, and a /ui path without Secure over HTTP', () => {
    assert.deepEqual(cookieSettings('https://tools.example.com'), {
      name: '__Host-ats_session',
      path: '/',
      secure: true,
    })
    assert.deepEqual(cookieSettings('http://10.0.0.5:8000'), {
      name: 'ats_session',
      path: '/ui',
      secure: false,
    })
  })
})

describe('CSRF', () => {
  it('refuses a post without the session’s token (403 page) and changes nothing', async () => {
    const session = await loginForTest(h.app)
    for (const token of ['', 'forged-token']) {
      const res = await postForm(h.app, session, `/ui/jobs/${jobId}/pause`, { _csrf: token })
      assert.equal(res.status, 403)
      assert.match(await res.text(), /Request refused/)
    }
    assert.equal(await jobStatus(), 'scheduled')
  })

  it('refuses a cross-site post even with a valid token (Origin and Sec-Fetch-Site)', async () => {
    const session = await loginForTest(h.app)
    const crossOrigin = await postForm(
      h.app,
      session,
      `/ui/jobs/${jobId}/pause`,
      {},
      {
        Origin: 'http://evil.example',
      },
    )
    assert.equal(crossOrigin.status, 403)
    // hono/csrf looks at form content types only; a JSON body still needs the session's token.
    const json = await h.app.request(`/ui/jobs/${jobId}/pause`, {
      method: 'POST',
      headers: {
        Origin: 'http://evil.example',
        Cookie: session.cookie,
        'Content-Type': 'application/json',
      },
      body: '{}',
    })
    assert.equal(json.status, 403)
    const crossSite = await postForm(
      h.app,
      session,
      `/ui/jobs/${jobId}/pause`,
      {},
      {
        Origin: 'null',
        'Sec-Fetch-Site': 'cross-site',
      },
    )
    assert.equal(crossSite.status, 403)
    assert.equal(await jobStatus(), 'scheduled')
  })

  it('answers a refused htmx post with an error fragment put in place of the page content', async () => {
    const session = await loginForTest(h.app)
    const res = await postForm(
      h.app,
      session,
      `/ui/jobs/${jobId}/pause`,
      { _csrf: 'forged' },
      {
        'HX-Request': 'true',
      },
    )
    assert.equal(res.status, 403)
    assert.equal(res.headers.get('hx-retarget'), '#main')
    assert.equal(res.headers.get('hx-reswap'), 'innerHTML')
    const html = await res.text()
    assert.match(html, /^<section class="card narrow" role="alert"/)
    assert.doesNotMatch(html, /<html/)
    assert.equal(await jobStatus(), 'scheduled')
  })

  it('accepts the token in the X-CSRF-Token header too', async () => {
    const session = await loginForTest(h.app)
    const res = await postForm(
      h.app,
      session,
      `/ui/jobs/${jobId}/pause`,
      { _csrf: '' },
      {
        'X-CSRF-Token': session.csrf,
      },
    )
    assert.equal(res.status, 303)
    assert.equal(await jobStatus(), 'paused')
    await h.scheduler.runtime.service.resumeJob(jobId, { name: 'tests' })
  })
})

describe('tool routes take bearer keys only', () => {
  it('ignores the dashboard cookie on every tool route (401 without Authorization)', async () => {
    const session = await loginForTest(h.app)
    const cookie = session.cookie.replace('ats_session', '__Host-ats_session')
    for (const [method, path] of [
      ['GET', '/jobs'],
      ['GET', `/jobs/${jobId}`],
      ['POST', `/jobs/${jobId}/pause`],
      ['GET', '/time'],
      ['POST', '/schedules/preview'],
    ] as const) {
      for (const c of [session.cookie, cookie]) {
        const res = await h.app.request(path, { method, headers: { ...SAME_ORIGIN, Cookie: c } })
        assert.equal(res.status, 401, `${method} ${path}`)
      }
    }
    assert.equal(await jobStatus(), 'scheduled')
  })
})

describe('failed-login throttle', () => {
  it(`refuses logins from an address after ${LOGIN_FAILURES_ALLOWED} failures in 15 minutes, even with a right key`, async () => {
    await h.scheduler.pool.query('delete from ui_login_failures')
    for (let i = 0; i < LOGIN_FAILURES_ALLOWED; i += 1) {
      assert.equal((await login({ key: `wrong-key-${i}-0123456789` })).status, 401)
    }
    const throttled = await login({ key: TEST_API_KEY })
    assert.equal(throttled.status, 429)
    assert.ok(Number(throttled.headers.get('retry-after')) > 800)
    assert.match(await throttled.text(), /Too many failed logins/)
    await h.scheduler.pool.query(
      `update ui_login_failures set failed_at = now() - interval '16 minutes'`,
    )
    assert.equal((await login({ key: TEST_API_KEY })).status, 303, 'the window has passed')
  })
})
