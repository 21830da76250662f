import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type pg from 'pg'
import {
  createWhatsAppAction,
  inlineWaitBudgetMs,
  type WhatsAppActionDefinition,
} from '../../src/actions/whatsapp.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createWhatsAppFromConfig } from '../../src/integrations/whatsapp/index.ts'
import { ProblemError } from '../../src/problem-error.ts'
import { makeTestConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { type FakeEvolution, startFakeEvolution } from '../helpers/fake-evolution.ts'
import { captureLogs } from '../helpers/log-capture.ts'

const NUMBER = '5511999999999'
let database: TestDatabase
let pool: pg.Pool
const fakes: FakeEvolution[] = []
const logs = captureLogs()

before(async () => {
  database = await createTestDatabase('actions_whatsapp')
  pool = createPool({ connectionString: database.connectionString, logger: logs.logger })
  await runMigrations(pool, logs.logger)
})
after(async () => {
  for (const fake of fakes) await fake.close()
  await pool?.end()
  await database?.drop()
})

let instances = 0
/** A fake Evolution with its own instance name (so limiter state is per test) and an action on it. */
async function setup(
  version = '2.3.6',
  env: Record<string, string> = {},
  baseUrl?: string,
): Promise<{ fake: FakeEvolution; action: WhatsAppActionDefinition }> {
  const fake = await startFakeEvolution({ version, instance: `inst${++instances}` })
  fakes.push(fake)
  const config = makeTestConfig({
    EVOLUTION_API_URL: baseUrl ?? fake.url,
    EVOLUTION_API_KEY: fake.apiKey,
    EVOLUTION_API_INSTANCE: fake.instance,
    WHATSAPP_MIN_GAP_SECONDS: '0',
    WHATSAPP_TIMEOUT_SECONDS: '2',
    ...env,
  })
  const service = createWhatsAppFromConfig(config.whatsapp, {
    pool,
    logger: logs.logger,
    dedupeWindowSeconds: 600,
  })
  assert.ok(service)
  return { fake, action: createWhatsAppAction(service) }
}

let executions = 0
function context(overrides: Record<string, unknown> = {}) {
  executions++
  return {
    jobId: `00000000-0000-4000-8000-${String(executions).padStart(12, '0')}`,
    executionId: `exec-${executions}`,
    occurrenceAt: '2026-11-27T12:00:00.000Z',
    attempt: 1,
    messageId: 'msg_test',
    signal: new AbortController().signal,
    timeoutMs: 10_000,
    log: logs.logger,
    ...overrides,
  }
}

async function rejectsProblem(
  promise: Promise<unknown>,
  status: number,
  pattern: RegExp,
  field?: string,
) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ProblemError, String(err))
    assert.equal(err.status, status, err.detail)
    if (field) assert.equal(err.errors?.[0]?.field, field)
    assert.match(`${err.type} ${err.detail} ${JSON.stringify(err.errors ?? [])}`, pattern)
    return true
  })
}

describe('whatsapp action', () => {
  it('gives jobs without timeout_seconds twice the Evolution request timeout, room to wait for a slot', async () => {
    const { action } = await setup(undefined, { WHATSAPP_TIMEOUT_SECONDS: '30' })
    assert.equal(action.defaultTimeoutSeconds, 60)
  })
})

