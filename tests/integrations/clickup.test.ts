import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signBody } from '../../src/integrations/clickup/index.ts'
import { authHeader } from '../helpers/app.ts'
import { sleep, waitUntil } from '../helpers/engine-wait.ts'
import {
  createdEvent,
  deletedEvent,
  dueDateEvent,
  HAND_SECRET,
  startClickUpHarness,
  statusEvent,
} from '../helpers/fake-clickup.ts'
import type { AnyJson } from '../helpers/http.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

const LIST = '901234'
let h: Awaited<ReturnType<typeof startClickUpHarness>>
let receiver: WebhookReceiver
let rule: AnyJson
let historySeq = 1000

const nextHistoryId = () => `2800787326392${String(historySeq++).padStart(6, '0')}`

async function deliver(body: unknown, secret = HAND_SECRET) {
  const raw = JSON.stringify(body)
  return h.app.request('/clickup/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signBody(secret, raw) },
    body: raw,
  })
}

async function createRule(body: Record<string, unknown>) {
  const res = await h.app.request('/clickup/rules', {
    method: 'POST',
    headers: { ...authHeader, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as AnyJson
}

interface JobRow {
  id: string
  status: string
  next_run_at: Date | null
  source: string
  source_ref: string
  dedupe_key: string
  action_params: AnyJson
}

async function link(ruleId: string, taskId: string) {
  const result = await h.scheduler.pool.query(
    'select * from clickup_rule_tasks where rule_id = $1 and task_id = $2',
    [ruleId, taskId],
  )
  return result.rows[0] as AnyJson
}

async function job(id: string): Promise<JobRow> {
  const result = await h.scheduler.pool.query<JobRow>(
    'select id, status, next_run_at, source, source_ref, dedupe_key, action_params from scheduled_jobs where id = $1',
    [id],
  )
  return result.rows[0] as JobRow
}

async function jobsOfTask(taskId: string): Promise<JobRow[]> {
  const result = await h.scheduler.pool.query<JobRow>(
    `select id, status, next_run_at, source, source_ref, dedupe_key, action_params
       from scheduled_jobs where source = 'clickup' and source_ref = $1 order by created_at`,
    [taskId],
  )
  return result.rows
}

const waitJob = (ruleId: string, taskId: string) =>
  waitUntil(`a job for ${taskId}`, async () => (await link(ruleId, taskId))?.job_id as string)

before(async () => {
  h = await startClickUpHarness('clickup-flow')
  receiver = await startWebhookReceiver()
  rule = await createRule({
    name: 'Remind before due',
    list_id: LIST,
    trigger_status: 'Scheduled',
    run_at_field: 'due_date',
    offset: '-15m',
    action: 'webhook',
    url: `${receiver.url}/remind`,
    body: '{"task":"{{task.name}}","url":"{{task.url}}"}',
  })
})

after(async () => {
  await h?.close()
  await receiver?.close()
})

describe('ClickUp webhook intake', () => {
  it('refuses a delivery without X-Signature with a 401 problem and stores nothing', async () => {
    const raw = JSON.stringify(
      statusEvent('t-nosig', nextHistoryId(), Date.now(), 'to do', 'scheduled'),
    )
    const res = await h.app.request('/clickup/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    })
    assert.equal(res.status, 401)
    assert.match(res.headers.get('content-type') ?? '', /problem\+json/)
    const stored = await h.scheduler.pool.query(
      "select 1 from clickup_events where task_id = 't-nosig'",
    )
    assert.equal(stored.rowCount, 0)
  })

  it('refuses a delivery signed with another secret, or a re-serialised body', async () => {
    const body = statusEvent('t-badsig', nextHistoryId(), Date.now(), 'to do', 'scheduled')
    assert.equal((await deliver(body, 'not-the-secret')).status, 401)
    const raw = JSON.stringify(body)
    const res = await h.app.request('/clickup/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signBody(HAND_SECRET, raw) },
      body: JSON.stringify(body, null, 2),
    })
    assert.equal(res.status, 401)
  })

  it('acknowledges a duplicate delivery with 200 and changes nothing', async () => {
    h.fake.setTask({
      id: 't-dup',
      name: 'Dup',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(Date.now() + 3_600_000),
    })
    const body = statusEvent('t-dup', nextHistoryId(), Date.now(), 'to do', 'scheduled')
    const first = (await (await deliver(body)).json()) as AnyJson
    assert.deepEqual(first, { accepted: 1, duplicate: false })
    await waitJob(rule.id, 't-dup')
    const second = await deliver(body)
    assert.equal(second.status, 200)
    assert.deepEqual(await second.json(), { accepted: 0, duplicate: true })
    await sleep(700)
    assert.equal((await jobsOfTask('t-dup')).length, 1)
    const events = await h.scheduler.pool.query(
      "select 1 from clickup_events where task_id = 't-dup'",
    )
    assert.equal(events.rowCount, 1)
  })

  it('answers 200 to non-task events and ignores them', async () => {
    const res = await deliver({
      event: 'listUpdated',
      list_id: '1',
      webhook_id: 'w',
      history_items: [],
    })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { accepted: 0, duplicate: false })
  })
})

describe('ClickUp event processing', () => {
  it('schedules one job for a task created in the trigger status, at its due date plus the offset', async () => {
    const due = Date.now() + 2 * 3_600_000
    h.fake.setTask({
      id: 't-new',
      name: 'Call "Ana"',
      status: 'Scheduled',
      list_id: LIST,
      due_date: String(due),
    })
    const res = await deliver(
      createdEvent('t-new', [nextHistoryId(), nextHistoryId()], Date.now(), 'scheduled'),
    )
    assert.equal(res.status, 200)
    const jobId = await waitJob(rule.id, 't-new')
    const row = await job(jobId)
    assert.equal(row.status, 'scheduled')
    assert.equal(row.source, 'clickup')
    assert.equal(row.source_ref, 't-new')
    assert.equal(row.dedupe_key, `clickup:${rule.id}:t-new`)
    assert.equal(row.next_run_at?.getTime(), due - 15 * 60_000)
    // The template was rendered with JSON escaping: the body is still valid JSON.
    assert.deepEqual(JSON.parse(row.action_params.body), {
      task: 'Call "Ana"',
      url: 'https://app.clickup.com/t/t-new',
    })
  })

  it('moves the job when the due date changes', async () => {
    const due = Date.now() + 3_600_000
    h.fake.setTask({
      id: 't-due',
      name: 'Due',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(due),
    })
    await deliver(statusEvent('t-due', nextHistoryId(), Date.now(), 'to do', 'scheduled'))
    const jobId = await waitJob(rule.id, 't-due')
    const later = due + 86_400_000
    h.fake.setTask({
      id: 't-due',
      name: 'Due',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(later),
    })
    await deliver(
      dueDateEvent('t-due', nextHistoryId(), Date.now() + 1, String(due), String(later)),
    )
    await waitUntil(
      'the job to move',
      async () => (await job(jobId)).next_run_at?.getTime() === later - 15 * 60_000,
    )
    assert.equal((await jobsOfTask('t-due')).length, 1)
  })

  it('cancels the job when the task leaves the status, and an older event arriving late does not bring it back', async () => {
    const t0 = Date.now()
    h.fake.setTask({
      id: 't-ooo',
      name: 'Ooo',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(t0 + 3_600_000),
    })
    await deliver(statusEvent('t-ooo', nextHistoryId(), t0, 'to do', 'scheduled'))
    const jobId = await waitJob(rule.id, 't-ooo')
    h.fake.setTask({
      id: 't-ooo',
      name: 'Ooo',
      status: 'done',
      list_id: LIST,
      due_date: String(t0 + 3_600_000),
    })
    await deliver(statusEvent('t-ooo', nextHistoryId(), t0 + 2_000, 'scheduled', 'done'))
    await waitUntil(
      'the job to be cancelled',
      async () => (await job(jobId)).status === 'cancelled',
    )
    // A stale read of ClickUp (or a replay) shows the task in the trigger status while an event
    // older than the cancel arrives: it is ignored.
    h.fake.setTask({
      id: 't-ooo',
      name: 'Ooo',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(t0 + 3_600_000),
    })
    await deliver(dueDateEvent('t-ooo', nextHistoryId(), t0 + 1_000, null, String(t0 + 3_600_000)))
    await sleep(1_000)
    const jobs = await jobsOfTask('t-ooo')
    assert.equal(jobs.length, 1)
    assert.equal(jobs[0]?.status, 'cancelled')
  })

  it('schedules a new job (new dedupe key) when the task re-enters the status later', async () => {
    const t0 = Date.now()
    h.fake.setTask({
      id: 't-back',
      name: 'Back',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(t0 + 3_600_000),
    })
    await deliver(statusEvent('t-back', nextHistoryId(), t0, 'to do', 'scheduled'))
    const first = await waitJob(rule.id, 't-back')
    h.fake.setTask({
      id: 't-back',
      name: 'Back',
      status: 'to do',
      list_id: LIST,
      due_date: String(t0 + 3_600_000),
    })
    await deliver(statusEvent('t-back', nextHistoryId(), t0 + 1_000, 'scheduled', 'to do'))
    await waitUntil('cancel', async () => (await job(first)).status === 'cancelled')
    h.fake.setTask({
      id: 't-back',
      name: 'Back',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(t0 + 3_600_000),
    })
    await deliver(statusEvent('t-back', nextHistoryId(), t0 + 2_000, 'to do', 'scheduled'))
    const jobs = await waitUntil('a second job', async () => {
      const rows = await jobsOfTask('t-back')
      return rows.length === 2 ? rows : null
    })
    assert.equal(jobs[1]?.status, 'scheduled')
    assert.equal(jobs[1]?.dedupe_key, `clickup:${rule.id}:t-back#2`)
  })

  it('cancels the job when the task is deleted', async () => {
    h.fake.setTask({
      id: 't-del',
      name: 'Del',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(Date.now() + 3_600_000),
    })
    await deliver(statusEvent('t-del', nextHistoryId(), Date.now(), 'to do', 'scheduled'))
    const jobId = await waitJob(rule.id, 't-del')
    h.fake.tasks.delete('t-del')
    const res = await deliver(deletedEvent('t-del'))
    assert.deepEqual(await res.json(), { accepted: 1, duplicate: false })
    await waitUntil('the note', async () =>
      /deleted/.test((await link(rule.id, 't-del')).last_note),
    )
    assert.equal((await job(jobId)).status, 'cancelled')
  })

  it('cancels the job when the due date is cleared', async () => {
    const due = String(Date.now() + 3_600_000)
    h.fake.setTask({
      id: 't-clear',
      name: 'Clear',
      status: 'scheduled',
      list_id: LIST,
      due_date: due,
    })
    await deliver(statusEvent('t-clear', nextHistoryId(), Date.now(), 'to do', 'scheduled'))
    const jobId = await waitJob(rule.id, 't-clear')
    h.fake.setTask({
      id: 't-clear',
      name: 'Clear',
      status: 'scheduled',
      list_id: LIST,
      due_date: null,
    })
    await deliver(dueDateEvent('t-clear', nextHistoryId(), Date.now() + 1, due, null))
    await waitUntil('the note', async () =>
      /no due_date/.test((await link(rule.id, 't-clear')).last_note),
    )
    assert.equal((await job(jobId)).status, 'cancelled')
  })

  it('retries an event when ClickUp fails, until it is processed', async () => {
    h.fake.setTask({
      id: 't-500',
      name: 'Flaky',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(Date.now() + 3_600_000),
    })
    h.fake.failPath('/task/t-500', 503)
    await deliver(statusEvent('t-500', nextHistoryId(), Date.now(), 'to do', 'scheduled'))
    await waitUntil('a refused GET', () => h.fake.requests.some((r) => r.path === '/task/t-500'))
    h.fake.failPath(null)
    await waitUntil('the retried event', async () => (await link(rule.id, 't-500'))?.job_id, 20_000)
    assert.equal((await jobsOfTask('t-500')).length, 1)
  })

  it('cancels the job when the task is moved to a List outside the rule', async () => {
    const due = String(Date.now() + 3_600_000)
    h.fake.setTask({
      id: 't-moved',
      name: 'Moved',
      status: 'scheduled',
      list_id: LIST,
      due_date: due,
    })
    await deliver(statusEvent('t-moved', nextHistoryId(), Date.now(), 'to do', 'scheduled'))
    const jobId = await waitJob(rule.id, 't-moved')
    h.fake.setTask({
      id: 't-moved',
      name: 'Moved',
      status: 'scheduled',
      list_id: '555',
      due_date: due,
    })
    await deliver({
      event: 'taskMoved',
      task_id: 't-moved',
      webhook_id: '7fa3ec74-0000-4530-a251-8a13730bd204',
      history_items: [
        {
          id: nextHistoryId(),
          type: 1,
          date: String(Date.now() + 1),
          field: 'section_moved',
          parent_id: '555',
          data: { mute_notifications: true },
          source: null,
          user: { id: 183, username: 'Ana' },
          before: {
            id: LIST,
            name: 'List',
            category: { id: '456', name: 'F', hidden: false },
            project: { id: '789', name: 'S' },
          },
          after: {
            id: '555',
            name: 'Other',
            category: { id: '456', name: 'F', hidden: false },
            project: { id: '789', name: 'S' },
          },
        },
      ],
    })
    await waitUntil('cancel after move', async () => (await job(jobId)).status === 'cancelled')
  })

  it('schedules nothing for a task without a due date and records why', async () => {
    h.fake.setTask({
      id: 't-nodate',
      name: 'No date',
      status: 'scheduled',
      list_id: LIST,
      due_date: null,
    })
    await deliver(statusEvent('t-nodate', nextHistoryId(), Date.now(), 'to do', 'scheduled'))
    const row = await waitUntil('a link note', async () => link(rule.id, 't-nodate'))
    assert.equal(row.job_id, null)
    assert.match(row.last_note, /no due_date/)
    assert.equal((await jobsOfTask('t-nodate')).length, 0)
  })

  it('ignores tasks of other Lists', async () => {
    h.fake.setTask({
      id: 't-other',
      name: 'Other',
      status: 'scheduled',
      list_id: '555',
      due_date: String(Date.now() + 3_600_000),
    })
    await deliver(statusEvent('t-other', nextHistoryId(), Date.now(), 'to do', 'scheduled', '555'))
    await sleep(1_000)
    assert.equal((await jobsOfTask('t-other')).length, 0)
  })

  it('waits for X-RateLimit-Reset on a 429 and then processes the event', async () => {
    h.fake.setTask({
      id: 't-429',
      name: 'Limited',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(Date.now() + 3_600_000),
    })
    const before429 = h.fake.requests.length
    h.fake.rateLimit(2, 1)
    const started = Date.now()
    await deliver(statusEvent('t-429', nextHistoryId(), Date.now(), 'to do', 'scheduled'))
    await waitJob(rule.id, 't-429')
    assert.ok(Date.now() - started >= 900, 'waited for the reset')
    const gets = h.fake.requests.slice(before429).filter((r) => r.path === '/task/t-429')
    assert.ok(gets.length >= 3, `expected two refused GETs and one served, saw ${gets.length}`)
    assert.equal((await jobsOfTask('t-429')).length, 1)
  })
})

describe('ClickUp write-back', () => {
  it('comments the outcome and sets the success status after the job succeeds', async () => {
    const wb = await createRule({
      name: 'Run now',
      list_id: 'wb-list',
      trigger_status: 'run me',
      run_at_field: 'now',
      action: 'webhook',
      url: `${receiver.url}/ok`,
      on_success_comment: 'Done for {{task.name}} ({{job.status}})',
      on_success_status: 'complete',
    })
    h.fake.setTask({ id: 't-wb-ok', name: 'Ship it', status: 'run me', list_id: 'wb-list' })
    await deliver(statusEvent('t-wb-ok', nextHistoryId(), Date.now(), 'to do', 'run me', 'wb-list'))
    await waitUntil('a comment', () => h.fake.comments.find((c) => c.taskId === 't-wb-ok'), 15_000)
    assert.equal(
      h.fake.comments.find((c) => c.taskId === 't-wb-ok')?.text,
      'Done for Ship it (succeeded)',
    )
    await waitUntil('the status change', () => h.fake.tasks.get('t-wb-ok')?.status === 'complete')
    assert.ok(receiver.requests.some((r) => r.path === '/ok'))
    const put = h.fake.requests.find((r) => r.method === 'PUT' && r.path === '/task/t-wb-ok')
    assert.deepEqual(put?.body, { status: 'complete' })
    // One write-back, queued by the transaction that recorded the run, with the queue's retries.
    const jobId = (await link(wb.id, 't-wb-ok'))?.job_id as string
    const queued = await h.scheduler.pool.query(
      `select data, retry_limit from pgboss.job where name = 'clickup-writeback' and data->>'job_id' = $1`,
      [jobId],
    )
    assert.deepEqual(queued.rows, [
      { data: { job_id: jobId, status: 'succeeded', error: null }, retry_limit: 8 },
    ])
    await deleteRule(wb.id)
  })

  it('comments the error after the final failed attempt and sets the failure status', async () => {
    receiver.respond = (req) =>
      req.path === '/fail' ? { status: 500, body: 'boom' } : { status: 200 }
    const wb = await createRule({
      name: 'Failing',
      list_id: 'wb-fail',
      trigger_status: 'run me',
      run_at_field: 'now',
      action: 'webhook',
      url: `${receiver.url}/fail`,
      on_failure_comment: 'Could not run {{task.name}}',
      on_failure_status: 'blocked',
    })
    h.fake.setTask({ id: 't-wb-fail', name: 'Broken', status: 'run me', list_id: 'wb-fail' })
    await deliver(
      statusEvent('t-wb-fail', nextHistoryId(), Date.now(), 'to do', 'run me', 'wb-fail'),
    )
    const comment = await waitUntil(
      'a failure comment',
      () => h.fake.comments.find((c) => c.taskId === 't-wb-fail'),
      20_000,
    )
    assert.match(comment.text, /^Could not run Broken\nError: http_status/)
    assert.equal(
      receiver.requests.filter((r) => r.path === '/fail').length,
      3,
      'only after the final attempt',
    )
    await waitUntil('the failure status', () => h.fake.tasks.get('t-wb-fail')?.status === 'blocked')
    assert.equal(h.fake.comments.filter((c) => c.taskId === 't-wb-fail').length, 1)
    await deleteRule(wb.id)
  })
})

async function deleteRule(id: string) {
  const res = await h.app.request(`/clickup/rules/${id}`, { method: 'DELETE', headers: authHeader })
  assert.equal(res.status, 200)
}
