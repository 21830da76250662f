import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type pg from 'pg'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import {
  createWhatsAppLimiter,
  type ReserveResult,
} from '../../src/integrations/whatsapp/limiter.ts'
import {
  computeNextSlot,
  DAY_MS,
  MINUTE_MS,
  type SendLimits,
} from '../../src/integrations/whatsapp/slots.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { captureLogs } from '../helpers/log-capture.ts'

const T0 = new Date('2026-11-27T12:00:00.000Z')
const at = (ms: number) => new Date(T0.getTime() + ms)
const LIMITS: SendLimits = { minGapMs: 3_000, maxPerMinute: 12, maxPerDay: 500 }

describe('computeNextSlot', () => {
  const empty = { now: T0, latest: null, nthInMinute: null, nthInDay: null }

  it('is free now when nothing was sent', () => {
    assert.deepEqual(
      computeNextSlot(empty, LIMITS, () => 0.7),
      { at: T0, reason: 'free' },
    )
  })

  it('waits a gap between 1× and 2× the minimum after the latest slot', () => {
    const history = { ...empty, latest: at(-1_000) }
    assert.deepEqual(
      computeNextSlot(history, LIMITS, () => 0),
      { at: at(2_000), reason: 'gap' },
    )
    assert.deepEqual(
      computeNextSlot(history, LIMITS, () => 0.5),
      { at: at(3_500), reason: 'gap' },
    )
    const old = { ...empty, latest: at(-10_000) }
    assert.equal(computeNextSlot(old, LIMITS, () => 0.99).reason, 'free')
  })

  it('moves past the per-minute and per-day windows of the Nth most recent slot', () => {
    const minute = { ...empty, latest: at(-5_000), nthInMinute: at(-50_000) }
    assert.deepEqual(
      computeNextSlot(minute, LIMITS, () => 0),
      {
        at: at(MINUTE_MS - 50_000),
        reason: 'minute_cap',
      },
    )
    const day = { ...minute, nthInDay: at(-3_600_000) }
    assert.deepEqual(
      computeNextSlot(day, LIMITS, () => 0),
      {
        at: at(DAY_MS - 3_600_000),
        reason: 'day_cap',
      },
    )
  })
})

let database: TestDatabase
let pool: pg.Pool
let otherPool: pg.Pool

before(async () => {
  database = await createTestDatabase('whatsapp_limiter')
  const logs = captureLogs()
  pool = createPool({ connectionString: database.connectionString, logger: logs.logger })
  otherPool = createPool({ connectionString: database.connectionString, logger: logs.logger })
  await runMigrations(pool, logs.logger)
})
after(async () => {
  await pool?.end()
  await otherPool?.end()
  await database?.drop()
})

let instanceCounter = 0
function limiterFor(
  limits: Partial<SendLimits>,
  options: { db?: pg.Pool; instance?: string } = {},
) {
  return createWhatsAppLimiter({
    pool: options.db ?? pool,
    instance: options.instance ?? `instance-${++instanceCounter}`,
    limits: { ...LIMITS, ...limits },
  })
}

function reserved(result: ReserveResult) {
  assert.equal(result.kind, 'reserved', JSON.stringify(result))
  return result as Extract<ReserveResult, { kind: 'reserved' }>
}

async function slotTimes(instance: string): Promise<number[]> {
  const result = await pool.query<{ slot_at: Date }>(
    'select slot_at from whatsapp_send_slots where instance = $1 order by slot_at',
    [instance],
  )
  return result.rows.map((r) => r.slot_at.getTime())
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] ?? 0))
}