describe('whatsapp prepare', () => {
  it('normalises the number, checks it on WhatsApp and stores no secrets', async () => {
    const { fake, action } = await setup()
    const prepared = await action.prepare({ to: '+55 (11) 99999-9999', message: 'Hi Ana' })
    assert.deepEqual(prepared, { params: { to: NUMBER, message: 'Hi Ana' }, secrets: {} })
    assert.deepEqual(
      fake.requestsTo('check').map((r) => r.body),
      [{ numbers: [NUMBER] }],
    )
    assert.equal(action.describe(prepared.params), 'WhatsApp message to +5511999999999')
  })

  it('answers 422 naming `to` when the number is not on WhatsApp', async () => {
    const { fake, action } = await setup()
    fake.unknownNumbers.add(NUMBER)
    await rejectsProblem(
      action.prepare({ to: NUMBER, message: 'Hi' }),
      422,
      /\+5511999999999 is not on WhatsApp/,
      'to',
    )
  })

  it('rejects a malformed number or an empty message without calling Evolution', async () => {
    const { fake, action } = await setup()
    await rejectsProblem(action.prepare({ to: 'call Ana', message: 'Hi' }), 422, /digits/, 'to')
    await rejectsProblem(action.prepare({ to: NUMBER, message: '  ' }), 422, /empty/, 'message')
    assert.equal(fake.requests.length, 0)
  })

  it('answers 424 "temporary" when Evolution is unreachable and 424 "tell the operator" on a bad key', async () => {
    const { action: down } = await setup('2.3.6', {}, 'http://127.0.0.1:9')
    await rejectsProblem(
      down.prepare({ to: NUMBER, message: 'Hi' }),
      424,
      /whatsapp-unavailable.*temporary.*Nothing was scheduled/,
    )
    const { action: badKey } = await setup('2.3.6', { EVOLUTION_API_KEY: 'not-the-right-key-0' })
    await rejectsProblem(
      badKey.prepare({ to: NUMBER, message: 'Hi' }),
      424,
      /whatsapp-gateway-error.*EVOLUTION_API_KEY.*tell the operator/,
    )
  })

  it('re-checks the number on update only when `to` changes', async () => {
    const { fake, action } = await setup()
    const current = await action.prepare({ to: NUMBER, message: 'Hi' })
    const changed = await action.prepareUpdate({ message: 'Hello' }, current)
    assert.deepEqual(changed.params, { to: NUMBER, message: 'Hello' })
    assert.equal(fake.requestsTo('check').length, 1)
    const moved = await action.prepareUpdate({ to: '+55 21 98888-7777' }, changed)
    assert.deepEqual(moved.params, { to: '5521988887777', message: 'Hello' })
    assert.equal(fake.requestsTo('check').length, 2)
  })
})

