import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { authHeader, buildTestApp } from '../helpers/app.ts'
import { readJson } from '../helpers/http.ts'

describe('getCurrentTime', () => {
  it('returns now in UTC and the default zone when none is given', async () => {
    const { app } = buildTestApp({ env: { DEFAULT_TIMEZONE: 'Europe/Berlin' } })
    const res = await app.request('/time', { headers: authHeader })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = await readJson(res)
    assert.equal(body.now, '2026-11-27T12:00:00.000Z')
    assert.equal(body.timezone, 'Europe/Berlin')
    assert.equal(body.local, '2026-11-27T13:00:00+01:00')
    assert.equal(body.utc_offset, '+01:00')
    assert.equal(body.weekday, 'Friday')
    assert.match(body.human, /Friday/)
    assert.match(body.human, /13:00/)
  })

  it('renders the requested zone', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/time?timezone=America/Sao_Paulo', { headers: authHeader })
    const body = await readJson(res)
    assert.equal(body.timezone, 'America/Sao_Paulo')
    assert.equal(body.utc_offset, '-03:00')
    assert.equal(body.local, '2026-11-27T09:00:00-03:00')
  })

  it('uses the default zone for an empty timezone', async () => {
    const { app } = buildTestApp()
    const body = await readJson(app.request('/time?timezone=', { headers: authHeader }))
    assert.equal(body.timezone, 'UTC')
  })

  it('answers 422 for an unknown zone with a hint showing the expected form', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/time?timezone=Sao%20Paulo', { headers: authHeader })
    assert.equal(res.status, 422)
    const body = await readJson(res)
    assert.equal(body.errors[0].field, 'timezone')
    assert.match(body.errors[0].hint, /America\/Sao_Paulo/)
    assert.equal(body.now, '2026-11-27T12:00:00.000Z')
  })
})