describe('createWhatsAppLimiter', () => {
  it('spreads a burst of 10 concurrent reservations 1–2 minimum gaps apart', async () => {
    const limiter = limiterFor({ minGapMs: 200 }, { instance: 'burst' })
    const results = (await Promise.all(Array.from({ length: 10 }, () => limiter.reserve({})))).map(
      reserved,
    )
    const times = await slotTimes('burst')
    assert.equal(times.length, 10)
    for (const gap of gaps(times)) assert.ok(gap >= 200 && gap <= 400, `gap ${gap} ms`)
    const waits = results.map((r) => r.waitMs).sort((a, b) => a - b)
    assert.ok((waits[0] ?? 1) < 100, 'the first send goes at once')
    assert.ok((waits[9] ?? 0) >= 9 * 200)
  })

  it('holds the gap across two pools (two replicas) reserving at the same time', async () => {
    const a = limiterFor({ minGapMs: 150 }, { instance: 'shared' })
    const b = limiterFor({ minGapMs: 150 }, { instance: 'shared', db: otherPool })
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).reserve({})))
    const times = await slotTimes('shared')
    assert.equal(times.length, 12)
    for (const gap of gaps(times)) assert.ok(gap >= 150, `gap ${gap} ms`)
  })

  it('puts the send after the per-minute cap one minute after the Nth most recent', async () => {
    const limiter = limiterFor({ minGapMs: 0, maxPerMinute: 3 })
    const first = reserved(await limiter.reserve({}))
    await limiter.reserve({})
    await limiter.reserve({})
    const fourth = reserved(await limiter.reserve({}))
    assert.equal(fourth.reason, 'minute_cap')
    assert.equal(fourth.slotAt.getTime(), first.slotAt.getTime() + MINUTE_MS)
    assert.ok(fourth.waitMs > 59_000)
  })

  it('puts the send after the per-day cap 24 hours after the Nth most recent', async () => {
    const limiter = limiterFor({ minGapMs: 0, maxPerDay: 2 })
    const first = reserved(await limiter.reserve({}))
    await limiter.reserve({})
    const third = reserved(await limiter.reserve({}))
    assert.equal(third.reason, 'day_cap')
    assert.equal(third.slotAt.getTime(), first.slotAt.getTime() + DAY_MS)
  })

  it('reserves nothing when the slot is further than maxWaitMs, and says when it is', async () => {
    const instance = 'direct'
    const limiter = limiterFor({ minGapMs: 0, maxPerMinute: 1 }, { instance })
    reserved(await limiter.reserve({ maxWaitMs: 1_000 }))
    const refused = await limiter.reserve({ maxWaitMs: 1_000 })
    assert.equal(refused.kind, 'too_far')
    if (refused.kind !== 'too_far') return
    assert.equal(refused.reason, 'minute_cap')
    assert.ok(refused.waitMs > 58_000 && refused.waitMs <= MINUTE_MS)
    assert.equal((await slotTimes(instance)).length, 1)
  })

  it('gives a holder back its slot while it is ahead, and a fresh one once it has passed', async () => {
    const instance = 'held'
    const limiter = limiterFor({ minGapMs: 300 }, { instance })
    reserved(await limiter.reserve({}))
    const held = reserved(await limiter.reserve({ holder: 'job-1@t' }))
    const again = reserved(await limiter.reserve({ holder: 'job-1@t' }))
    assert.equal(again.id, held.id)
    assert.equal(again.slotAt.getTime(), held.slotAt.getTime())
    await new Promise((r) => setTimeout(r, held.waitMs + 50))
    const fresh = reserved(await limiter.reserve({ holder: 'job-1@t' }))
    assert.notEqual(fresh.id, held.id)
    assert.equal((await slotTimes(instance)).length, 2)
    await limiter.markUsed(fresh.id)
    const next = reserved(await limiter.reserve({ holder: 'job-1@t' }))
    assert.notEqual(next.id, fresh.id, 'a used slot is not handed out again')
  })

  it('returns the earlier direct send with the same request hash inside the window', async () => {
    const limiter = limiterFor({ minGapMs: 0 })
    const request = { requestHash: 'abc', dedupeWindowMs: 60_000, maxWaitMs: 1_000 }
    const first = reserved(await limiter.reserve(request))
    const duplicate = await limiter.reserve(request)
    assert.equal(duplicate.kind, 'duplicate')
    if (duplicate.kind === 'duplicate') assert.equal(duplicate.earlier.outcome, 'sending')
    await limiter.recordDirectOutcome(first.id, 'sent', 'MSG1')
    const sent = await limiter.reserve(request)
    assert.ok(sent.kind === 'duplicate' && sent.earlier.messageId === 'MSG1')
    const other = await limiter.reserve({ ...request, requestHash: 'def' })
    assert.equal(other.kind, 'reserved')
  })

  it('forgets a direct send that was given back (nothing sent), so it can be sent again', async () => {
    const limiter = limiterFor({ minGapMs: 0 })
    const request = { requestHash: 'xyz', dedupeWindowMs: 60_000 }
    const first = reserved(await limiter.reserve(request))
    await limiter.release(first.id)
    assert.equal((await limiter.reserve(request)).kind, 'reserved')
  })

  it('keeps instances apart and prunes slots older than a day', async () => {
    const quiet = limiterFor({ minGapMs: 10_000 }, { instance: 'quiet' })
    const busy = limiterFor({ minGapMs: 10_000 }, { instance: 'busy' })
    await busy.reserve({})
    assert.ok(reserved(await quiet.reserve({})).waitMs < 100)
    await pool.query(
      `insert into whatsapp_send_slots (instance, slot_at) values ('quiet', now() - interval '2 days')`,
    )
    await quiet.reserve({})
    const times = await slotTimes('quiet')
    assert.equal(times.length, 2)
    assert.ok(times.every((t) => t > Date.now() - DAY_MS))
  })
})
