import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createFixedClock } from '../../src/time/clock.ts'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { difyRuleViolations } from '../helpers/dify-rules.ts'
import { type FakeEvolution, startFakeEvolution } from '../helpers/fake-evolution.ts'
import type { AnyJson } from '../helpers/http.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'

const NOW = new Date('2026-12-01T12:00:00.000Z')
const NUMBER = '5511999999999'
const UNKNOWN = '5511000000000'
const clock = createFixedClock(NOW)

let fake: FakeEvolution
let capped: FakeEvolution
let scheduler: TestScheduler
let cappedScheduler: TestScheduler
let app: ReturnType<typeof buildTestApp>
let cappedApp: ReturnType<typeof buildTestApp>
/** Every response body this file saw: none may contain the Evolution API key. */
const seen: string[] = []

function evolutionEnv(target: FakeEvolution, extra: Record<string, string> = {}) {
  return {
    WORKERS_ENABLED: 'false',
    EVOLUTION_API_URL: target.url,
    EVOLUTION_API_KEY: target.apiKey,
    EVOLUTION_API_INSTANCE: target.instance,
    WHATSAPP_MIN_GAP_SECONDS: '0',
    WHATSAPP_TIMEOUT_SECONDS: '2',
    ...extra,
  }
}

before(async () => {
  fake = await startFakeEvolution({ apiKey: 'evo-secret-key-route-tests' })
  fake.unknownNumbers.add(UNKNOWN)
  capped = await startFakeEvolution({ instance: 'capped', apiKey: 'evo-secret-key-route-tests' })
  scheduler = await startTestScheduler('routes_whatsapp', { clock, env: evolutionEnv(fake) })
  app = buildTestApp({ runtime: scheduler.runtime, clock })
  cappedScheduler = await startTestScheduler('routes_whatsapp', {
    clock,
    database: scheduler.database,
    env: evolutionEnv(capped, { WHATSAPP_MAX_PER_MINUTE: '1' }),
  })
  cappedApp = buildTestApp({ runtime: cappedScheduler.runtime, clock })
})
after(async () => {
  await cappedScheduler?.close()
  await scheduler?.close()
  await fake?.close()
  await capped?.close()
})

async function call(
  target: ReturnType<typeof buildTestApp>['app'],
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: AnyJson; headers: Headers }> {
  const res = await target.request(path, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { ...(init.headers ?? authHeader), 'Content-Type': 'application/json' },
    body: init.body ? JSON.stringify(init.body) : undefined,
  })
  const text = await res.text()
  seen.push(text)
  return { status: res.status, body: JSON.parse(text), headers: res.headers }
}

const send = (body: unknown, target = app.app) => call(target, '/whatsapp/messages', { body })
const schedule = (body: Record<string, unknown>) =>
  call(app.app, '/jobs/whatsapp', { body: { name: 'Remind Ana', delay: '1h', ...body } })

async function queuedWhatsAppOccurrences(): Promise<number> {
  const result = await scheduler.pool.query(
    `select count(*)::int as n from pgboss.job where name = 'occurrence-whatsapp'`,
  )
  return result.rows[0]?.n ?? 0
}

describe('WhatsApp tools in the tools document', () => {
  it('lists the three tools, follows the Dify rules and answers 401 without a key', async () => {
    const doc = (await call(app.app, '/openapi.json')).body
    assert.deepEqual(difyRuleViolations(doc), [])
    assert.equal(doc.paths['/jobs/whatsapp'].post.operationId, 'scheduleWhatsAppMessage')
    assert.equal(doc.paths['/whatsapp/messages'].post.operationId, 'sendWhatsAppMessage')
    assert.equal(doc.paths['/whatsapp/numbers/{number}'].get.operationId, 'checkWhatsAppNumber')
    for (const [method, path] of [
      ['POST', '/jobs/whatsapp'],
      ['POST', '/whatsapp/messages'],
      ['GET', `/whatsapp/numbers/${NUMBER}`],
    ] as const) {
      const res = await call(app.app, path, {
        method,
        headers: {},
        body: method === 'POST' ? {} : undefined,
      })
      assert.equal(res.status, 401, `${method} ${path}`)
    }
  })

  it('leaves them out when EVOLUTION_* is not configured', async () => {
    const plain = buildTestApp({ clock })
    const doc = (await call(plain.app, '/openapi.json')).body
    assert.deepEqual(difyRuleViolations(doc), [])
    assert.equal(doc.paths['/jobs/whatsapp'], undefined)
    assert.equal(doc.paths['/whatsapp/messages'], undefined)
    assert.equal((await send({ to: NUMBER, message: 'x' }, plain.app)).status, 404)
  })
})

