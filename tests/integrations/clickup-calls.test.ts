/**
 * Outside calls to ClickUp: a task is read outside any transaction (no lock held while ClickUp
 * answers), an older read applied after a newer one changes nothing, rate limits are waited out only
 * within a bound and shared by replicas through PostgreSQL, and an inline reconciliation that meets
 * a ClickUp failure answers the documented 424.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { applyTask } from '../../src/integrations/clickup/apply.ts'
import { type ClickUpTask, createClickUpClient } from '../../src/integrations/clickup/client.ts'
import type { ClickUpContext } from '../../src/integrations/clickup/context.ts'
import { createClickUpService } from '../../src/integrations/clickup/index.ts'
import { createRateBudget } from '../../src/integrations/clickup/rate-budget.ts'
import { authHeader } from '../helpers/app.ts'
import { sleep, waitUntil } from '../helpers/engine-wait.ts'
import { deliverSigned, startClickUpHarness, statusEvent } from '../helpers/fake-clickup.ts'
import type { AnyJson } from '../helpers/http.ts'

const LIST = '4242'
let h: Awaited<ReturnType<typeof startClickUpHarness>>
let ruleId: string
let seq = 0

async function post(path: string, body?: unknown) {
  const res = await h.app.request(path, {
    method: 'POST',
    headers: { ...authHeader, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as AnyJson }
}

/** What another replica on the same database builds: its own client and service. */
function replicaDeps() {
  const runtime = h.scheduler.runtime
  return {
    config: {
      apiUrl: h.fake.url,
      apiToken: h.fake.token,
      webhookSecret: null,
      reconcileIntervalMinutes: 0,
      publicUrl: 'http://tools.test:8000',
    },
    pool: h.scheduler.pool,
    boss: runtime.boss,
    scheduler: runtime.service,
    registry: runtime.registry,
    clock: { now: () => new Date() },
    logger: h.scheduler.logs.logger,
    runWorkers: false,
  }
}

async function linkOf(taskId: string) {
  const result = await h.scheduler.pool.query(
    'select job_id, task_updated_ms from clickup_rule_tasks where rule_id = $1 and task_id = $2',
    [ruleId, taskId],
  )
  return result.rows[0] as { job_id: string | null; task_updated_ms: string | null } | undefined
}

async function jobStatus(id: string): Promise<string> {
  const result = await h.scheduler.pool.query('select status from scheduled_jobs where id = $1', [
    id,
  ])
  return result.rows[0].status
}

before(async () => {
  h = await startClickUpHarness('clickup-calls')
  const created = await post('/clickup/rules', {
    name: 'Calls',
    list_id: LIST,
    trigger_status: 'scheduled',
    action: 'webhook',
    url: 'http://127.0.0.1:9/hook',
  })
  assert.equal(created.status, 201)
  ruleId = created.body.id
})

after(async () => {
  await h?.close()
})

describe('reading a task', () => {
  it('holds no transaction and no task lock while ClickUp answers', async () => {
    h.fake.setTask({
      id: 'slow-task',
      name: 'slow',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(Date.now() + 86_400_000),
    })
    h.fake.delayPath('/task/slow-task', 1_500)
    try {
      const before = h.fake.requests.length
      const event = statusEvent('slow-task', `88${++seq}`, Date.now(), 'to do', 'scheduled')
      assert.equal((await deliverSigned(h.app, event)).status, 200)
      await waitUntil('the task read to start', () =>
        h.fake.requests.slice(before).some((r) => r.path === '/task/slow-task'),
      )
      await sleep(300)
      // The engine's claims and pg-boss's maintenance may hold transactions and advisory locks
      // meanwhile; only ClickUp's count here (its task lock is the key's hashtext, one bigint key).
      const held = await h.scheduler.pool.query(
        `select (select count(*)::int from pg_locks l join pg_database d on d.oid = l.database
                  where l.locktype = 'advisory' and d.datname = current_database()
                    and l.objsubid = 1
                    and l.objid = (hashtext('clickup-task:slow-task')::bigint & 4294967295)::oid)
                  as advisory,
                (select count(*)::int from pg_stat_activity
                  where datname = current_database() and state like 'idle in transaction%'
                    and query ~* 'clickup|advisory') as open_tx`,
      )
      assert.deepEqual(held.rows[0], { advisory: 0, open_tx: 0 })
    } finally {
      h.fake.delayPath(null)
    }
    await waitUntil('the job', async () => (await linkOf('slow-task'))?.job_id)
  })

  it('ignores a read of the task older than one already applied', async () => {
    const svc: ClickUpContext = {
      ...replicaDeps(),
      client: createClickUpClient({
        apiUrl: h.fake.url,
        token: h.fake.token,
        logger: h.scheduler.logs.logger,
      }),
    }
    const due = String(Date.now() + 86_400_000)
    const task = (status: string, updated: number): ClickUpTask => ({
      id: 'raced-task',
      name: 'raced',
      status: { status },
      list: { id: LIST },
      due_date: due,
      date_updated: String(updated),
    })
    const ctx = { eventAt: new Date(), statusTo: null, force: false }
    // Worker B read the task after it entered the status and applied first; worker A had read it
    // a moment earlier, still in "to do", and applies afterwards.
    assert.deepEqual(await applyTask(svc, 'raced-task', ctx, task('scheduled', 2_000)), ['created'])
    const jobId = (await linkOf('raced-task'))?.job_id as string
    assert.deepEqual(await applyTask(svc, 'raced-task', ctx, task('to do', 1_000)), ['ignored'])
    assert.equal(await jobStatus(jobId), 'scheduled')
    assert.equal((await linkOf('raced-task'))?.task_updated_ms, '2000')
    // A newer read still applies.
    assert.deepEqual(await applyTask(svc, 'raced-task', ctx, task('to do', 3_000)), ['cancelled'])
  })
})

