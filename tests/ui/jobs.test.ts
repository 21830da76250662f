/** The jobs list, the job page and its actions (plain form posts and htmx), with app.request(). */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  type DashboardHarness,
  loginForTest,
  postForm,
  startDashboardHarness,
  type TestSession,
} from '../helpers/dashboard.ts'
import { waitUntil } from '../helpers/engine-wait.ts'

let h: DashboardHarness
let session: TestSession
const service = () => h.scheduler.runtime.service
const tests = { name: 'tests' }

before(async () => {
  h = await startDashboardHarness('ui_jobs', { clickup: false })
  session = await loginForTest(h.app, undefined, 'Europe/Madrid')
})
after(() => h.close())

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await h.app.request(path, { headers: { Cookie: session.cookie, ...headers } })
  return { status: res.status, html: await res.text(), headers: res.headers }
}

let counter = 0
async function createJob(fields: Record<string, unknown> = {}) {
  counter += 1
  const timing = ['run_at', 'delay', 'every', 'cron'].some((k) => k in fields)
    ? {}
    : { every: '1h' }
  const { job } = await service().createJob(
    'webhook',
    { name: `job ${counter}`, url: `${h.receiver.url}/hook`, ...timing, ...fields },
    tests,
  )
  return job
}

describe('jobs list', () => {
  it('shows each job with its target (no query, no header value), schedule in words, local next run and source', async () => {
    const job = await createJob({
      name: 'Remind <b>Ana</b>',
      cron: '0 9 * * MON-FRI',
      timezone: 'America/Sao_Paulo',
      url: `${h.receiver.url}/remind?token=query-secret`,
      headers: '{"X-Api-Key":"header-secret"}',
      tags: 'reminders',
    })
    const { status, html } = await get('/ui/jobs')
    assert.equal(status, 200)
    assert.match(html, /Remind &lt;b&gt;Ana&lt;\/b&gt;/, 'names are escaped')
    assert.match(html, new RegExp(`href="/ui/jobs/${job.id}"`))
    assert.match(html, /remind\?…/)
    assert.doesNotMatch(html, /query-secret|header-secret/)
    assert.match(html, /at 09:00 on Monday through Friday \(cron 0 9 \* \* MON-FRI\)/)
    const next = new Date(job.next_run_at as string)
    assert.match(
      html,
      new RegExp(`<time datetime="${next.toISOString()}" title="[0-9-]+ [0-9:]+ UTC">`),
    )
    assert.match(html, /13:00 CET|12:00 CET/, 'shown in the viewer’s zone (Madrid), not the job’s')
    assert.match(html, /agent key <strong>tests<\/strong>/)
  })

  it('filters by status, action, source, tag and name text', async () => {
    const paused = await createJob({ name: 'filter paused one', tags: 'blue' })
    await service().pauseJob(paused.id, tests)
    await createJob({ name: 'filter scheduled one', tags: 'green' })
    const names = (html: string) =>
      [...html.matchAll(/<th scope="row" data-label="Name"><a[^>]*>([^<]+)</g)].map((m) => m[1])
    assert.deepEqual(names((await get('/ui/jobs?status=paused&q=filter')).html), [
      'filter paused one',
    ])
    assert.deepEqual(names((await get('/ui/jobs?tag=green')).html), ['filter scheduled one'])
    assert.deepEqual(names((await get('/ui/jobs?source=clickup')).html), [])
    assert.ok(names((await get('/ui/jobs?action=webhook&q=filter')).html).length === 2)
    const none = await get('/ui/jobs?q=no-such-job-anywhere')
    assert.match(none.html, /No job matches these filters/)
  })

  it('pages newest first with an "Older jobs" link that keeps the filters', async () => {
    for (let i = 0; i < 27; i += 1)
      await createJob({ name: `paging ${String(i).padStart(2, '0')}` })
    const first = await get('/ui/jobs?q=paging')
    const rows = [...first.html.matchAll(/>paging (\d+)</g)].map((m) => Number(m[1]))
    assert.equal(rows.length, 25)
    assert.equal(rows[0], 26, 'newest first')
    const older = /href="(\/ui\/jobs\?q=paging&amp;cursor=[^"]+)" rel="next"/.exec(first.html)?.[1]
    assert.ok(older, 'an older-page link')
    const second = await get(older.replaceAll('&amp;', '&'))
    assert.deepEqual(
      [...second.html.matchAll(/>paging (\d+)</g)].map((m) => Number(m[1])),
      [1, 0],
    )
    assert.match(second.html, /← Newest jobs/)
  })

  it('explains a bad filter instead of failing (422 with the field)', async () => {
    const res = await get('/ui/jobs?status=sleeping')
    assert.equal(res.status, 422)
    assert.match(res.html, /Cannot filter like that\..*&quot;sleeping&quot; is not a job status/)
  })
})

