/**
 * Issue 14: requests shaped as Dify sends them (every optional field null, objects as text) and
 * the answers read as an agent would. Each former defect has a test that failed on the old code.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createFixedClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { type AnyJson, readJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

/** A Monday, 09:00 in São Paulo. */
const NOW = new Date('2026-12-07T12:00:00.000Z')
/** Loopback is allow-listed by the test scheduler; workers are off, so nothing ever calls it. */
const URL_OK = 'http://127.0.0.1:9/hook'

/** What Dify 0.15 sends for every optional field the model left out. */
const DIFY_NULLS = {
  description: null,
  tags: null,
  max_attempts: null,
  timeout_seconds: null,
  run_at: null,
  delay: null,
  every: null,
  cron: null,
  timezone: null,
  starts_at: null,
  ends_at: null,
  max_runs: null,
  method: null,
  body: null,
  headers: null,
  content_type: null,
  dedupe_key: null,
}

let scheduler: TestScheduler
let app: ReturnType<typeof buildTestApp>['app']

before(async () => {
  const clock = createFixedClock(NOW)
  scheduler = await startTestScheduler('routes_agent_surface', {
    clock,
    env: { WORKERS_ENABLED: 'false' },
  })
  app = buildTestApp({ runtime: scheduler.runtime, clock }).app
})
after(async () => {
  await scheduler?.close()
})

async function call(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: { ...authHeader, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: await readJson(res) }
}

let counter = 0
/** Creates a webhook job the way Dify sends it: every optional field null unless given. */
async function create(fields: Record<string, unknown>): Promise<AnyJson> {
  counter += 1
  const { status, body } = await call('POST', '/jobs/webhook', {
    ...DIFY_NULLS,
    name: `surface job ${counter}`,
    url: URL_OK,
    ...fields,
  })
  assert.equal(status, 201, JSON.stringify(body))
  return body
}

async function refused(path: string, body: Record<string, unknown>, method = 'POST') {
  const answer = await call(method, path, { ...DIFY_NULLS, name: 'refused', url: URL_OK, ...body })
  assert.equal(answer.status, 422, JSON.stringify(answer.body))
  return answer.body.errors[0] as { field: string; message: string; hint: string }
}