describe('whatsapp execute', () => {
  for (const [version, httpStatus] of [
    ['2.3.6', 201],
    ['1.8.2', 200],
  ] as const) {
    it(`sends through Evolution ${version} and records the message id`, async () => {
      const { fake, action } = await setup(version)
      const result = await action.execute(
        { params: { to: NUMBER, message: 'Hi Ana' }, secrets: {} },
        context(),
      )
      assert.equal(result.ok, true, result.errorMessage)
      assert.equal(result.responseStatus, httpStatus)
      const delivered = fake.delivered[0]
      assert.deepEqual(result.output, {
        message_id: delivered?.id,
        status: 'PENDING',
        remote_jid: `${NUMBER}@s.whatsapp.net`,
      })
      assert.equal(delivered?.text, 'Hi Ana')
      assert.equal(result.requestSummary.api_version, version)
      assert.equal(JSON.stringify(result).includes(fake.apiKey), false)
    })
  }

  it('never retries a 400 that came after delivery (uncertain_delivery)', async () => {
    const { fake, action } = await setup()
    fake.queueFault('send', { kind: 'after_delivery' })
    const result = await action.execute(
      { params: { to: NUMBER, message: 'x' }, secrets: {} },
      context(),
    )
    assert.equal(result.ok, false)
    assert.equal(result.retryable, false)
    assert.equal(result.errorClass, 'uncertain_delivery')
    assert.equal(result.responseStatus, 400)
    assert.match(result.errorMessage ?? '', /may have been delivered.*not sent again/)
    assert.equal(fake.delivered.length, 1)
  })

  it('never retries a send that timed out after the request was written', async () => {
    const { fake, action } = await setup()
    fake.queueFault('send', { kind: 'hang_after_delivery' })
    const result = await action.execute(
      { params: { to: NUMBER, message: 'x' }, secrets: {} },
      context({ timeoutMs: 3_500 }),
    )
    assert.equal(result.retryable, false)
    assert.equal(result.errorClass, 'uncertain_delivery')
    assert.match(result.errorMessage ?? '', /did not answer within/)
  })

  it('retries "Connection Closed" and gives the slot back', async () => {
    const { fake, action } = await setup()
    fake.queueFault('send', { kind: 'connection_closed' })
    const result = await action.execute(
      { params: { to: NUMBER, message: 'x' }, secrets: {} },
      context(),
    )
    assert.equal(result.ok, false)
    assert.equal(result.retryable, true)
    assert.equal(result.errorClass, 'whatsapp_unavailable')
    const slots = await pool.query('select 1 from whatsapp_send_slots where instance = $1', [
      fake.instance,
    ])
    assert.equal(slots.rowCount, 0)
  })

  it('does not retry a number that left WhatsApp', async () => {
    const { fake, action } = await setup()
    fake.unknownNumbers.add(NUMBER)
    const result = await action.execute(
      { params: { to: NUMBER, message: 'x' }, secrets: {} },
      context(),
    )
    assert.equal(result.retryable, false)
    assert.equal(result.errorClass, 'whatsapp_rejected')
    assert.match(result.errorMessage ?? '', /not on WhatsApp/)
  })

  it('waits inline for a slot that is soon', async () => {
    const { fake, action } = await setup('2.3.6', { WHATSAPP_MIN_GAP_SECONDS: '0.3' })
    const run = () =>
      action.execute({ params: { to: NUMBER, message: 'x' }, secrets: {} }, context())
    const results = await Promise.all([run(), run(), run()])
    assert.ok(results.every((r) => r.ok))
    // The limiter's promise is in its slots (exact, from the database clock); arrival times at the
    // fake also carry each request's own latency, so they are only checked against their slot.
    const { rows } = await pool.query<{ slot_ms: number }>(
      `select extract(epoch from slot_at) * 1000 as slot_ms from whatsapp_send_slots
        where instance = $1 order by slot_at`,
      [fake.instance],
    )
    const slots = rows.map((r) => Number(r.slot_ms))
    assert.equal(slots.length, 3)
    for (let i = 1; i < slots.length; i++) {
      const gap = (slots[i] ?? 0) - (slots[i - 1] ?? 0)
      assert.ok(gap >= 300, `slot gap ${gap}`)
    }
    const arrivals = fake.requestsTo('send').map((r) => r.at)
    assert.equal(arrivals.length, 3)
    for (const [i, at] of arrivals.entries()) {
      // 5 ms for clock reads on two sides of a local socket.
      assert.ok(
        at >= (slots[i] ?? 0) - 5,
        `send ${i} arrived ${(slots[i] ?? 0) - at} ms before its slot`,
      )
    }
  })

  it('defers to a slot beyond its wait budget, keeps it, and sends in it when it comes back', async () => {
    const { fake, action } = await setup('2.3.6', { WHATSAPP_MIN_GAP_SECONDS: '2' })
    const params = { params: { to: NUMBER, message: 'x' }, secrets: {} }
    assert.equal((await action.execute(params, context())).ok, true)
    // Budget: max(1000 / 2, 1000 - 2000 - 4000) = 500 ms, well short of a ≥ 2 s gap.
    assert.equal(inlineWaitBudgetMs(1_000, 2_000), 500)
    const ctx = context({ timeoutMs: 1_000 })
    const deferred = await action.execute(params, ctx)
    assert.equal(deferred.ok, false)
    assert.equal(deferred.errorClass, 'deferred')
    assert.match(deferred.errorMessage ?? '', /Waiting for a WhatsApp send slot at .*not a failure/)
    const slotAt = Date.parse(String(deferred.output?.slot_at))
    assert.ok(deferred.deferUntil && deferred.deferUntil.getTime() <= slotAt)
    assert.equal(fake.requestsTo('send').length, 1)
    // Back for the same occurrence (the engine re-runs it at deferUntil): it waits the rest, then sends.
    await new Promise((r) => setTimeout(r, Math.max(0, slotAt - Date.now() - 300)))
    const sent = await action.execute(params, { ...ctx, executionId: 'exec-rerun' })
    assert.equal(sent.ok, true, sent.errorMessage)
    const arrived = fake.requestsTo('send')[1]?.at ?? 0
    assert.ok(arrived >= slotAt - 5, `sent ${slotAt - arrived} ms before its slot`)
  })

  it('sends nothing when shut down while waiting for its slot', async () => {
    const { fake, action } = await setup('2.3.6', { WHATSAPP_MIN_GAP_SECONDS: '1' })
    const params = { params: { to: NUMBER, message: 'x' }, secrets: {} }
    await action.execute(params, context())
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const result = await action.execute(params, context({ signal: controller.signal }))
    assert.equal(result.errorClass, 'shutdown')
    assert.equal(fake.requestsTo('send').length, 1)
  })
})
