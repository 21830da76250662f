import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rateLimitWaitMs } from '../../src/integrations/clickup/client.ts'
import type { RuleRecord } from '../../src/integrations/clickup/repository.ts'
import {
  planRun,
  renderFields,
  renderTemplate,
  sameStatus,
  taskVariables,
} from '../../src/integrations/clickup/rules.ts'
import { signBody, verifySignature } from '../../src/integrations/clickup/signature.ts'
import { makeTestConfig } from '../helpers/app.ts'

const now = new Date('2026-11-27T12:00:00.000Z')
const rule = (patch: Partial<RuleRecord> = {}): RuleRecord => ({
  id: 'r',
  name: 'r',
  listId: null,
  triggerStatus: 'scheduled',
  runAtField: 'due_date',
  offset: '-15m',
  offsetMs: -15 * 60_000,
  action: 'webhook',
  actionFields: {},
  onSuccessComment: null,
  onSuccessStatus: null,
  onFailureComment: null,
  onFailureStatus: null,
  createdAt: now,
  updatedAt: now,
  ...patch,
})

describe('verifySignature', () => {
  const raw = '{"event":"taskStatusUpdated","task_id":"86b0abc12"}'
  it('accepts the hex HMAC-SHA256 of the raw body under any known secret', () => {
    assert.equal(verifySignature(raw, signBody('b', raw), ['a', 'b']), true)
    assert.equal(verifySignature(raw, signBody('b', raw).toUpperCase(), ['b']), true)
  })
  it('refuses a missing, wrong, truncated or differently serialised signature', () => {
    assert.equal(verifySignature(raw, undefined, ['a']), false)
    assert.equal(verifySignature(raw, '', ['a']), false)
    assert.equal(verifySignature(raw, signBody('c', raw), ['a', 'b']), false)
    assert.equal(verifySignature(raw, signBody('a', raw).slice(0, 40), ['a']), false)
    assert.equal(verifySignature(`${raw} `, signBody('a', raw), ['a']), false)
    assert.equal(verifySignature(raw, signBody('a', raw), []), false)
  })
})

describe('planRun', () => {
  const task = { id: 't', name: 'T', due_date: String(now.getTime() + 3_600_000), start_date: null }
  it('runs at the due date plus the offset', () => {
    const plan = planRun(rule(), task, now)
    assert.ok(plan.ok)
    assert.equal(plan.at.getTime(), now.getTime() + 45 * 60_000)
  })
  it('runs now when that moment has passed', () => {
    const plan = planRun(rule({ offsetMs: -2 * 3_600_000 }), task, now)
    assert.ok(plan.ok)
    assert.equal(plan.at.getTime(), now.getTime())
  })
  it('has no plan, with a reason, when the task lacks the date', () => {
    const plan = planRun(rule({ runAtField: 'start_date' }), task, now)
    assert.equal(plan.ok, false)
    assert.match(plan.ok ? '' : plan.reason, /no start_date/)
  })
  it('runs now for run_at_field now', () => {
    const plan = planRun(rule({ runAtField: 'now' }), { id: 't', name: 'T' }, now)
    assert.ok(plan.ok)
    assert.equal(plan.runKey, 'now')
  })
})

describe('templates', () => {
  const variables = taskVariables({
    id: 't1',
    name: 'Say "hi"\nnow',
    status: { status: 'scheduled' },
    due_date: '1751634000000',
    text_content: 'desc',
  })
  it('fills {{task.*}} and leaves unknown names alone', () => {
    assert.equal(
      renderTemplate('{{ task.name }} {{task.url}} {{task.due_date}} {{nope}}', variables),
      'Say "hi"\nnow https://app.clickup.com/t/t1 2025-07-04T13:00:00.000Z {{nope}}',
    )
  })
  it('JSON-escapes values inside JSON text fields so the JSON stays valid', () => {
    const out = renderFields(
      { body: '{"text":"{{task.name}}"}', url: 'https://x.test/{{task.id}}' },
      variables,
    )
    assert.deepEqual(JSON.parse(String(out.body)), { text: 'Say "hi"\nnow' })
    assert.equal(out.url, 'https://x.test/t1')
  })
  it('compares statuses trimmed and case-insensitively', () => {
    assert.equal(sameStatus(' Scheduled ', 'scheduled'), true)
    assert.equal(sameStatus('', ''), false)
    assert.equal(sameStatus('done', 'scheduled'), false)
  })
})

describe('rateLimitWaitMs', () => {
  it('waits until X-RateLimit-Reset (Unix seconds), at least 250 ms', () => {
    const nowMs = 1_751_360_400_000
    assert.equal(rateLimitWaitMs(String(nowMs / 1000 + 3), nowMs), 3_000)
    assert.equal(rateLimitWaitMs(String(nowMs / 1000 - 10), nowMs), 250)
    assert.equal(rateLimitWaitMs(String(nowMs + 2_000), nowMs), 2_000)
    // A reset this far away is not waited for: it is past a call's wait budget (client test).
    assert.equal(rateLimitWaitMs(String(nowMs / 1000 + 3_600), nowMs), 3_600_000)
    assert.equal(rateLimitWaitMs(null, nowMs), 5_000)
  })
})

describe('ClickUp config', () => {
  it('is off without a token and uses the documented defaults', () => {
    const config = makeTestConfig()
    assert.equal(config.clickup.apiToken, null)
    assert.equal(config.clickup.apiUrl, 'https://api.clickup.com/api/v2')
    assert.equal(config.clickup.reconcileIntervalMinutes, 15)
  })
  it('keeps the token and secret out of JSON and logs', () => {
    const config = makeTestConfig({
      CLICKUP_API_TOKEN: 'pk_secret_token',
      CLICKUP_WEBHOOK_SECRET: 'shh',
    })
    assert.equal(config.clickup.apiToken, 'pk_secret_token')
    assert.equal(config.clickup.webhookSecret, 'shh')
    assert.doesNotMatch(JSON.stringify(config), /pk_secret_token|shh/)
  })
  it('names the variable when a value is invalid', () => {
    assert.throws(() => makeTestConfig({ CLICKUP_API_URL: 'ftp://x' }), /CLICKUP_API_URL/)
    assert.throws(
      () => makeTestConfig({ CLICKUP_RECONCILE_INTERVAL_MINUTES: 'often' }),
      /CLICKUP_RECONCILE_INTERVAL_MINUTES/,
    )
  })
})
