import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { errorDetails } from '../../src/integrations/evolution/errors.ts'
import {
  createEvolutionClient,
  EvolutionError,
  type EvolutionErrorKind,
  typingDelayMs,
} from '../../src/integrations/evolution/index.ts'
import { type FakeEvolution, startFakeEvolution } from '../helpers/fake-evolution.ts'

const NUMBER = '5511999999999'
let v2: FakeEvolution
let v1: FakeEvolution

before(async () => {
  v2 = await startFakeEvolution({ version: '2.3.6' })
  v1 = await startFakeEvolution({ version: '1.8.2' })
})
after(async () => {
  await v2.close()
  await v1.close()
})

function clientFor(fake: FakeEvolution, overrides: { apiKey?: string; instance?: string } = {}) {
  return createEvolutionClient({
    baseUrl: `${fake.url}/`,
    apiKey: overrides.apiKey ?? fake.apiKey,
    instance: overrides.instance ?? fake.instance,
    timeoutMs: 2_000,
  })
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: EvolutionErrorKind,
  check: (err: EvolutionError) => void = () => {},
) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof EvolutionError, String(err))
    assert.equal(err.kind, kind, err.message)
    check(err)
    return true
  })
}

describe('evolution client: version and sendText', () => {
  it('probes GET / once and sends the v2 body {number, text, delay}, answered 201', async () => {
    const client = clientFor(v2)
    const first = await client.sendText(NUMBER, 'Hi Ana')
    const second = await client.sendText(NUMBER, 'Hi again')
    assert.equal(v2.requestsTo('probe').length, 1)
    assert.equal(first.httpStatus, 201)
    assert.equal(first.apiVersion, '2.3.6')
    assert.equal(first.status, 'PENDING')
    assert.equal(first.remoteJid, `${NUMBER}@s.whatsapp.net`)
    assert.match(first.messageId, /^3EB0/)
    assert.notEqual(first.messageId, second.messageId)
    const sent = v2.requestsTo('send')[0]
    assert.equal(sent?.path, '/message/sendText/sales')
    assert.equal(sent?.headers.apikey, v2.apiKey)
    assert.deepEqual(sent?.body, { number: NUMBER, text: 'Hi Ana', delay: typingDelayMs('Hi Ana') })
    assert.equal(v2.requestsTo('probe')[0]?.headers.apikey, undefined)
  })

  it('sends the v1 body {number, options, textMessage} to a 1.8 server and accepts its 200', async () => {
    const client = clientFor(v1)
    const sent = await client.sendText(NUMBER, 'Olá!')
    assert.equal(sent.httpStatus, 200)
    assert.equal(sent.apiVersion, '1.8.2')
    assert.deepEqual(v1.requestsTo('send').at(-1)?.body, {
      number: NUMBER,
      options: { delay: typingDelayMs('Olá!'), presence: 'composing' },
      textMessage: { text: 'Olá!' },
    })
    assert.equal(v1.delivered.at(-1)?.text, 'Olá!')
  })

  it('re-probes after "instance requires property" and resends once in the other format', async () => {
    const fake = await startFakeEvolution({ version: '2.3.6' })
    try {
      const client = clientFor(fake)
      await client.version()
      fake.version = '1.8.2'
      const sent = await client.sendText(NUMBER, 'after the downgrade')
      assert.equal(sent.apiVersion, '1.8.2')
      assert.equal(fake.requestsTo('probe').length, 2)
      assert.equal(fake.requestsTo('send').length, 2)
      assert.equal(fake.delivered.length, 1)
    } finally {
      await fake.close()
    }
  })

  it('reports a root that does not answer a version as a configuration problem', async () => {
    const fake = await startFakeEvolution()
    try {
      fake.queueFault('probe', { kind: 'status', status: 200, body: { hello: 'nginx' } })
      await rejectsWith(clientFor(fake).sendText(NUMBER, 'x'), 'not_found', (err) =>
        assert.match(err.message, /EVOLUTION_API_URL/),
      )
      assert.equal(fake.requestsTo('send').length, 0)
    } finally {
      await fake.close()
    }
  })
})

describe('evolution client: checkNumber', () => {
  it('posts {numbers: [n]} and reads exists on v2 and v1', async () => {
    v2.unknownNumbers.add('5511000000000')
    for (const fake of [v2, v1]) {
      const client = clientFor(fake)
      assert.deepEqual(await client.checkNumber(NUMBER), {
        number: NUMBER,
        exists: true,
        jid: `${NUMBER}@s.whatsapp.net`,
      })
      assert.deepEqual(fake.requestsTo('check').at(-1)?.body, { numbers: [NUMBER] })
    }
    assert.equal((await clientFor(v2).checkNumber('5511000000000')).exists, false)
  })

  it('treats the raw 400 of the v2 check route as a refusal, never as a maybe-delivered', async () => {
    v2.queueFault('check', { kind: 'status', status: 400, body: {} })
    await rejectsWith(clientFor(v2).checkNumber(NUMBER), 'rejected', (err) =>
      assert.equal(err.maybeDelivered, false),
    )
    v2.queueFault('check', { kind: 'status', status: 502, body: 'Bad Gateway' })
    await rejectsWith(clientFor(v2).checkNumber(NUMBER), 'upstream', (err) =>
      assert.equal(err.maybeDelivered, false),
    )
  })
})

