/** The overview and ClickUp pages: charts, rules CRUD with write-only headers, webhooks, events, reconcile. */
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
import { deliverSigned, statusEvent } from '../helpers/fake-clickup.ts'

let h: DashboardHarness
let session: TestSession

before(async () => {
  h = await startDashboardHarness('ui_clickup')
  session = await loginForTest(h.app)
})
after(() => h.close())

const get = async (path: string) => {
  const res = await h.app.request(path, { headers: { Cookie: session.cookie } })
  return { status: res.status, html: await res.text() }
}
const clickup = () => {
  const service = h.scheduler.runtime.clickup
  if (!service) throw new Error('ClickUp is off')
  return service
}

const RULE = {
  name: 'Ping before due',
  trigger_status: 'scheduled',
  list_id: '901234',
  run_at_field: 'due_date',
  offset: '-15m',
  action: 'webhook',
}

async function storedRule(name: string) {
  const { rows } = await h.scheduler.pool.query(
    'select id, action_fields from clickup_rules where name = $1',
    [name],
  )
  return rows[0] as { id: string; action_fields: Record<string, unknown> } | undefined
}

describe('overview', () => {
  it('counts jobs by status and draws the charts as labelled SVG with the numbers in a table', async () => {
    await h.scheduler.runtime.service.createJob(
      'webhook',
      { name: 'overview job', every: '1h', url: `${h.receiver.url}/o` },
      { name: 'tests' },
    )
    const { status, html } = await get('/ui')
    assert.equal(status, 200)
    assert.match(
      html,
      /<a class="stat-body" href="\/ui\/jobs\?status=scheduled"><span class="stat-value">1<\/span>/,
    )
    assert.match(html, /due, not started/)
    assert.equal(
      [...html.matchAll(/<svg viewBox="0 0 600 200" role="img" aria-labelledby="/g)].length,
      2,
    )
    assert.match(html, /<summary>Attempts per hour as a table<\/summary>/)
    assert.doesNotMatch(html, /\sstyle="/, 'the CSP forbids inline styles')
  })
})

describe('ClickUp rules', () => {
  it('creates a rule from the form: only the chosen action’s fields, headers stored but never shown', async () => {
    const res = await postForm(h.app, session, '/ui/clickup/rules', {
      ...RULE,
      'webhook.url': `${h.receiver.url}/ping?task={{task.id}}`,
      'webhook.headers': '{"X-Api-Key":"rule-secret-value"}',
      'webhook.body': '',
      'whatsapp.to': 'ignored: not the chosen action',
    })
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), '/ui/clickup?done=rule-created')
    const rule = await storedRule(RULE.name)
    assert.ok(rule)
    assert.equal(rule.action_fields.headers, '{"X-Api-Key":"rule-secret-value"}')
    assert.equal(rule.action_fields.to, undefined)
    const list = await get('/ui/clickup?done=rule-created')
    assert.match(list.html, /The rule is created/)
    assert.match(list.html, /headers X-Api-Key/)
    const form = await get(`/ui/clickup/rules/${rule.id}`)
    assert.match(form.html, /Stored: X-Api-Key \(values hidden\)/)
    for (const page of [list.html, form.html]) assert.doesNotMatch(page, /rule-secret-value/)
  })

  it('keeps the stored headers when their field is left empty, and replaces them when given', async () => {
    const rule = await storedRule(RULE.name)
    assert.ok(rule)
    const save = (fields: Record<string, string>) =>
      postForm(h.app, session, `/ui/clickup/rules/${rule.id}`, {
        ...RULE,
        'webhook.url': `${h.receiver.url}/ping`,
        ...fields,
      })
    assert.equal((await save({ offset: '-30m', 'webhook.headers': '' })).status, 303)
    let stored = await storedRule(RULE.name)
    assert.equal(stored?.action_fields.headers, '{"X-Api-Key":"rule-secret-value"}')
    assert.equal(stored?.action_fields.url, `${h.receiver.url}/ping`)
    assert.equal((await save({ 'webhook.headers': '{"X-Other":"b"}' })).status, 303)
    stored = await storedRule(RULE.name)
    assert.equal(stored?.action_fields.headers, '{"X-Other":"b"}')
  })

  it('refuses invalid input with the same validation as the API, naming fields, without echoing headers', async () => {
    const res = await postForm(h.app, session, '/ui/clickup/rules', {
      ...RULE,
      name: 'Broken rule',
      offset: 'soon',
      'webhook.url': '',
      'webhook.headers': '{"X-Api-Key":"typed-secret"}',
    })
    assert.equal(res.status, 422)
    const html = await res.text()
    assert.match(html, /<strong>offset<\/strong> &quot;soon&quot; is not a duration/)
    assert.match(html, /<strong>url<\/strong> is required for a webhook rule/)
    assert.match(html, /value="Broken rule"/, 'what was typed stays')
    assert.doesNotMatch(html, /typed-secret/)
    assert.equal(await storedRule('Broken rule'), undefined)
  })

  it('deletes a rule', async () => {
    const rule = await storedRule(RULE.name)
    assert.ok(rule)
    const res = await postForm(h.app, session, `/ui/clickup/rules/${rule.id}/delete`)
    assert.equal(res.status, 303)
    assert.equal(await storedRule(RULE.name), undefined)
  })
})

describe('ClickUp webhooks, events and reconciliation', () => {
  it('registers a webhook, shows its health, and re-registers a suspended one', async () => {
    const res = await postForm(h.app, session, '/ui/clickup/webhooks', {
      team_id: '108',
      list_id: '901234',
    })
    assert.equal(res.status, 303)
    const fake = h.fake
    assert.ok(fake)
    const hook = fake.webhooks.at(-1) as { id: string; health: Record<string, unknown> }
    hook.health = { status: 'suspended', fail_count: 100 }
    const page = await get('/ui/clickup')
    assert.match(page.html, /<span class="badge tone-bad">suspended<\/span>/)
    assert.match(page.html, /100 failures/)
    const again = await postForm(h.app, session, `/ui/clickup/webhooks/${hook.id}/reregister`)
    assert.equal(again.status, 303)
    assert.equal(again.headers.get('location'), '/ui/clickup?done=reregistered')
    assert.ok(!fake.webhooks.some((w) => w.id === hook.id), 'the old hook is deleted in ClickUp')
    const { rows } = await h.scheduler.pool.query('select id from clickup_webhooks')
    assert.deepEqual(
      rows.map((r) => r.id),
      [fake.webhooks.at(-1)?.id],
    )
    const after = await get('/ui/clickup?done=reregistered')
    assert.match(after.html, /<span class="badge tone-ok">active<\/span>/)
  })

  it('still shows the page when ClickUp cannot list the webhooks, saying so', async () => {
    h.fake?.failPath('/team/108/webhook', 500)
    try {
      const page = await get('/ui/clickup')
      assert.equal(page.status, 200)
      assert.match(page.html, /ClickUp would not list the webhooks of workspace 108: ClickUp GET/)
      assert.match(page.html, /<span class="badge tone-neutral">unknown<\/span>/)
    } finally {
      h.fake?.failPath(null)
    }
  })

  it('refuses a workspace id that is not a number, saying what one looks like', async () => {
    const res = await postForm(h.app, session, '/ui/clickup/webhooks', { team_id: 'my team' })
    assert.equal(res.status, 422)
    assert.match(await res.text(), /workspace id .* are numbers/)
  })

  it('shows what each received event did, and the jobs ClickUp changed carry clickup in their history', async () => {
    await clickup().createRule({ ...RULE, name: 'Event rule', url: `${h.receiver.url}/event` })
    h.fake?.setTask({
      id: 'task-ui-1',
      name: 'Call the supplier',
      status: 'scheduled',
      list_id: '901234',
      due_date: String(Date.now() + 86_400_000),
    })
    const delivered = await deliverSigned(
      h.app,
      statusEvent('task-ui-1', 'hist-ui-1', Date.now(), 'to do', 'scheduled'),
    )
    assert.equal(delivered.status, 200)
    const html = await waitUntil('the event outcome on the page', async () => {
      const page = await get('/ui/clickup')
      return /Event rule: job scheduled/.test(page.html) ? page.html : null
    })
    const jobId = /Event rule: job scheduled<span> \(<a href="\/ui\/jobs\/([0-9a-f-]+)"/.exec(
      html,
    )?.[1]
    assert.ok(jobId)
    const job = await get(`/ui/jobs/${jobId}`)
    assert.match(job.html, /ClickUp task task-ui-1/)
    assert.match(
      job.html,
      /<td data-label="Who">clickup<\/td><td data-label="Through">clickup<\/td>/,
    )
  })

  it('reconciles on request and shows the result, or the error when ClickUp fails', async () => {
    const ok = await postForm(h.app, session, '/ui/clickup/reconcile')
    assert.equal(ok.status, 303)
    assert.match(
      (await get('/ui/clickup')).html,
      /Last pass <time[^>]*>[^<]+<\/time>: \d+ tasks checked/,
    )
    h.fake?.failPath('/list/', 500)
    try {
      const failed = await postForm(h.app, session, '/ui/clickup/reconcile')
      assert.equal(failed.status, 424)
      assert.match(await failed.text(), /role="alert"[^>]*>ClickUp failed: ClickUp GET/)
      assert.match(
        (await get('/ui/clickup')).html,
        /The last pass .* failed: ClickUp GET \/list\/901234\/task answered 500/,
      )
    } finally {
      h.fake?.failPath(null)
    }
  })
})