describe('updateJob keeps the job’s own time zone', () => {
  // Former defect (issue 14): a local run_at with timezone null moved the job to 10:00 UTC.
  it('reads a local run_at without timezone in the job’s zone, not the server default', async () => {
    const { job } = await create({ run_at: '2026-12-08T09:00', timezone: 'America/Sao_Paulo' })
    const { status, body } = await call('PATCH', `/jobs/${job.id}`, {
      ...DIFY_NULLS,
      name: null,
      url: null,
      run_at: '2026-12-08T10:00:00',
    })
    assert.equal(status, 200, JSON.stringify(body))
    assert.equal(body.job.timezone, 'America/Sao_Paulo')
    assert.equal(body.job.next_run_at, '2026-12-08T13:00:00.000Z')
    assert.equal(body.job.next_run_local, '2026-12-08T10:00:00-03:00')
    assert.match(body.summary, /Tue 8 Dec 2026 at 10:00 \(America\/Sao_Paulo\)/)
  })

  it('reads a new cron, every with starts_at, and ends_at in the job’s zone', async () => {
    const { job } = await create({ run_at: '2026-12-08T09:00', timezone: 'Europe/Berlin' })
    const cron = await call('PATCH', `/jobs/${job.id}`, { cron: '0 9 * * MON-FRI', timezone: null })
    assert.equal(cron.status, 200, JSON.stringify(cron.body))
    assert.equal(cron.body.job.timezone, 'Europe/Berlin')
    assert.equal(cron.body.next_runs[0].local, '2026-12-08T09:00:00+01:00')
    const every = await call('PATCH', `/jobs/${job.id}`, {
      every: '1d',
      starts_at: '2026-12-09T07:30',
      ends_at: '2026-12-20T07:30',
    })
    assert.equal(every.status, 200, JSON.stringify(every.body))
    assert.equal(every.body.job.next_run_at, '2026-12-09T06:30:00.000Z')
    assert.equal(every.body.job.schedule.ends_at, '2026-12-20T06:30:00.000Z')
  })

  it('uses an explicit timezone in the update instead', async () => {
    const { job } = await create({ run_at: '2026-12-08T09:00', timezone: 'America/Sao_Paulo' })
    const { body } = await call('PATCH', `/jobs/${job.id}`, {
      run_at: '2026-12-08T10:00',
      timezone: 'Asia/Tokyo',
    })
    assert.equal(body.job.timezone, 'Asia/Tokyo')
    assert.equal(body.job.next_run_at, '2026-12-08T01:00:00.000Z')
  })

  it('re-reads a local run_at in a new zone sent alone, and keeps the cron when only max_runs is sent', async () => {
    const { job } = await create({ run_at: '2026-12-08T09:00', timezone: 'America/Sao_Paulo' })
    const moved = await call('PATCH', `/jobs/${job.id}`, { timezone: 'Europe/Lisbon' })
    assert.equal(moved.status, 200, JSON.stringify(moved.body))
    assert.equal(moved.body.job.next_run_local, '2026-12-08T09:00:00+00:00')
    const cron = (await create({ cron: '0 9 * * *', timezone: 'Europe/Berlin' })).job
    const limited = await call('PATCH', `/jobs/${cron.id}`, { max_runs: 2 })
    assert.equal(limited.status, 200, JSON.stringify(limited.body))
    assert.equal(limited.body.job.schedule.cron, '0 9 * * *')
    assert.equal(limited.body.next_runs.length, 2)
    assert.match(limited.body.warnings[0], /Kept the job's cron "0 9 \* \* \*"/)
  })
})

describe('cron: readings an agent can relay', () => {
  // Former defect (issue 14): accepted seconds-first, minute 8 of every hour, January to May.
  it('refuses "0 8 * * 1-5 *" with both readings', async () => {
    const error = await refused('/jobs/webhook', { cron: '0 8 * * 1-5 *' })
    assert.equal(error.field, 'cron')
    assert.match(error.message, /at minute 8 of every hour in January through May/)
    assert.match(error.hint, /send the 5 fields "0 8 \* \* 1-5"/)
  })

  it('refuses Quartz ? with the expression to send instead', async () => {
    const error = await refused('/jobs/webhook', { cron: '0 0 9 ? * MON-FRI' })
    assert.match(error.hint, /Send "0 9 \* \* MON-FRI"/)
  })

  // Former defect (issue 14): "1#1" had no description; the summary showed only the expression.
  it('describes every cron in the summary, e.g. the first Monday of the month', async () => {
    const body = await create({ cron: '0 9 * * 1#1', timezone: 'Europe/Berlin' })
    assert.match(
      body.summary,
      /Runs at 09:00 on the first Monday of the month \(Europe\/Berlin time; cron "0 9 \* \* 1#1"\), next on Mon 4 Jan 2027 at 09:00/,
    )
    assert.equal(body.job.schedule.cron_description, 'at 09:00 on the first Monday of the month')
  })

  it('warns on create that days 1-7 with Monday means either, naming the # form', async () => {
    const body = await create({ cron: '0 9 1-7 * MON' })
    assert.equal(body.warnings.length, 1)
    assert.match(body.warnings[0], /EITHER/)
    assert.match(body.warnings[0], /use "0 9 \* \* MON#1"/)
  })

  it('accepts an ambiguous 6-field cron with a warning spelling out both readings', async () => {
    const body = await create({ cron: '0 0 9 * * *' })
    assert.match(body.warnings[0], /read as seconds: at 09:00 every day/)
    assert.match(body.warnings[0], /"0 0 9 \* \*": at 00:00 on day 9 of every month/)
  })
})

describe('time zones agents get wrong', () => {
  // Former defect (issue 14): "EST" was accepted silently as America/Panama (no DST).
  it('refuses abbreviations on create, preview and getCurrentTime, naming the IANA zone', async () => {
    const create = await refused('/jobs/webhook', { delay: '1h', timezone: 'EST' })
    assert.equal(create.field, 'timezone')
    assert.match(create.hint, /"America\/New_York"/)
    const preview = await call('POST', '/schedules/preview', { cron: '0 9 * * *', timezone: 'CET' })
    assert.equal(preview.status, 422)
    assert.match(preview.body.errors[0].hint, /"Europe\/Berlin"/)
    const time = await call('GET', '/time?timezone=BRT')
    assert.equal(time.status, 422)
    assert.match(time.body.errors[0].hint, /"America\/Sao_Paulo"/)
  })

  it('warns when a run_at offset overrides an explicit, different timezone', async () => {
    const body = await create({ run_at: '2026-12-08T10:00:00Z', timezone: 'America/Sao_Paulo' })
    assert.equal(body.job.next_run_local, '2026-12-08T07:00:00-03:00')
    assert.match(
      body.warnings[0],
      /carries its own offset \(UTC\), which wins over timezone America\/Sao_Paulo: it runs at 07:00/,
    )
  })
})

describe('far dates, every and delay phrasing', () => {
  // Former defect (issue 14): anything beyond 366 days was refused.
  it('accepts a run_at two years ahead with a warning to check the year', async () => {
    const body = await create({ run_at: '2028-12-01T09:00', timezone: 'Europe/Berlin' })
    assert.equal(body.job.next_run_local, '2028-12-01T09:00:00+01:00')
    assert.match(
      body.warnings[0],
      /far ahead: Fri 1 Dec 2028 at 09:00 \(Europe\/Berlin\), in about 2 years/,
    )
  })

  // Former defect (issue 14): every refused "every 15 minutes", "daily" and "hourly".
  it('accepts every with the phrasing delay takes', async () => {
    for (const [every, seconds] of [
      ['every 15 minutes', 900],
      ['daily', 86_400],
      ['hourly', 3_600],
      ['weekly', 604_800],
      ['15 minutes', 900],
    ] as const) {
      const body = await create({ every })
      assert.equal(body.job.schedule.every_seconds, seconds, every)
    }
  })

  it('answers "daily at 9" as every with the cron it means, and "tomorrow" with a computed run_at', async () => {
    const every = await refused('/jobs/webhook', { every: 'daily at 9' })
    assert.match(every.hint, /send cron: "0 9 \* \* \*"/)
    const delay = await refused('/jobs/webhook', {
      delay: 'tomorrow',
      timezone: 'America/Sao_Paulo',
    })
    assert.match(delay.hint, /run_at: "2026-12-08T09:00"/)
  })

  it('computes examples in hints from now, never a past date', async () => {
    const none = await refused('/jobs/webhook', {})
    assert.match(none.hint, /"2026-12-08T09:00"/)
    assert.match(none.hint, /ask them rather than guessing/)
    const past = await refused('/jobs/webhook', { run_at: '2025-12-20T09:00' })
    assert.match(
      past.hint,
      /If the user meant the next 20 December, send run_at "2026-12-20T09:00"/,
    )
  })
})

describe('validation errors read as instructions', () => {
  // Former defect (issue 14): "Invalid input: expected string, received null" and, for a value of
  // the wrong type, a hint saying to provide the field that was provided.
  it('says what a missing field is, with an example, and when to ask the user', async () => {
    const { status, body } = await call('POST', '/jobs/webhook', {
      ...DIFY_NULLS,
      name: null,
      url: null,
      delay: '1h',
      max_runs: '3',
    })
    assert.equal(status, 422)
    const byField = Object.fromEntries(body.errors.map((e: AnyJson) => [e.field, e]))
    assert.match(
      byField.name.message,
      /^is required: a short name a person would recognise, e\.g\. "Remind Ana/,
    )
    assert.match(byField.url.message, /^is required: the full http\(s\) URL .* ask the user for it/)
    assert.equal(byField.max_runs.hint, 'Send a number, not a string.')
  })
})

describe('fields the tool does not have, and JSON-text fields', () => {
  // Former defect (issue 14): unknown body fields were dropped without a word.
  it('names ignored fields in warnings with a did-you-mean, on create, update and preview', async () => {
    const body = await create({ delay: '1h', message: 'Call Ana', runAt: 'soon' })
    assert.deepEqual(body.warnings, [
      'Ignored field `message`: this tool has no such field; did you mean `body`? Nothing was taken from it.',
      'Ignored field `runAt`: this tool has no such field; did you mean `run_at`? Nothing was taken from it.',
    ])
    const update = await call('PATCH', `/jobs/${body.job.id}`, { name: 'Renamed', interval: '2h' })
    assert.match(update.body.warnings[0], /Ignored field `interval`.*did you mean `every`\?/)
    const preview = await call('POST', '/schedules/preview', { delay: '1h', tz: 'Europe/Berlin' })
    assert.match(preview.body.warnings[0], /Ignored field `tz`.*did you mean `timezone`\?/)
  })

  // Former defect (issue 14): the repr was delivered as text/plain.
  it('refuses a Python dict repr in body with the JSON form', async () => {
    const error = await refused('/jobs/webhook', {
      delay: '1h',
      body: "{'text': 'hi', 'urgent': True}",
    })
    assert.equal(error.field, 'body')
    assert.match(error.hint, /\{"text":"hi","urgent":true\}/)
    const text = await create({ delay: '1h', body: "{'a': 1}", content_type: 'text/plain' })
    assert.equal(text.job.action.body_type, 'text')
  })
})

describe('listJobs word search', () => {
  // Former defect (issue 14): search matched the name as one substring only.
  it('matches words across name, description and tags, ignoring case and accents', async () => {
    const invoice = (
      await create({ name: 'Reminder: send the invoice to Ana', delay: '1h', tags: 'billing' })
    ).job
    const meeting = (
      await create({ name: 'Reunião semanal', description: 'Pauta da équipe', delay: '1h' })
    ).job
    const byWords = await call('GET', `/jobs?search=${encodeURIComponent('invoice reminder')}`)
    assert.deepEqual(
      byWords.body.jobs.map((j: AnyJson) => j.id),
      [invoice.id],
    )
    assert.match(byWords.body.summary, /contain "invoice" and "reminder"/)
    const accents = await call('GET', `/jobs?search=${encodeURIComponent('REUNIAO equipe')}`)
    assert.deepEqual(
      accents.body.jobs.map((j: AnyJson) => j.id),
      [meeting.id],
    )
    const tag = await call('GET', '/jobs?search=billing')
    assert.deepEqual(
      tag.body.jobs.map((j: AnyJson) => j.id),
      [invoice.id],
    )
  })

  it('falls back to any word when no job has all, and says when nothing matched', async () => {
    const job = (await create({ name: 'Water the plants', delay: '1h' })).job
    const some = await call('GET', `/jobs?search=${encodeURIComponent('plants dentist')}`)
    assert.deepEqual(
      some.body.jobs.map((j: AnyJson) => j.id),
      [job.id],
    )
    assert.match(some.body.summary, /^No job contains all of "plant" and "dentist"; showing 1 job/)
    const none = await call('GET', `/jobs?search=${encodeURIComponent('zebra')}&status=paused`)
    assert.deepEqual(none.body.jobs, [])
    assert.match(
      none.body.summary,
      /^No jobs found whose name, description or tags contain "zebra".* with status paused\./,
    )
  })
})

describe('every tool, called as Dify calls it', () => {
  it('answers each with JSON an agent can read, never a 5xx, and errors name a field and a hint', async () => {
    const { job } = await create({ delay: '1h' })
    const calls: [string, string, unknown?][] = [
      ['GET', '/time?timezone='],
      [
        'POST',
        '/schedules/preview',
        {
          run_at: null,
          delay: null,
          every: 'every 2 hours',
          cron: null,
          timezone: null,
          starts_at: null,
          ends_at: null,
          max_runs: null,
          count: null,
        },
      ],
      ['POST', '/jobs/webhook', { ...DIFY_NULLS, name: 'x', url: URL_OK }],
      ['GET', '/jobs?status=&action=&tag=&search=&limit=&cursor='],
      ['GET', `/jobs/${job.id}`],
      ['PATCH', `/jobs/${job.id}`, { ...DIFY_NULLS, name: null, url: null }],
      ['POST', `/jobs/${job.id}/pause`],
      ['POST', `/jobs/${job.id}/resume`],
      ['POST', `/jobs/${job.id}/run`],
      ['GET', `/jobs/${job.id}/executions?limit=&cursor=`],
      ['POST', `/jobs/${job.id}/cancel`],
    ]
    for (const [method, path, body] of calls) {
      const answer = await call(method, path, body)
      assert.ok(answer.status < 500, `${method} ${path}: ${answer.status}`)
      assert.equal(typeof answer.body, 'object', `${method} ${path}`)
      if (answer.status >= 400) {
        assert.ok(
          answer.body.errors?.[0]?.field,
          `${method} ${path}: ${JSON.stringify(answer.body)}`,
        )
        assert.ok(answer.body.errors[0].hint.length > 10, `${method} ${path}`)
      } else {
        assert.ok(answer.body.summary ?? answer.body.human, `${method} ${path}`)
      }
    }
  })
})
