import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { captureLogs } from './helpers/log-capture.ts'

describe('createLogger', () => {
  it('redacts authorization headers, api keys, tokens and passwords', () => {
    const { logger, text } = captureLogs()
    logger.info(
      {
        authorization: 'Bearer top-secret-1',
        headers: { Authorization: 'Bearer top-secret-2', apikey: 'top-secret-3' },
        request: { token: 'top-secret-4', password: 'top-secret-5' },
        action: { headers: { 'X-Api-Key': 'top-secret-6' } },
        safe: 'visible',
      },
      'something happened',
    )
    const out = text()
    assert.doesNotMatch(out, /top-secret/)
    assert.match(out, /\[redacted\]/)
    assert.match(out, /visible/)
  })

  it('writes one JSON object per line with an ISO time and a level name', () => {
    const { logger, lines } = captureLogs()
    logger.warn('careful')
    const [line] = lines()
    assert.equal(line?.level, 'warn')
    assert.match(String(line?.time), /^\d{4}-\d{2}-\d{2}T/)
  })
})
