/**
 * The dashboard in real Chromium (Debian's package, driven by playwright-core): login, filters, the
 * job page, actions through htmx without a reload and with JavaScript off, a forged cross-site post,
 * logout, and an axe-core scan of every page. Screenshots go to test-artifacts/ui.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { TEST_API_KEY } from '../helpers/app.ts'
import { hasChromium, launchChromium, runAxe, screenshot } from '../helpers/browser.ts'
import { type DashboardHarness, startDashboardHarness } from '../helpers/dashboard.ts'
import { type SeededJobs, seedDashboard } from '../helpers/dashboard-seed.ts'
import { waitUntil } from '../helpers/engine-wait.ts'

/** The browser's document, as the callbacks passed to page.evaluate (run in the page) use it. */
declare const document: {
  compatMode: string
  activeElement: { id: string } | null
  documentElement: { scrollWidth: number; clientWidth: number }
}

const skip = hasChromium() ? false : 'no /usr/bin/chromium (bash .ci/run installs it)'

let h: DashboardHarness
let ids: SeededJobs
let browser: Browser
let context: BrowserContext
let page: Page
/** Console errors of our pages (a CSP violation by an inline script or style would show here). */
const consoleErrors: string[] = []

const service = () => h.scheduler.runtime.service
const status = async (id: string) => (await service().getJob(id)).job.status

async function login(p: Page, path = '/ui/jobs') {
  await p.goto(`${h.url}${path}`)
  await p.fill('#key', TEST_API_KEY)
  await Promise.all([p.waitForURL(`${h.url}${path}`), p.click('button:has-text("Log in")')])
}

/** Marks the document: a full reload (or navigation) loses the mark, an htmx swap keeps it. */
const markDocument = (p: Page) => p.evaluate(() => Object.assign(globalThis, { documentMark: 1 }))
const isSameDocument = (p: Page) =>
  p.evaluate(() => (globalThis as { documentMark?: number }).documentMark === 1)

