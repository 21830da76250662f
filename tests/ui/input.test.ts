/** Text PostgreSQL cannot store (NUL, lone surrogates) in any dashboard form or query: a 422 page, nothing stored. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { TEST_API_KEY } from '../helpers/app.ts'
import {
  type DashboardHarness,
  loginForTest,
  postForm,
  SAME_ORIGIN,
  startDashboardHarness,
  type TestSession,
} from '../helpers/dashboard.ts'

let h: DashboardHarness
let session: TestSession

before(async () => {
  h = await startDashboardHarness('ui_input', { clickup: true })
  session = await loginForTest(h.app, undefined, 'Europe/Madrid')
})
after(() => h.close())

const count = async (sql: string) =>
  Number((await h.scheduler.pool.query<{ n: string }>(sql)).rows[0]?.n)

describe('unstorable text in the dashboard', () => {
  it('refuses a NUL in a filter of the jobs list with a 422 page naming the field', async () => {
    const res = await h.app.request('/ui/jobs?q=invoice%00', {
      headers: { Cookie: session.cookie },
    })
    assert.equal(res.status, 422)
    const html = await res.text()
    assert.match(html, /<!DOCTYPE html>/)
    assert.match(html, /q.*NUL character/s)
  })

  // A form body is UTF-8, so a lone surrogate cannot arrive in one (it decodes to U+FFFD); NUL can.
  it('refuses a NUL in the login form without starting a session', async () => {
    const before = await count('select count(*) as n from ui_sessions')
    const res = await h.app.request('/ui/login', {
      method: 'POST',
      headers: { ...SAME_ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `key=${TEST_API_KEY}&tz=Europe%2FMadrid%00&next=%2Fui%2Fjobs`,
    })
    assert.equal(res.status, 422)
    assert.equal(res.headers.get('set-cookie'), null)
    assert.equal(await count('select count(*) as n from ui_sessions'), before)
  })

  it('refuses a NUL in a ClickUp rule form and stores no rule', async () => {
    const before = await count('select count(*) as n from clickup_rules')
    const res = await postForm(h.app, session, '/ui/clickup/rules', {
      name: 'Rule\u0000one',
      trigger_status: 'scheduled',
      list_id: '901234',
      run_at_field: 'due_date',
      action: 'webhook',
      'webhook.url': `${h.receiver.url}/rule`,
    })
    assert.equal(res.status, 422)
    assert.match(await res.text(), /name/)
    assert.equal(await count('select count(*) as n from clickup_rules'), before)
  })
})