describe('scheduleWhatsAppMessage', () => {
  it('creates a job after checking the number, with the normalised number', async () => {
    const checks = fake.requestsTo('check').length
    const res = await schedule({ to: '+55 (11) 99999-9999', message: 'Your appointment is at 9.' })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    assert.equal(res.body.job.action.type, 'whatsapp')
    assert.equal(res.body.job.action.to, NUMBER)
    assert.equal(res.body.job.action.summary, 'WhatsApp message to +5511999999999')
    assert.match(res.body.summary, /WhatsApp message to \+5511999999999/)
    assert.equal(res.body.job.timeout_seconds, 4)
    assert.equal(fake.requestsTo('check').length, checks + 1)
  })

  it('answers 422 for a number not on WhatsApp before anything is queued', async () => {
    const queued = await queuedWhatsAppOccurrences()
    const res = await schedule({ to: UNKNOWN, message: 'Hi' })
    assert.equal(res.status, 422)
    assert.deepEqual(
      res.body.errors.map((e: AnyJson) => e.field),
      ['to'],
    )
    assert.match(res.body.errors[0].message, /is not on WhatsApp/)
    assert.equal(await queuedWhatsAppOccurrences(), queued)
  })

  it('answers 422 with an example for a malformed number and for missing fields', async () => {
    const bad = await schedule({ to: 'Ana', message: 'Hi' })
    assert.equal(bad.status, 422)
    assert.match(bad.body.errors[0].hint, /\+55 11 99999-9999/)
    const missing = await call(app.app, '/jobs/whatsapp', { body: { name: 'x', delay: '1h' } })
    assert.equal(missing.status, 422)
    assert.deepEqual(missing.body.errors.map((e: AnyJson) => e.field).sort(), ['message', 'to'])
  })

  it('answers 424 "temporary" when the WhatsApp connection is closed', async () => {
    fake.queueFault('check', { kind: 'connection_closed' })
    const res = await schedule({ to: NUMBER, message: 'Closed socket' })
    assert.equal(res.status, 424)
    assert.equal(res.body.type, 'urn:agent-tool-server:problem:whatsapp-unavailable')
    assert.match(res.body.detail, /temporary.*Nothing was scheduled/)
    assert.equal(res.body.now, NOW.toISOString())
  })
})

describe('sendWhatsAppMessage', () => {
  it('sends now and answers the message id', async () => {
    const res = await send({ to: '+55 11 99999-9999', message: 'Your order has shipped.' })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    const delivered = fake.delivered.at(-1)
    assert.deepEqual(res.body, {
      message_id: delivered?.id,
      status: 'sent',
      to: NUMBER,
      now: NOW.toISOString(),
    })
    assert.equal(delivered?.text, 'Your order has shipped.')
  })

  it('does not send an identical request twice', async () => {
    const first = await send({ to: NUMBER, message: 'Only once, please.' })
    const count = fake.delivered.length
    const again = await send({ to: '+55 11 99999 9999', message: 'Only once, please.' })
    assert.equal(again.status, 200)
    assert.equal(again.body.status, 'already_sent')
    assert.equal(again.body.message_id, first.body.message_id)
    assert.equal(fake.delivered.length, count)
  })

  it('answers 424 "do not send again" after a 400 that followed delivery, then 409 on a resend', async () => {
    fake.queueFault('send', { kind: 'after_delivery' })
    const res = await send({ to: NUMBER, message: 'Maybe delivered' })
    assert.equal(res.status, 424)
    assert.equal(res.body.type, 'urn:agent-tool-server:problem:whatsapp-delivery-uncertain')
    assert.match(res.body.detail, /may have been delivered.*Do not send it again/)
    const resend = await send({ to: NUMBER, message: 'Maybe delivered' })
    assert.equal(resend.status, 409)
    assert.match(resend.body.detail, /delivery is uncertain/)
  })

  it('answers 422 naming `to` for a number not on WhatsApp, and 424 when the socket is closed', async () => {
    const unknown = await send({ to: UNKNOWN, message: 'Hi' })
    assert.equal(unknown.status, 422)
    assert.equal(unknown.body.errors[0].field, 'to')
    fake.queueFault('send', { kind: 'connection_closed' })
    const closed = await send({ to: NUMBER, message: 'Socket closed' })
    assert.equal(closed.status, 424)
    assert.match(closed.body.detail, /temporary.*Nothing was sent/)
    // Nothing was sent, so the same request may go through once the socket is back.
    assert.equal((await send({ to: NUMBER, message: 'Socket closed' })).body.status, 'sent')
  })

  it('answers 422 with retry_at and retry_after_seconds over the per-minute cap', async () => {
    const first = await send({ to: NUMBER, message: 'first' }, cappedApp.app)
    assert.equal(first.status, 200)
    const second = await send({ to: NUMBER, message: 'second' }, cappedApp.app)
    assert.equal(second.status, 422)
    assert.equal(second.body.type, 'urn:agent-tool-server:problem:whatsapp-rate-limited')
    assert.equal(second.body.reason, 'minute_cap')
    const retryAt = Date.parse(second.body.retry_at)
    assert.ok(retryAt > Date.now() + 55_000 && retryAt <= Date.now() + 60_000)
    assert.ok(second.body.retry_after_seconds >= 55 && second.body.retry_after_seconds <= 60)
    assert.match(second.body.detail, /1 WhatsApp messages per minute.*scheduleWhatsAppMessage/)
    assert.equal(capped.delivered.length, 1)
  })
})

describe('checkWhatsAppNumber', () => {
  it('says whether a number is on WhatsApp, uncached', async () => {
    const yes = await call(app.app, `/whatsapp/numbers/${NUMBER}`)
    assert.equal(yes.status, 200)
    assert.deepEqual(yes.body, { number: NUMBER, exists: true, now: NOW.toISOString() })
    assert.equal(yes.headers.get('cache-control'), 'no-store')
    const no = await call(app.app, `/whatsapp/numbers/+${UNKNOWN}`)
    assert.deepEqual(no.body, { number: UNKNOWN, exists: false, now: NOW.toISOString() })
  })

  it('answers 422 naming `number` for a malformed number', async () => {
    const res = await call(app.app, '/whatsapp/numbers/abc')
    assert.equal(res.status, 422)
    assert.equal(res.body.errors[0].field, 'number')
  })
})

describe('the Evolution API key', () => {
  it('is sent to Evolution but never appears in a response or a log line', () => {
    assert.ok(fake.requestsTo('send').every((r) => r.headers.apikey === fake.apiKey))
    assert.ok(seen.length > 20)
    for (const text of [
      ...seen,
      app.logs.text(),
      scheduler.logs.text(),
      cappedScheduler.logs.text(),
    ]) {
      assert.equal(text.includes(fake.apiKey), false)
    }
  })
})
