/** Pure pieces of the dashboard: formatting, redirects, change wording, charts, empty states, static files. */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import { niceMax } from '../../src/ui/components/charts.tsx'
import {
  formatLocal,
  formatMs,
  formatUtc,
  headerNames,
  scheduleInWords,
  withoutQuery,
} from '../../src/ui/format.ts'
import { ClickUpPage } from '../../src/ui/pages/clickup.tsx'
import { describeChange } from '../../src/ui/pages/job-history.tsx'
import { JobsPage } from '../../src/ui/pages/jobs.tsx'
import { safeNext } from '../../src/ui/routes/auth.tsx'
import type { Session } from '../../src/ui/session/sessions.ts'
import { createStaticAssets } from '../../src/ui/static.ts'

const assets = createStaticAssets()
const session: Session = {
  keyName: 'ana',
  csrfToken: 'token',
  timezone: 'Europe/Madrid',
  expiresAt: new Date('2026-12-01T00:00:00Z'),
}
const now = new Date('2026-11-27T12:00:00Z')
const render = async (node: unknown) => String(await (node as { toString(): unknown }).toString())

describe('format', () => {
  it('writes times in the viewer’s zone with its abbreviation, the year only when not this one', () => {
    assert.equal(
      formatLocal(new Date('2026-11-30T08:00:00Z'), 'Europe/Madrid', now),
      'Mon 30 Nov, 09:00 CET',
    )
    assert.equal(
      formatLocal(new Date('2027-01-04T12:00:00Z'), 'America/Sao_Paulo', now),
      'Mon, 4 Jan 2027, 09:00 GMT-3',
    )
    assert.equal(formatUtc(new Date('2026-11-30T08:00:00.123Z')), '2026-11-30 08:00:00 UTC')
  })

  it('writes durations for people', () => {
    assert.deepEqual([0, 12.4, 1500, 59_000, 125_000, 7_500_000, null].map(formatMs), [
      '0 ms',
      '12 ms',
      '1.5 s',
      '59 s',
      '2 min 5 s',
      '2 h 5 min',
      '—',
    ])
  })

  it('writes schedules in words', () => {
    assert.equal(scheduleInWords({ type: 'once' }), 'once')
    assert.equal(scheduleInWords({ type: 'interval', every_seconds: 900 }), 'every 15 minutes')
    assert.equal(scheduleInWords({ type: 'interval', every_seconds: 3600 }), 'every hour')
    assert.equal(
      scheduleInWords({ type: 'cron', cron: '0 9 * * MON-FRI' }),
      'at 09:00 on Monday through Friday (cron 0 9 * * MON-FRI)',
    )
  })

  it('hides query strings in lists and reads header names only', () => {
    assert.equal(
      withoutQuery('POST https://example.com/hook?token=abc#x'),
      'POST https://example.com/hook?…',
    )
    assert.deepEqual(headerNames('{"X-Api-Key":"secret","Authorization":"Bearer x"}'), [
      'X-Api-Key',
      'Authorization',
    ])
    assert.deepEqual(headerNames('not json'), [])
  })
})

describe('safeNext', () => {
  it('keeps paths of the dashboard and turns everything else into /ui', () => {
    assert.equal(safeNext('/ui/jobs?status=paused'), '/ui/jobs?status=paused')
    for (const bad of [
      '//evil.example',
      'https://evil.example/ui',
      '/uix',
      '/ui\\evil',
      42,
      null,
    ]) {
      assert.equal(safeNext(bad), '/ui', String(bad))
    }
  })
})

describe('describeChange', () => {
  it('says what an audit entry changed', () => {
    const at = now.toISOString()
    const base = { at, actor: 'ana', via: 'ui' }
    assert.equal(
      describeChange({ ...base, change: 'pause', detail: { from: 'scheduled', to: 'paused' } }),
      'Paused (was scheduled)',
    )
    assert.equal(
      describeChange({
        ...base,
        change: 'update',
        detail: { fields: ['name', 'every'], timing: { every: '2h' } },
      }),
      'Changed name, every (every 2h)',
    )
    assert.equal(describeChange({ ...base, change: 'run_now', detail: {} }), 'Ran once now')
  })
})

describe('charts', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual([0, 1, 3, 7, 12, 240].map(niceMax), [1, 1, 5, 10, 20, 500])
  })
})

describe('empty states', () => {
  it('tells a team with no jobs how to connect Dify', async () => {
    const html = await render(
      JobsPage({
        assets,
        session,
        now,
        publicUrl: 'https://tools.example.com',
        actions: ['webhook'],
        filters: { status: '', action: '', source: '', tag: '', q: '' },
        jobs: [],
        nextCursor: null,
        paged: false,
      }),
    )
    assert.match(html, /No jobs yet\./)
    assert.match(html, /https:\/\/tools\.example\.com\/openapi\.json/)
    assert.match(html, /prefix <code>Bearer<\/code>/)
  })

  it('tells how to connect ClickUp when it is not configured', async () => {
    const html = await render(
      ClickUpPage({
        assets,
        session,
        now,
        configured: false,
        publicUrl: 'https://tools.example.com',
        rules: [],
        webhooks: { webhooks: [], errors: [] },
        reconciliation: null,
        events: [],
      }),
    )
    assert.match(html, /ClickUp is not connected/)
    assert.match(html, /CLICKUP_API_TOKEN/)
  })
})

describe('static files', () => {
  it('serves htmx from the pinned npm package, versioned URLs cached for good', async () => {
    const url = assets.url('htmx.min.js')
    assert.match(url, /^\/ui\/static\/htmx\.min\.js\?v=[0-9a-f]{12}$/)
    const res = await assets.routes.request(url.replace('/ui/static', ''))
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8')
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    const served = await res.text()
    const require = createRequire(import.meta.url)
    const packaged = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8')
    assert.equal(served.trim(), packaged.replace(/\/\/# sourceMappingURL=\S+\s*$/, '').trim())
    assert.match(
      JSON.parse(readFileSync(require.resolve('htmx.org/package.json'), 'utf8')).version,
      /^4\./,
    )
  })

  it('answers 404 for files it does not have, and no-cache without the current version', async () => {
    assert.equal((await assets.routes.request('/secret.txt')).status, 404)
    const stale = await assets.routes.request('/app.css?v=old')
    assert.equal(stale.status, 200)
    assert.equal(stale.headers.get('cache-control'), 'no-cache')
  })
})