describe('job page', () => {
  it('shows the definition (header names only), five next runs, executions and the history', async () => {
    const job = await createJob({
      name: 'detailed',
      every: '2h',
      headers: '{"X-Api-Key":"header-secret"}',
    })
    const { status, html } = await get(`/ui/jobs/${job.id}`)
    assert.equal(status, 200)
    assert.match(html, /X-Api-Key <span class="muted">\(values are write-only\)/)
    assert.doesNotMatch(html, /header-secret/)
    const runs =
      /<h2 id="next-heading">Next runs<\/h2><ol class="runs">(.*?)<\/ol>/.exec(html)?.[1] ?? ''
    assert.equal([...runs.matchAll(/<time /g)].length, 5)
    assert.match(html, /No attempts yet/)
    assert.match(
      html,
      /<td data-label="Who">tests<\/td><td data-label="Through">api<\/td><td data-label="What">Created<\/td>/,
    )
  })

  it('answers 404 with a page that leads back for an unknown or malformed id', async () => {
    for (const id of ['0b6e0bd4-5d0e-4a8e-9b62-5a8e0f1f2c3d', 'not-a-uuid']) {
      const res = await get(`/ui/jobs/${id}`)
      assert.equal(res.status, 404, id)
      assert.match(res.html, /Go to the jobs/)
    }
  })
})

describe('job actions', () => {
  it('pauses and resumes with a plain form: 303 back to the job, the change recorded as ui by the key', async () => {
    const job = await createJob()
    const paused = await postForm(h.app, session, `/ui/jobs/${job.id}/pause`)
    assert.equal(paused.status, 303)
    assert.equal(paused.headers.get('location'), `/ui/jobs/${job.id}?done=pause`)
    const page = await get(`/ui/jobs/${job.id}?done=pause`)
    assert.match(page.html, /Paused: nothing runs until you resume it/)
    assert.equal((await postForm(h.app, session, `/ui/jobs/${job.id}/resume`)).status, 303)
    const { changes, job: after } = await service().getJobDetail(job.id)
    assert.equal(after.status, 'scheduled')
    assert.deepEqual(
      changes.slice(0, 2).map((c) => [c.change, c.actor, c.via]),
      [
        ['resume', 'tests', 'ui'],
        ['pause', 'tests', 'ui'],
      ],
    )
  })

  it('answers an htmx action with the job fragment only (no page around it)', async () => {
    const job = await createJob()
    const res = await postForm(
      h.app,
      session,
      `/ui/jobs/${job.id}/pause`,
      {},
      { 'HX-Request': 'true' },
    )
    assert.equal(res.status, 200)
    const html = await res.text()
    assert.match(html, /^<div id="job-page">/)
    assert.doesNotMatch(html, /<html|<!DOCTYPE/)
    assert.match(html, /role="status"[^>]*>Paused/)
    assert.match(html, /<span class="badge tone-warn">paused<\/span>/)
  })

  it('runs a job now: the attempt reaches the target and shows under Executions', async () => {
    const job = await createJob({ name: 'run me', every: '1d' })
    const before = h.receiver.requests.length
    const res = await postForm(h.app, session, `/ui/jobs/${job.id}/run`)
    assert.equal(res.status, 303)
    await h.receiver.waitFor(before + 1)
    const html = await waitUntil('the execution row', async () => {
      const page = await get(`/ui/jobs/${job.id}`)
      return /<td data-label="Response">HTTP 200/.test(page.html) ? page.html : null
    })
    assert.match(html, /\(run now\)/)
    assert.match(html, /Ran once now/)
  })

  it('cancels, then refuses to pause a cancelled job with a 409 that says why', async () => {
    const job = await createJob()
    assert.equal((await postForm(h.app, session, `/ui/jobs/${job.id}/cancel`)).status, 303)
    const plain = await postForm(h.app, session, `/ui/jobs/${job.id}/pause`)
    assert.equal(plain.status, 409)
    const text = await plain.text()
    assert.match(text, /<!DOCTYPE html>/)
    assert.match(text, /role="alert"[^>]*>Cannot pause job/)
    const htmx = await postForm(
      h.app,
      session,
      `/ui/jobs/${job.id}/pause`,
      {},
      { 'HX-Request': 'true' },
    )
    assert.equal(htmx.status, 409)
    assert.match(await htmx.text(), /^<div id="job-page">.*Cancelled jobs stay cancelled/s)
    assert.equal((await service().getJob(job.id)).job.status, 'cancelled')
  })

  it('answers 404 for an action that does not exist', async () => {
    const job = await createJob()
    const res = await postForm(h.app, session, `/ui/jobs/${job.id}/explode`)
    assert.equal(res.status, 404)
  })
})