describe('dashboard in Chromium', { skip }, () => {
  before(async () => {
    h = await startDashboardHarness('ui_browser', { listen: true })
    ids = await seedDashboard(h)
    browser = await launchChromium()
    context = await browser.newContext({
      timezoneId: 'Europe/Madrid',
      viewport: { width: 1280, height: 900 },
    })
    page = await context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error' && page.url().startsWith(h.url)) {
        consoleErrors.push(`${page.url()}: ${message.text()}`)
      }
    })
  })
  after(async () => {
    await browser?.close()
    await h?.close()
  })

  it('logs in with a named key; the browser’s zone is taken for the times', async () => {
    await page.goto(`${h.url}/ui/jobs`)
    assert.match(page.url(), /\/ui\/login\?next=%2Fui%2Fjobs$/)
    assert.equal(await page.inputValue('#tz'), 'Europe/Madrid', 'app.js filled in the zone')
    assert.equal(await page.evaluate(() => document.compatMode), 'CSS1Compat')
    await login(page)
    assert.equal(await page.textContent('h1'), 'Jobs')
    assert.match((await page.textContent('footer')) ?? '', /Times are shown in Europe\/Madrid/)
    assert.match((await page.textContent('header')) ?? '', /Signed in as tests/)
  })

  it('filters the jobs by status and name', async () => {
    await page.selectOption('#status', 'paused')
    await Promise.all([page.waitForURL(/status=paused/), page.click('button:has-text("Filter")')])
    const names = await page.locator('tbody th[data-label="Name"] a').allTextContents()
    assert.deepEqual(names, ['Nightly sales report'])
    await page.goto(`${h.url}/ui/jobs?q=invoice`)
    assert.deepEqual(await page.locator('tbody th[data-label="Name"] a').allTextContents(), [
      'Remind Ana about the invoice',
    ])
  })

  it('opens a job and pauses and resumes it through htmx, without reloading the page', async () => {
    await page.click('a:has-text("Remind Ana about the invoice")')
    await page.waitForSelector('h2:has-text("Next runs")')
    assert.doesNotMatch(await page.content(), /header-secret-value/)
    await markDocument(page)
    await page.click('button:has-text("Pause")')
    await page.waitForSelector('#job-notice:has-text("Paused")')
    assert.equal(await isSameDocument(page), true, 'the page was not reloaded')
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'job-notice')
    assert.equal(await page.textContent('h1 .badge'), 'paused')
    assert.equal(await status(ids.invoice), 'paused')
    await page.click('button:has-text("Resume")')
    await page.waitForSelector('#job-notice:has-text("Resumed")')
    assert.equal(await isSameDocument(page), true)
    assert.equal(await status(ids.invoice), 'scheduled')
    const history = await page.locator('#changes-heading + table tbody tr').first().textContent()
    assert.match(history ?? '', /testsuiResumed \(was paused\)/)
    await screenshot(page, 'job-after-htmx')
  })

  it('runs a job now and cancels one through htmx', async () => {
    await page.goto(`${h.url}/ui/jobs/${ids.standup}`)
    await markDocument(page)
    const before = h.receiver.requests.length
    await page.click('button:has-text("Run now")')
    await page.waitForSelector('#job-notice:has-text("One extra run was added now")')
    await h.receiver.waitFor(before + 1)
    await page.click('summary:has-text("Cancel job")')
    await page.click('button:has-text("Yes, cancel this job")')
    await page.waitForSelector('#job-notice:has-text("Cancelled")')
    assert.equal(await isSameDocument(page), true)
    assert.equal(await status(ids.standup), 'cancelled')
    assert.equal(await page.locator('button:has-text("Pause")').count(), 0)
    await page.reload()
    await page.waitForSelector('td[data-label="Response"]:has-text("HTTP 200")')
  })

  it('previews a new timing, then saves it', async () => {
    await page.goto(`${h.url}/ui/jobs/${ids.build}`)
    await page.selectOption('#timing-kind', 'cron')
    await page.fill('#timing-value', '0 8 * * MON')
    await markDocument(page)
    await page.click('button:has-text("Preview")')
    await page.waitForSelector('.preview:has-text("at 08:00 every Monday")')
    assert.equal(await isSameDocument(page), true)
    assert.equal(await page.locator('.preview ol.runs li').count(), 5)
    assert.equal((await service().getJob(ids.build)).job.schedule.type, 'interval')
    await screenshot(page, 'timing-preview')
    await Promise.all([
      page.waitForURL(/done=timing/),
      page.click('button:has-text("Save this timing")'),
    ])
    assert.match((await page.textContent('#job-notice')) ?? '', /The new timing is saved/)
    assert.equal((await service().getJob(ids.build)).job.schedule.type, 'cron')
  })

  it('does the same with JavaScript off: plain forms and redirects', async () => {
    const { job } = await service().createJob(
      'webhook',
      { name: 'No-script job', every: '1d', url: `${h.receiver.url}/noscript` },
      { name: 'tests' },
    )
    const noJs = await browser.newContext({ javaScriptEnabled: false, timezoneId: 'Asia/Tokyo' })
    try {
      const p = await noJs.newPage()
      await login(p, `/ui/jobs/${job.id}`)
      assert.match((await p.textContent('footer')) ?? '', /Times are shown in UTC/)
      for (const [button, done, after] of [
        ['Pause', 'pause', 'paused'],
        ['Resume', 'resume', 'scheduled'],
        ['Run now', 'run', 'scheduled'],
      ] as const) {
        await Promise.all([
          p.waitForURL(new RegExp(`done=${done}$`)),
          p.click(`button:has-text("${button}")`),
        ])
        assert.ok(await p.isVisible('#job-notice'), `${button} says what it did`)
        assert.equal(await status(job.id), after)
      }
      await p.click('summary:has-text("Cancel job")')
      await Promise.all([
        p.waitForURL(/done=cancel$/),
        p.click('button:has-text("Yes, cancel this job")'),
      ])
      assert.equal(await status(job.id), 'cancelled')
      await screenshot(p, 'job-no-javascript')
    } finally {
      await noJs.close()
    }
  })

  it('refuses a forged post from another site and changes nothing', async () => {
    const target = `${h.url}/ui/jobs/${ids.invoice}/pause`
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end(
        `<!DOCTYPE html><form method="post" action="${target}"><input name="_csrf" value="guess"></form>` +
          '<script>document.forms[0].submit()</script>',
      )
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    try {
      const port = (attacker.address() as AddressInfo).port
      const response = page.waitForResponse((r) => r.url() === target)
      await page.goto(`http://localhost:${port}/`)
      assert.equal((await response).status(), 403)
      await page.waitForSelector('h1:has-text("Request refused")')
      assert.equal(await status(ids.invoice), 'scheduled')
    } finally {
      attacker.closeAllConnections()
      attacker.close()
    }
  })

  it('passes an axe scan (no serious or critical violation) on every page, saving screenshots', async () => {
    const rule = (await h.scheduler.pool.query('select id from clickup_rules limit 1')).rows[0]
    const pages: [string, string][] = [
      ['overview', '/ui'],
      ['jobs', '/ui/jobs'],
      ['job', `/ui/jobs/${ids.invoice}`],
      ['job-failed', `/ui/jobs/${ids.crm}`],
      ['clickup', '/ui/clickup'],
      ['rule-new', '/ui/clickup/rules/new'],
      ['rule-edit', `/ui/clickup/rules/${rule.id}`],
      ['jobs-filter-error', '/ui/jobs?status=sleeping'],
      ['not-found', '/ui/jobs/0b6e0bd4-5d0e-4a8e-9b62-5a8e0f1f2c3d'],
    ]
    const found: string[] = []
    for (const [name, path] of pages) {
      await page.goto(`${h.url}${path}`)
      await screenshot(page, name)
      for (const v of await runAxe(page)) {
        found.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes[0]?.html ?? ''}`)
      }
    }
    const phone = await browser.newContext({
      timezoneId: 'Europe/Madrid',
      viewport: { width: 390, height: 844 },
      storageState: await context.storageState(),
    })
    try {
      const p = await phone.newPage()
      for (const [name, path] of [
        ['phone-jobs', '/ui/jobs'],
        ['phone-job', `/ui/jobs/${ids.crm}`],
        ['phone-overview', '/ui'],
      ]) {
        await p.goto(`${h.url}${path}`)
        await screenshot(p, name as string)
        const overflow = await p.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        )
        assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px on a phone`)
        // One phone page is scanned: the others share its layout rules.
        if (name === 'phone-job') {
          for (const v of await runAxe(p)) found.push(`${name}: ${v.id} (${v.impact}) ${v.help}`)
        }
      }
    } finally {
      await phone.close()
    }
    assert.deepEqual(
      // Pages answered with a 4xx on purpose (refused filter, unknown job) are logged as such.
      consoleErrors.filter((e) => !/Failed to load resource: the server responded/.test(e)),
      [],
      'no console errors (CSP violations included)',
    )
    const serious = found.filter((f) => /\((serious|critical)\)/.test(f))
    assert.deepEqual(serious, [], found.join('\n'))
    if (found.length > 0) console.log(`axe, minor findings:\n${found.join('\n')}`)
  })

  it('logs out, after which the pages ask for a login again', async () => {
    await page.goto(`${h.url}/ui`)
    await Promise.all([
      page.waitForURL(/\/ui\/login\?bye=1$/),
      page.click('button:has-text("Log out")'),
    ])
    assert.match((await page.textContent('main')) ?? '', /You are logged out/)
    await runAxe(page).then((v) =>
      assert.deepEqual(
        v.filter((x) => x.impact === 'serious' || x.impact === 'critical'),
        [],
      ),
    )
    await screenshot(page, 'login')
    await page.goto(`${h.url}/ui/jobs`)
    assert.match(page.url(), /\/ui\/login\?next=/)
    await waitUntil('the session row to be gone', async () => {
      const { rows } = await h.scheduler.pool.query(
        'select count(*)::int as n from ui_sessions where key_name = $1',
        ['tests'],
      )
      return rows[0].n === 1 ? true : null // the JavaScript-off session remains
    })
  })
})
