import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError } from '../../src/config.ts'
import { makeTestConfig } from '../helpers/app.ts'

const EVOLUTION = {
  EVOLUTION_API_URL: 'http://evolution:8080/',
  EVOLUTION_API_KEY: 'evo-key-not-to-be-seen',
  EVOLUTION_API_INSTANCE: 'sales',
}

describe('WhatsApp configuration', () => {
  it('is off without EVOLUTION_* and has the documented defaults', () => {
    const { whatsapp } = makeTestConfig()
    assert.deepEqual(whatsapp, {
      evolution: null,
      minGapSeconds: 3,
      maxPerMinute: 12,
      maxPerDay: 500,
      timeoutSeconds: 30,
    })
  })

  it('reads all three EVOLUTION_* variables and keeps the key out of JSON', () => {
    const config = makeTestConfig({ ...EVOLUTION, WHATSAPP_MIN_GAP_SECONDS: '0.5' })
    assert.equal(config.whatsapp.evolution?.apiUrl, 'http://evolution:8080')
    assert.equal(config.whatsapp.evolution?.instance, 'sales')
    assert.equal(config.whatsapp.evolution?.apiKey, 'evo-key-not-to-be-seen')
    assert.equal(config.whatsapp.minGapSeconds, 0.5)
    assert.equal(JSON.stringify(config).includes('evo-key-not-to-be-seen'), false)
  })

  it('names the missing variables when only some are set, never the key', () => {
    assert.throws(
      () => makeTestConfig({ EVOLUTION_API_KEY: EVOLUTION.EVOLUTION_API_KEY }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /EVOLUTION_API_URL, EVOLUTION_API_INSTANCE: required/.test(err.message) &&
        !err.message.includes(EVOLUTION.EVOLUTION_API_KEY),
    )
  })

  it('rejects bad values naming the variable', () => {
    for (const [name, value] of [
      ['EVOLUTION_API_URL', 'evolution:8080'],
      ['WHATSAPP_MIN_GAP_SECONDS', 'soon'],
      ['WHATSAPP_MAX_PER_MINUTE', '0'],
      ['WHATSAPP_TIMEOUT_SECONDS', '1.5'],
    ]) {
      assert.throws(
        () => makeTestConfig({ ...EVOLUTION, [name as string]: value as string }),
        new RegExp(name as string),
      )
    }
  })
})