describe('rate limits', () => {
  it('fails a call whose reset is past its wait budget at once, and other replicas see it too', async () => {
    const before = h.fake.requests.length
    h.fake.rateLimit(10, 3_600)
    try {
      const started = Date.now()
      const first = await post('/clickup/reconcile')
      assert.equal(first.status, 424, JSON.stringify(first.body))
      assert.equal(first.body.clickup_status, 429)
      assert.match(first.body.detail, /rate limit/i)
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`)
      assert.equal(h.fake.requests.length - before, 1, 'one request drew the 429')

      // Another replica on the same database does not even ask ClickUp until the reset.
      const replica = createClickUpService(replicaDeps())
      const second = await replica.reconcile().catch((err: unknown) => err)
      assert.equal((second as { status?: number }).status, 424)
      assert.equal(h.fake.requests.length - before, 1, 'no request from the other replica')
      await replica.stop()
    } finally {
      h.fake.rateLimit(0)
      await h.scheduler.pool.query('delete from clickup_rate_budget')
    }
  })

  it('waits out a reset that is near, within the budget, and goes on', async () => {
    const budget = createRateBudget(h.scheduler.pool, h.fake.token, h.scheduler.logs.logger)
    const client = createClickUpClient({
      apiUrl: h.fake.url,
      token: h.fake.token,
      logger: h.scheduler.logs.logger,
      budget,
      maxRateLimitWaitMs: 10_000,
    })
    h.fake.setTask({ id: 'rl-task', name: 'rl', status: 'to do', list_id: LIST })
    h.fake.rateLimit(1, 1)
    const started = Date.now()
    const task = await client.getTask('rl-task')
    assert.equal(task?.id, 'rl-task')
    assert.ok(Date.now() - started >= 250)
    await h.scheduler.pool.query('delete from clickup_rate_budget')
  })

  it('stops waiting when the call has waited its budget', async () => {
    const client = createClickUpClient({
      apiUrl: h.fake.url,
      token: h.fake.token,
      logger: h.scheduler.logs.logger,
      maxRateLimitWaitMs: 1_500,
    })
    h.fake.rateLimit(10, 1)
    try {
      const started = Date.now()
      await assert.rejects(client.getTask('rl-task'), (err: AnyJson) => err.status === 429)
      assert.ok(Date.now() - started < 4_000)
    } finally {
      h.fake.rateLimit(0)
    }
  })
})

describe('POST /clickup/reconcile when ClickUp fails', () => {
  it('answers 424 naming the failed call when a List listing answers 500', async () => {
    h.fake.failPath('/list/', 500)
    try {
      const answer = await post('/clickup/reconcile')
      assert.equal(answer.status, 424, JSON.stringify(answer.body))
      assert.match(answer.body.detail, /GET \/list\/4242\/task answered 500/)
      assert.match(answer.body.detail, /try again/)
    } finally {
      h.fake.failPath(null)
    }
  })

  it('answers 424 when the workspace listing (GET /team) fails for a rule without a List', async () => {
    const created = await post('/clickup/rules', {
      name: 'Workspace-wide',
      trigger_status: 'scheduled',
      action: 'webhook',
      url: 'http://127.0.0.1:9/hook',
    })
    assert.equal(created.status, 201)
    h.fake.failPath('/team', 500)
    try {
      const answer = await post('/clickup/reconcile')
      assert.equal(answer.status, 424, JSON.stringify(answer.body))
      assert.match(answer.body.detail, /GET \/team answered 500/)
    } finally {
      h.fake.failPath(null)
    }
  })
})
