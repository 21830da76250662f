/**
 * Signed ClickUp deliveries with odd payloads: each used to crash the handler with a 500 (ClickUp
 * counts failures toward suspending the webhook). Now each gets a 200; what cannot be used is kept
 * as rejected with the reason and logged, and what can is processed.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signBody } from '../../src/integrations/clickup/index.ts'
import { authHeader } from '../helpers/app.ts'
import { waitUntil } from '../helpers/engine-wait.ts'
import { HAND_SECRET, startClickUpHarness, statusEvent } from '../helpers/fake-clickup.ts'
import type { AnyJson } from '../helpers/http.ts'

const LIST = '901234'
let h: Awaited<ReturnType<typeof startClickUpHarness>>
let ruleId: string
let seq = 0
const historyId = () => `77${String(++seq).padStart(12, '0')}`

/** Posts raw text signed with the hand-made secret, as ClickUp would. */
async function deliverRaw(raw: string) {
  const res = await h.app.request('/clickup/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signBody(HAND_SECRET, raw) },
    body: raw,
  })
  return { status: res.status, body: (await res.json()) as AnyJson }
}

async function rejectedRows(reason: RegExp) {
  const result = await h.scheduler.pool.query(
    'select history_id, task_id, rejected_reason, payload from clickup_events where rejected_reason is not null',
  )
  return result.rows.filter((row) => reason.test(row.rejected_reason))
}

async function jobFor(taskId: string): Promise<string | null> {
  const result = await h.scheduler.pool.query(
    'select job_id from clickup_rule_tasks where rule_id = $1 and task_id = $2',
    [ruleId, taskId],
  )
  return (result.rows[0]?.job_id as string | undefined) ?? null
}

function scheduledTask(id: string) {
  h.fake.setTask({
    id,
    name: `task ${id}`,
    status: 'scheduled',
    list_id: LIST,
    due_date: String(Date.now() + 48 * 3_600_000),
  })
}

before(async () => {
  h = await startClickUpHarness('clickup-intake')
  const res = await h.app.request('/clickup/rules', {
    method: 'POST',
    headers: { ...authHeader, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Intake',
      list_id: LIST,
      trigger_status: 'scheduled',
      action: 'webhook',
      url: 'http://127.0.0.1:9/hook',
    }),
  })
  assert.equal(res.status, 201)
  ruleId = ((await res.json()) as AnyJson).id
})

after(async () => {
  await h?.close()
})

describe('signed deliveries that cannot be used', () => {
  for (const [label, raw, reason] of [
    ['a null body', 'null', /not a JSON object/],
    ['a body that is not JSON', '{"event":"taskUpdated",', /not JSON/],
    ['an array body', '[1,2]', /not a JSON object/],
    ['an event that is not text', '{"event":{"a":1},"task_id":"abc"}', /event/],
    ['a NUL in task_id', '{"event":"taskUpdated","task_id":"ab\\u0000c"}', /task_id/],
    ['a task event without task_id', '{"event":"taskUpdated"}', /without task_id/],
    ['a task_id that is an object', '{"event":"taskUpdated","task_id":{"x":1}}', /event|task_id/],
  ] as const) {
    it(`answers 200 to ${label}, stores it as rejected with the reason and logs it`, async () => {
      const answer = await deliverRaw(raw)
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(answer.body.accepted, 0)
      assert.match(answer.body.rejected, reason)
      const rows = await rejectedRows(reason)
      assert.ok(rows.length > 0)
      assert.ok(rows.every((row) => row.task_id === null))
      assert.ok(
        h.scheduler.logs
          .lines()
          .some((l) => /stored as rejected/.test(String(l.msg)) && reason.test(String(l.reason))),
      )
    })
  }

  it('answers a re-delivery of the same unusable body as a duplicate, storing it once', async () => {
    const raw = '{"event":"taskMoved","task_id":"bad id with spaces"}'
    const first = await deliverRaw(raw)
    const second = await deliverRaw(raw)
    assert.equal(first.status, 200)
    assert.equal(second.status, 200)
    assert.equal(second.body.duplicate, true)
    const rows = await rejectedRows(/task_id is not/)
    assert.equal(rows.filter((row) => row.payload.raw === raw).length, 1)
  })

  it('still refuses a delivery without a valid signature (401)', async () => {
    const res = await h.app.request('/clickup/webhook', { method: 'POST', body: 'null' })
    assert.equal(res.status, 401)
  })
})

describe('signed deliveries with odd parts that can still be used', () => {
  it('skips null history items and still processes the task', async () => {
    scheduledTask('odd-null-items')
    const answer = await deliverRaw(
      JSON.stringify({ event: 'taskUpdated', task_id: 'odd-null-items', history_items: [null, 5] }),
    )
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.equal(answer.body.accepted, 1)
    await waitUntil('a job for the task', () => jobFor('odd-null-items'))
  })

  for (const [label, date] of [
    ['a date past what a Date holds', '99999999999999999999'],
    ['a huge negative date', -1e20],
    ['a date that is text', 'yesterday'],
    ['a date in the far future', String(Date.now() + 10 * 365 * 86_400_000)],
  ] as const) {
    it(`uses the receive time for ${label}`, async () => {
      const id = `odd-date-${seq}`
      scheduledTask(id)
      const event = statusEvent(id, historyId(), 0, 'to do', 'scheduled') as AnyJson
      event.history_items[0].date = date
      const started = Date.now()
      const answer = await deliverRaw(JSON.stringify(event))
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(answer.body.accepted, 1)
      await waitUntil('a job for the task', () => jobFor(id))
      const link = await h.scheduler.pool.query(
        'select last_event_at from clickup_rule_tasks where task_id = $1',
        [id],
      )
      const at = (link.rows[0].last_event_at as Date).getTime()
      assert.ok(at >= started - 1_000 && at <= Date.now() + 1_000, new Date(at).toISOString())
    })
  }

  it('skips a history item whose id is a lone surrogate and keeps the others', async () => {
    scheduledTask('odd-surrogate')
    const good = historyId()
    const raw = `{"event":"taskUpdated","task_id":"odd-surrogate","history_items":[{"id":"\\ud800x","date":"1"},{"id":"${good}","field":"name","after":"\\u0000"}]}`
    const answer = await deliverRaw(raw)
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.equal(answer.body.accepted, 1)
    const stored = await h.scheduler.pool.query(
      'select payload from clickup_events where history_id = $1',
      [good],
    )
    assert.equal(stored.rows[0].payload.after, '\ufffd')
    await waitUntil('a job for the task', () => jobFor('odd-surrogate'))
  })

  it('ignores a status that is not text instead of failing the event', async () => {
    scheduledTask('odd-status')
    const event = statusEvent(
      'odd-status',
      historyId(),
      Date.now(),
      'to do',
      'scheduled',
    ) as AnyJson
    event.history_items[0].after = { status: 42 }
    const answer = await deliverRaw(JSON.stringify(event))
    assert.equal(answer.status, 200)
    await waitUntil('a job for the task', () => jobFor('odd-status'))
  })

  it('accepts a numeric task_id as text', async () => {
    scheduledTask('9001')
    const answer = await deliverRaw('{"event":"taskUpdated","task_id":9001}')
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.equal(answer.body.accepted, 1)
    await waitUntil('a job for the task', () => jobFor('9001'))
  })

  it('acknowledges events that are not about tasks without storing them', async () => {
    const answer = await deliverRaw('{"event":"listCreated","list_id":"1"}')
    assert.deepEqual(answer.body, { accepted: 0, duplicate: false })
  })
})