describe('evolution client: errors', () => {
  it('says a number is not on WhatsApp (400 exists:false) and delivers nothing', async () => {
    v2.unknownNumbers.add('5511222222222')
    const before = v2.delivered.length
    await rejectsWith(clientFor(v2).sendText('5511222222222', 'x'), 'not_on_whatsapp', (err) => {
      assert.equal(err.status, 400)
      assert.equal(err.maybeDelivered, false)
    })
    assert.equal(v2.delivered.length, before)
  })

  it('names the API key on 401 without ever containing it', async () => {
    await rejectsWith(
      clientFor(v2, { apiKey: 'wrong-key-123456' }).sendText(NUMBER, 'x'),
      'unauthorized',
      (err) => {
        assert.equal(err.status, 401)
        assert.match(err.message, /EVOLUTION_API_KEY/)
        assert.equal(err.message.includes('wrong-key-123456'), false)
        assert.deepEqual(err.details, ['Unauthorized'])
      },
    )
  })

  it('answers an unknown instance with 404 before checking the key', async () => {
    const client = clientFor(v2, { instance: 'nope', apiKey: 'wrong-key-123456' })
    await rejectsWith(client.checkNumber(NUMBER), 'instance_not_found', (err) =>
      assert.match(err.message, /"nope".*EVOLUTION_API_INSTANCE/),
    )
  })

  it('tells an unknown route (wrong base path) apart from an unknown instance', async () => {
    const client = createEvolutionClient({
      baseUrl: `${v2.url}/api`,
      apiKey: v2.apiKey,
      instance: v2.instance,
      timeoutMs: 2_000,
    })
    await rejectsWith(client.checkNumber(NUMBER), 'not_found', (err) =>
      assert.match(err.message, /Cannot POST \/api\/chat/),
    )
  })

  it('classifies "Connection Closed" as unavailable and not delivered', async () => {
    v2.queueFault('send', { kind: 'connection_closed' })
    await rejectsWith(clientFor(v2).sendText(NUMBER, 'x'), 'unavailable', (err) => {
      assert.equal(err.status, 500)
      assert.equal(err.maybeDelivered, false)
      assert.match(err.message, /not open/)
    })
  })

  it('marks a 400 after delivery as maybe delivered', async () => {
    const before = v2.delivered.length
    v2.queueFault('send', { kind: 'after_delivery' })
    await rejectsWith(clientFor(v2).sendText(NUMBER, 'x'), 'upstream', (err) => {
      assert.equal(err.status, 400)
      assert.equal(err.maybeDelivered, true)
      assert.match(err.message, /PrismaClientKnownRequestError/)
    })
    assert.equal(v2.delivered.length, before + 1)
  })

  it('marks any other 5xx on a send as maybe delivered', async () => {
    v2.queueFault('send', {
      kind: 'status',
      status: 500,
      body: { status: 500, error: 'Internal Server Error', response: { message: ['boom'] } },
    })
    await rejectsWith(clientFor(v2).sendText(NUMBER, 'x'), 'upstream', (err) => {
      assert.equal(err.maybeDelivered, true)
      assert.deepEqual(err.details, ['boom'])
    })
  })

  it('times out a slow send (maybe delivered) and a slow check (not)', async () => {
    const client = createEvolutionClient({
      baseUrl: v2.url,
      apiKey: v2.apiKey,
      instance: v2.instance,
      timeoutMs: 200,
    })
    await client.version()
    v2.queueFault('send', { kind: 'hang_after_delivery' })
    const started = Date.now()
    await rejectsWith(client.sendText(NUMBER, 'x'), 'timeout', (err) => {
      assert.equal(err.maybeDelivered, true)
      assert.equal(err.status, null)
    })
    assert.ok(Date.now() - started < 200 + typingDelayMs('x') + 500)
    v2.queueFault('check', { kind: 'slow', delayMs: 1_000 })
    await rejectsWith(client.checkNumber(NUMBER), 'timeout', (err) =>
      assert.equal(err.maybeDelivered, false),
    )
  })

  it('reports a refused connection as network, not delivered', async () => {
    const port = await freePort()
    const client = createEvolutionClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      instance: 'sales',
      timeoutMs: 1_000,
    })
    await rejectsWith(client.checkNumber(NUMBER), 'network', (err) => {
      assert.equal(err.maybeDelivered, false)
      assert.match(err.message, /ECONNREFUSED/)
    })
  })

  it('stops when the caller aborts', async () => {
    const client = clientFor(v2)
    await client.version()
    v2.queueFault('check', { kind: 'slow', delayMs: 1_000 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    await rejectsWith(client.checkNumber(NUMBER, { signal: controller.signal }), 'aborted')
  })
})

describe('errorDetails', () => {
  it('reads response.message, message or the body, flattening nested arrays', () => {
    assert.deepEqual(errorDetails({ response: { message: [['a', 'b'], 'c'] } }), ['a', 'b', 'c'])
    assert.deepEqual(errorDetails({ message: 'Unauthorized' }), ['Unauthorized'])
    assert.deepEqual(errorDetails('Bad Gateway'), ['Bad Gateway'])
    assert.deepEqual(errorDetails({}), ['{}'])
    assert.deepEqual(errorDetails({ response: { message: [{ exists: false, number: '1' }] } }), [
      '{"exists":false,"number":"1"}',
    ])
  })
})

describe('typingDelayMs', () => {
  it('grows with the text between 1 and 3 seconds', () => {
    assert.equal(typingDelayMs(''), 1_000)
    assert.equal(typingDelayMs('x'.repeat(50)), 1_500)
    assert.equal(typingDelayMs('x'.repeat(5_000)), 3_000)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
