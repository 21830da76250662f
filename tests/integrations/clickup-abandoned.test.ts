/**
 * A ClickUp job whose final attempt died with its process: the sweeper closes the attempt as
 * abandoned and, in the same transaction, queues the failure write-back a recorded failure would have
 * had (writeback.ts). A swept attempt that was not the last one gets none (pg-boss retries it).
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { authHeader } from '../helpers/app.ts'
import { sleep, waitUntil } from '../helpers/engine-wait.ts'
import { deliverSigned, startClickUpHarness, statusEvent } from '../helpers/fake-clickup.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

const LIST = 'abandoned-list'
let h: Awaited<ReturnType<typeof startClickUpHarness>>
let receiver: WebhookReceiver

before(async () => {
  h = await startClickUpHarness('clickup-abandoned', {}, { sweepIntervalMs: 200 })
  receiver = await startWebhookReceiver()
})
after(async () => {
  await h?.close()
  await receiver?.close()
})

/** Plants a `running` attempt whose process is long gone, as a killed server leaves it. */
async function plantDeadAttempt(jobId: string, attempt: number) {
  const longAgo = new Date(Date.now() - 2 * 3_600_000)
  await h.scheduler.pool.query(
    `insert into job_executions (id, job_id, boss_job_id, occurrence_at, attempt, status, started_at, lateness_ms)
     values ($1, $2, $3, $4, $5, 'running', $4, 0)`,
    [randomUUID(), jobId, randomUUID(), longAgo, attempt],
  )
}

describe('ClickUp write-back of an abandoned attempt', () => {
  it('comments the failure of a final attempt the sweeper closed, and only of the final one', async () => {
    const created = await h.app.request('/clickup/rules', {
      method: 'POST',
      headers: { ...authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Due reminder',
        list_id: LIST,
        trigger_status: 'scheduled',
        run_at_field: 'due_date',
        action: 'webhook',
        url: `${receiver.url}/due`,
        on_failure_comment: 'Could not run {{task.name}}',
      }),
    })
    assert.equal(created.status, 201, await created.clone().text())
    const rule = (await created.json()) as { id: string }
    h.fake.setTask({
      id: 't-dead',
      name: 'Call the bank',
      status: 'scheduled',
      list_id: LIST,
      due_date: String(Date.now() + 3_600_000),
    })
    const delivered = await deliverSigned(
      h.app,
      statusEvent('t-dead', '2800787326392999001', Date.now(), 'to do', 'scheduled', LIST),
    )
    assert.equal(delivered.status, 200)
    const jobId = await waitUntil('the job', async () => {
      const result = await h.scheduler.pool.query<{ job_id: string }>(
        'select job_id from clickup_rule_tasks where rule_id = $1 and task_id = $2',
        [rule.id, 't-dead'],
      )
      return result.rows[0]?.job_id
    })
    const { rows } = await h.scheduler.pool.query<{ max_attempts: number }>(
      'select max_attempts from scheduled_jobs where id = $1',
      [jobId],
    )
    const maxAttempts = rows[0]?.max_attempts ?? 0
    assert.ok(maxAttempts > 1)

    await plantDeadAttempt(jobId, 1)
    await waitUntil('the earlier attempt closed', async () => {
      const result = await h.scheduler.pool.query(
        `select 1 from job_executions where job_id = $1 and error_class = 'abandoned'`,
        [jobId],
      )
      return result.rowCount === 1
    })
    await plantDeadAttempt(jobId, maxAttempts)
    const comment = await waitUntil(
      'a failure comment',
      () => h.fake.comments.find((c) => c.taskId === 't-dead'),
      15_000,
    )
    assert.match(
      comment.text,
      /^Could not run Call the bank\nError: abandoned: The process running/,
    )
    // Time for a second write-back to arrive, had the earlier (non-final) attempt queued one.
    await sleep(1_000)
    assert.equal(h.fake.comments.filter((c) => c.taskId === 't-dead').length, 1)
  })
})