describe('timing editor', () => {
  const timing = (fields: Record<string, string>) => ({
    kind: 'every',
    value: '',
    timezone: 'Europe/Madrid',
    starts_at: '',
    ends_at: '',
    max_runs: '',
    ...fields,
  })

  it('previews the next runs without changing the job, then saves what was previewed', async () => {
    const job = await createJob({ every: '1h' })
    const preview = await postForm(
      h.app,
      session,
      `/ui/jobs/${job.id}/timing`,
      { ...timing({ kind: 'cron', value: '30 8 * * *' }), intent: 'preview' },
      { 'HX-Request': 'true' },
    )
    assert.equal(preview.status, 200)
    const fragment = await preview.text()
    assert.match(fragment, /^<section id="timing"/)
    assert.match(
      fragment,
      /Runs at 08:30 every day \(Europe\/Madrid time; cron &quot;30 8 \* \* \*&quot;\)/,
    )
    assert.equal([...fragment.matchAll(/<li><time /g)].length, 5)
    assert.match(fragment, /name="intent" value="save"/)
    assert.equal(
      (await service().getJob(job.id)).job.schedule.type,
      'interval',
      'nothing saved yet',
    )

    const saved = await postForm(h.app, session, `/ui/jobs/${job.id}/timing`, {
      ...timing({ kind: 'cron', value: '30 8 * * *' }),
      intent: 'save',
    })
    assert.equal(saved.status, 303)
    assert.equal(saved.headers.get('location'), `/ui/jobs/${job.id}?done=timing`)
    const detail = await service().getJobDetail(job.id)
    assert.equal(detail.job.schedule.type, 'cron')
    assert.equal(detail.job.timezone, 'Europe/Madrid')
    assert.deepEqual(detail.changes[0]?.detail, {
      fields: ['cron', 'timezone'],
      timing: { cron: '30 8 * * *', timezone: 'Europe/Madrid' },
    })
    assert.equal(detail.changes[0]?.via, 'ui')
  })

  it('shows the tool’s own validation errors and keeps what was typed (422)', async () => {
    const job = await createJob()
    const bad = await postForm(h.app, session, `/ui/jobs/${job.id}/timing`, {
      ...timing({ kind: 'cron', value: '61 * * * *' }),
      intent: 'save',
    })
    assert.equal(bad.status, 422)
    const html = await bad.text()
    assert.match(html, /Not saved\./)
    assert.match(html, /<strong>cron<\/strong>/)
    assert.match(html, /value="61 \* \* \* \*"/)
    const schema = await postForm(h.app, session, `/ui/jobs/${job.id}/timing`, {
      ...timing({ value: '2h', max_runs: 'lots' }),
      intent: 'preview',
    })
    assert.equal(schema.status, 422)
    assert.match(await schema.text(), /<strong>max_runs<\/strong>/)
    assert.equal((await service().getJob(job.id)).job.schedule.every, '1h')
  })

  it('checks the form against updateJob’s own input schema (its length limits too)', async () => {
    const job = await createJob()
    const long = await postForm(h.app, session, `/ui/jobs/${job.id}/timing`, {
      ...timing({ value: `every ${'9'.repeat(140)} minutes` }),
      intent: 'save',
    })
    assert.equal(long.status, 422)
    const html = await long.text()
    assert.match(html, /<strong>every<\/strong>/)
    assert.match(html, /at most 100 characters/)
  })
})
