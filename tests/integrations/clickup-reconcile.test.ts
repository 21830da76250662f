import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { authHeader } from '../helpers/app.ts'
import { waitUntil } from '../helpers/engine-wait.ts'
import { deliverSigned, startClickUpHarness, statusEvent } from '../helpers/fake-clickup.ts'
import type { AnyJson } from '../helpers/http.ts'

const LIST = '777'
let h: Awaited<ReturnType<typeof startClickUpHarness>>

async function post(path: string, body?: unknown) {
  return h.app.request(path, {
    method: 'POST',
    headers: { ...authHeader, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

async function jobOf(taskId: string) {
  const result = await h.scheduler.pool.query(
    `select id, status, next_run_at from scheduled_jobs
      where source = 'clickup' and source_ref = $1 order by created_at`,
    [taskId],
  )
  return result.rows as { id: string; status: string; next_run_at: Date | null }[]
}

before(async () => {
  h = await startClickUpHarness('clickup-reconcile')
  const res = await post('/clickup/rules', {
    name: 'Reconciled',
    list_id: LIST,
    trigger_status: 'scheduled',
    run_at_field: 'start_date',
    offset: '1h',
    action: 'webhook',
    url: 'http://127.0.0.1:9/never',
  })
  assert.equal(res.status, 201)
})

after(async () => {
  await h?.close()
})

describe('reconcileClickUp', () => {
  const hour = 3_600_000
  const base = Date.now() + 24 * hour

  it('creates jobs for tasks whose webhooks were missed, across pages of the List', async () => {
    for (const id of ['r1', 'r2', 'r3']) {
      h.fake.setTask({ id, name: id, status: 'Scheduled', list_id: LIST, start_date: String(base) })
    }
    h.fake.setTask({
      id: 'r-off',
      name: 'off',
      status: 'to do',
      list_id: LIST,
      start_date: String(base),
    })
    const res = await post('/clickup/reconcile')
    assert.equal(res.status, 200)
    const body = (await res.json()) as AnyJson
    assert.equal(body.created, 3)
    for (const id of ['r1', 'r2', 'r3']) {
      const jobs = await jobOf(id)
      assert.equal(jobs.length, 1)
      assert.equal(jobs[0]?.next_run_at?.getTime(), base + hour)
    }
    assert.equal((await jobOf('r-off')).length, 0)
    const pages = h.fake.requests.filter((r) => r.path === `/list/${LIST}/task`)
    assert.deepEqual(
      pages.map((r) => r.query.get('page')),
      ['0', '1'],
    )
    assert.equal(pages[0]?.query.get('statuses[]'), 'scheduled')
  })

  it('cancels stale jobs, applies moved dates and leaves the rest alone', async () => {
    // r1 moved to done, r2's start date moved, r3 deleted, all without any webhook.
    h.fake.setTask({
      id: 'r1',
      name: 'r1',
      status: 'done',
      list_id: LIST,
      start_date: String(base),
    })
    h.fake.setTask({
      id: 'r2',
      name: 'r2',
      status: 'scheduled',
      list_id: LIST,
      start_date: String(base + 2 * hour),
    })
    h.fake.tasks.delete('r3')
    const body = (await (await post('/clickup/reconcile')).json()) as AnyJson
    assert.equal(body.cancelled, 2)
    assert.equal(body.updated, 1)
    assert.equal(body.created, 0)
    assert.equal((await jobOf('r1'))[0]?.status, 'cancelled')
    assert.equal((await jobOf('r3'))[0]?.status, 'cancelled')
    const r2 = await jobOf('r2')
    assert.equal(r2.length, 1)
    assert.equal(r2[0]?.status, 'scheduled')
    assert.equal(r2[0]?.next_run_at?.getTime(), base + 3 * hour)
    // A second pass finds nothing to fix.
    const again = (await (await post('/clickup/reconcile')).json()) as AnyJson
    assert.deepEqual([again.created, again.updated, again.cancelled], [0, 0, 0])
  })

  it('runs as a pg-boss job and waits out a 429', async () => {
    h.fake.setTask({
      id: 'r4',
      name: 'r4',
      status: 'scheduled',
      list_id: LIST,
      start_date: String(base),
    })
    h.fake.rateLimit(1, 1)
    await h.scheduler.runtime.boss.send('clickup-reconcile', {})
    await waitUntil('r4 to get a job', async () => (await jobOf('r4')).length === 1, 15_000)
  })

  it('answers 401 without an API key', async () => {
    const res = await h.app.request('/clickup/reconcile', { method: 'POST' })
    assert.equal(res.status, 401)
  })
})

describe('ClickUp webhook registration', () => {
  it('creates the webhook with the task events, stores its secret and accepts deliveries signed with it', async () => {
    const res = await post('/clickup/webhooks', { team_id: '108', list_id: LIST })
    assert.equal(res.status, 201, await res.clone().text())
    const body = (await res.json()) as AnyJson
    assert.equal(body.secret, undefined, 'the secret is never returned')
    assert.equal(body.endpoint, 'http://tools.test:8000/clickup/webhook')
    const sent = h.fake.requests.find((r) => r.method === 'POST' && r.path === '/team/108/webhook')
    assert.equal(sent?.body?.list_id, Number(LIST))
    assert.ok(((sent?.body?.events ?? []) as string[]).includes('taskStatusUpdated'))
    assert.ok(((sent?.body?.events ?? []) as string[]).includes('taskDeleted'))
    const secret = String(h.fake.webhooks[0]?.secret)
    h.fake.setTask({
      id: 'r5',
      name: 'r5',
      status: 'scheduled',
      list_id: LIST,
      start_date: String(Date.now() + 3_600_000),
    })
    const delivery = await deliverSigned(
      h.app,
      statusEvent('r5', '99000001', Date.now(), 'to do', 'scheduled', LIST),
      secret,
    )
    assert.equal(delivery.status, 200)
    await waitUntil('r5 job', async () => (await jobOf('r5')).length === 1)
  })

  it('lists the team’s webhooks with ClickUp’s health and whether the secret is stored', async () => {
    const res = await h.app.request('/clickup/webhooks?team_id=108', { headers: authHeader })
    assert.equal(res.status, 200)
    const body = (await res.json()) as AnyJson
    assert.equal(body.webhooks.length, 1)
    assert.equal(body.webhooks[0].health_status, 'active')
    assert.equal(body.webhooks[0].fail_count, 0)
    assert.equal(body.webhooks[0].secret_stored, true)
    assert.deepEqual(body.missing_in_clickup, [])
  })

  it('answers 424 when ClickUp refuses the registration', async () => {
    h.fake.failPath('/team/', 500)
    try {
      const res = await post('/clickup/webhooks', { team_id: '108' })
      assert.equal(res.status, 424)
      assert.match(((await res.json()) as AnyJson).detail, /answered 500/)
    } finally {
      h.fake.failPath(null)
    }
  })
})

describe('reconciliation housekeeping', () => {
  it('reports registered webhooks that ClickUp marks suspended or no longer lists', async () => {
    const hook = h.fake.webhooks[0] as { id: string; health: unknown }
    hook.health = { status: 'suspended', fail_count: 100 }
    const body = (await (await post('/clickup/reconcile')).json()) as AnyJson
    assert.deepEqual(body.webhook_problems, [
      { id: hook.id, team_id: '108', status: 'suspended', fail_count: 100 },
    ])
    h.fake.webhooks.length = 0
    const gone = (await (await post('/clickup/reconcile')).json()) as AnyJson
    assert.equal(gone.webhook_problems[0].status, 'missing')
  })

  it('prunes inbox events older than 30 days and keeps recent ones', async () => {
    await h.scheduler.pool.query(
      `insert into clickup_events (history_id, event, task_id, payload, received_at)
       values ('old-1', 'taskUpdated', 'x', '{}', now() - interval '31 days'),
              ('new-1', 'taskUpdated', 'x', '{}', now() - interval '29 days')`,
    )
    const body = (await (await post('/clickup/reconcile')).json()) as AnyJson
    assert.equal(body.events_pruned, 1)
    const left = await h.scheduler.pool.query(
      "select history_id from clickup_events where history_id in ('old-1', 'new-1')",
    )
    assert.deepEqual(
      left.rows.map((r) => r.history_id),
      ['new-1'],
    )
  })
})

describe('reconciling a rule without a List', () => {
  it('lists the trigger status across the whole workspace, across pages and Lists', async () => {
    const created = await post('/clickup/rules', {
      name: 'Workspace-wide',
      trigger_status: 'in review',
      run_at_field: 'now',
      action: 'webhook',
      url: 'http://127.0.0.1:9/never',
    })
    assert.equal(created.status, 201, await created.clone().text())
    const rule = (await created.json()) as AnyJson
    const ruleId = rule.rule?.id ?? rule.id
    try {
      for (const [id, list] of [
        ['w1', '501'],
        ['w2', '502'],
        ['w3', '503'],
      ] as const) {
        h.fake.setTask({ id, name: id, status: 'In Review', list_id: list })
      }
      h.fake.setTask({ id: 'w-off', name: 'off', status: 'to do', list_id: '501' })
      const before = h.fake.requests.length
      const body = (await (await post('/clickup/reconcile')).json()) as AnyJson
      assert.ok(body.created >= 3, JSON.stringify(body))
      for (const id of ['w1', 'w2', 'w3']) assert.equal((await jobOf(id)).length, 1, id)
      assert.equal((await jobOf('w-off')).length, 0)
      const pages = h.fake.requests
        .slice(before)
        .filter((r) => r.path === '/team/108/task' && r.query.get('statuses[]') === 'in review')
      assert.deepEqual(
        pages.map((r) => r.query.get('page')),
        ['0', '1'],
      )
    } finally {
      await h.app.request(`/clickup/rules/${ruleId}`, { method: 'DELETE', headers: authHeader })
    }
  })
})
