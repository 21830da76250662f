import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import {
  createWebhookSigner,
  parseSigningSecrets,
  webhookMessageId,
} from '../../src/outbound/signing.ts'
import { makeTestConfig } from '../helpers/app.ts'

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

describe('createWebhookSigner', () => {
  it('signs so that the standardwebhooks package (an independent implementation) verifies it', () => {
    const secret = newSecret()
    const signer = createWebhookSigner(parseSigningSecrets(secret))
    const body = '{"text":"Olá, Ana","n":1}'
    const headers = signer.headers('msg_abc', body)
    assert.match(headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/]+=*$/)
    assert.deepEqual(new Webhook(secret).verify(body, headers), { text: 'Olá, Ana', n: 1 })
  })

  it('fails verification when the body, the id or the timestamp changed', () => {
    const secret = newSecret()
    const signer = createWebhookSigner(parseSigningSecrets(secret))
    const headers = signer.headers('msg_abc', '{"a":1}')
    const verifier = new Webhook(secret)
    assert.throws(() => verifier.verify('{"a":2}', headers))
    assert.throws(() => verifier.verify('{"a":1}', { ...headers, 'webhook-id': 'msg_abd' }))
    const later = String(Number(headers['webhook-timestamp']) + 1)
    assert.throws(() => verifier.verify('{"a":1}', { ...headers, 'webhook-timestamp': later }))
    assert.throws(() => new Webhook(newSecret()).verify('{"a":1}', headers))
  })

  it('signs with every configured secret, the first listed first, so either one verifies (rotation)', () => {
    const current = newSecret()
    const previous = newSecret()
    const signer = createWebhookSigner(parseSigningSecrets(`${current}, ${previous}`))
    const headers = signer.headers('msg_rot', '{"p":1}')
    const signatures = (headers['webhook-signature'] ?? '').split(' ')
    assert.equal(signatures.length, 2)
    // Each verifier accepts the delivery with only its own secret.
    new Webhook(current).verify('{"p":1}', headers)
    new Webhook(previous).verify('{"p":1}', headers)
    const onlyFirst = { ...headers, 'webhook-signature': signatures[0] ?? '' }
    new Webhook(current).verify('{"p":1}', onlyFirst)
    assert.throws(() => new Webhook(previous).verify('{"p":1}', onlyFirst))
  })

  it('without secrets sends the id and timestamp but no signature', () => {
    const signer = createWebhookSigner([])
    assert.equal(signer.signs, false)
    const headers = signer.headers('msg_x', 'body', 1_700_000_000)
    assert.deepEqual(headers, { 'webhook-id': 'msg_x', 'webhook-timestamp': '1700000000' })
  })
})

describe('parseSigningSecrets', () => {
  it('refuses a secret without the whsec_ prefix, too short or not base64, naming the entry only', () => {
    const short = `whsec_${randomBytes(8).toString('base64')}`
    for (const raw of [
      'abc',
      short,
      'whsec_not*base64!!!!!!!!!!!!!!!!!!!!!!!!',
      `${newSecret()},x`,
    ]) {
      assert.throws(
        () => parseSigningSecrets(raw),
        (err: Error) =>
          /entry \d/.test(err.message) && !err.message.includes(raw.slice(6, 20) || '\u0000'),
      )
    }
  })

  it('is read by the config as WEBHOOK_SIGNING_SECRET, never shown in the config', () => {
    const secret = newSecret()
    const config = makeTestConfig({ WEBHOOK_SIGNING_SECRET: secret })
    assert.equal(config.webhook.signingKeys.length, 1)
    assert.ok(!JSON.stringify(config).includes(secret.slice(6, 20)))
    assert.throws(
      () => makeTestConfig({ WEBHOOK_SIGNING_SECRET: 'nope' }),
      /WEBHOOK_SIGNING_SECRET: entry 1/,
    )
  })
})

describe('webhookMessageId', () => {
  it('is stable for the same parts, differs otherwise, and has no dot', () => {
    const a = webhookMessageId('job', '2026-01-01T00:00:00.000Z', 'scheduled')
    assert.equal(a, webhookMessageId('job', '2026-01-01T00:00:00.000Z', 'scheduled'))
    assert.notEqual(a, webhookMessageId('job', '2026-01-01T00:00:00.000Z', 'manual'))
    assert.match(a, /^msg_[0-9a-f]{32}$/)
  })
})
