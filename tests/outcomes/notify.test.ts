/**
 * notify: the outcome of a run told in words, into the Dify conversation that scheduled it (a local
 * fake of Dify's chat-messages: blocking chat, streaming agent, error statuses) or by WhatsApp
 * through the Evolution fake and the shared limiter.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ProblemError } from '../../src/problem-error.ts'
import { waitUntil } from '../helpers/engine-wait.ts'
import { type FakeDify, type RecordedDifyRequest, startFakeDify } from '../helpers/fake-dify.ts'
import { type FakeEvolution, startFakeEvolution } from '../helpers/fake-evolution.ts'
import { startTestScheduler, type TestScheduler } from '../helpers/scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

const KEYS = { chat: 'app-chat-key', agent: 'app-agent-key', flow: 'app-flow-key' }
const CONVERSATION = '5f1b4e8a-8a55-4c2b-9d0e-0a4c1f6e2b10'
const NUMBER = '5511988887777'
let dify: FakeDify
let evolution: FakeEvolution
let scheduler: TestScheduler
let target: WebhookReceiver

before(async () => {
  dify = await startFakeDify([
    { key: KEYS.chat, mode: 'advanced-chat', answer: 'Noted, thanks.' },
    { key: KEYS.agent, mode: 'agent-chat', answer: 'Understood: the reminder went out.' },
    { key: KEYS.flow, mode: 'workflow' },
  ])
  dify.conversations.add(CONVERSATION)
  evolution = await startFakeEvolution({ version: '2.3.6' })
  target = await startWebhookReceiver()
  scheduler = await startTestScheduler('notify', {
    env: {
      DIFY_API_URL: dify.url,
      DIFY_APPS: `helper:chat:${KEYS.chat},ops:agent:${KEYS.agent},flow:workflow:${KEYS.flow}`,
      DIFY_TIMEOUT_SECONDS: '10',
      EVOLUTION_API_URL: evolution.url,
      EVOLUTION_API_KEY: evolution.apiKey,
      EVOLUTION_API_INSTANCE: evolution.instance,
      WHATSAPP_MIN_GAP_SECONDS: '0.1',
      WHATSAPP_TIMEOUT_SECONDS: '5',
    },
  })
})
after(async () => {
  await scheduler?.close()
  await dify?.close()
  await evolution?.close()
  await target?.close()
})

const create = (kind: string, name: string, fields: Record<string, unknown>) =>
  scheduler.runtime.service.createJob(kind, { name, delay: '1s', ...fields }, { name: 'tests' })

/** Chat messages posted with this text in the query. */
const chatsAbout = (text: string) =>
  dify
    .runRequests()
    .filter((r) => r.path === '/v1/chat-messages' && String(r.body?.query ?? '').includes(text))

async function callbackRows(jobId: string) {
  const result = await scheduler.pool.query(
    `select status, attempt, error_class, error_message, output, request_summary from job_executions
     where job_id = $1 and reports_execution_id is not null order by started_at, attempt`,
    [jobId],
  )
  return result.rows
}

async function rejects422(promise: Promise<unknown>, field: string, pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ProblemError, String(err))
    assert.equal(err.status, 422)
    assert.equal(err.errors?.[0]?.field, field)
    assert.match(`${err.errors?.[0]?.message} ${err.errors?.[0]?.hint}`, pattern)
    return true
  })
}

describe('notify "conversation"', () => {
  it('posts the outcome into the given conversation of a chat app, as the given user', async () => {
    const { job } = await create('webhook', 'Remind Ana (chat)', {
      url: `${target.url}/ok`,
      notify: 'conversation',
      notify_app: 'helper',
      notify_conversation_id: CONVERSATION,
      notify_user: 'ana@example.com',
    })
    const [posted] = await waitUntil('chat message', () => {
      const found = chatsAbout('Remind Ana (chat)')
      return found.length > 0 ? found : null
    })
    const request = posted as RecordedDifyRequest
    assert.equal(request.headers.authorization, `Bearer ${KEYS.chat}`)
    assert.equal(request.body?.conversation_id, CONVERSATION)
    assert.equal(request.body?.user, 'ana@example.com')
    assert.equal(request.body?.response_mode, 'blocking')
    assert.match(String(request.body?.query), new RegExp(`job_id ${job.id}.*: succeeded\\. Ran `))
    const rows = await waitUntil('recorded', async () => {
      const r = await callbackRows(job.id)
      return r[0]?.status === 'succeeded' ? r : null
    })
    assert.equal(rows[0].output.answer, 'Noted, thanks.')
    assert.equal(rows[0].request_summary.target, 'conversation')
  })

  it('streams into an agent app and records its answer', async () => {
    const { job } = await create('webhook', 'Agent hears back', {
      url: `${target.url}/ok`,
      notify: 'conversation',
      notify_app: 'ops',
      notify_conversation_id: CONVERSATION,
    })
    const rows = await waitUntil('recorded', async () => {
      const r = await callbackRows(job.id)
      return r[0]?.status === 'succeeded' ? r : null
    })
    assert.equal(rows[0].output.answer, 'Understood: the reminder went out.')
    const [request] = chatsAbout('Agent hears back')
    assert.equal(request?.body?.response_mode, 'streaming')
    assert.equal(request?.body?.user, 'agent-tool-server')
  })

  it("defaults to a Dify job's own app, conversation and user", async () => {
    const { job } = await create('dify', 'Daily digest', {
      app: 'helper',
      query: 'Summarise the open tickets',
      conversation_id: CONVERSATION,
      user: 'bob',
      notify: 'conversation',
    })
    assert.equal(job.callback?.app, 'helper')
    assert.equal(job.callback?.conversation_id, CONVERSATION)
    const [request] = await waitUntil('notice', () => {
      const found = chatsAbout('Daily digest')
      return found.length > 0 ? found : null
    })
    assert.equal(request?.body?.user, 'bob')
    assert.equal(request?.body?.conversation_id, CONVERSATION)
  })

  it('records a Dify error on the callback row and retries it (500, then success)', async () => {
    const app = dify.apps[0]
    if (!app) throw new Error('no app')
    app.fail = { status: 500, code: 'internal_server_error', message: 'Internal Server Error' }
    app.failTimes = 1
    const { job } = await create('webhook', 'Retry the notice', {
      url: `${target.url}/ok`,
      notify: 'conversation',
      notify_app: 'helper',
      notify_conversation_id: CONVERSATION,
    })
    const rows = await waitUntil(
      'failed then delivered',
      async () => {
        const r = await callbackRows(job.id)
        return r.length === 2 && r[1]?.status === 'succeeded' ? r : null
      },
      15_000,
    )
    app.fail = undefined
    assert.equal(rows[0].status, 'failed')
    assert.equal(rows[0].error_class, 'dify_error')
    assert.match(rows[0].error_message, /500/)
    assert.equal((await scheduler.runtime.service.getJob(job.id)).job.status, 'completed')
  })

  it('records a conversation Dify does not know as a failed notice', async () => {
    const { job } = await create('webhook', 'Unknown chat', {
      url: `${target.url}/ok`,
      notify: 'conversation',
      notify_app: 'helper',
      notify_conversation_id: '0e9d5b9e-1111-4a4a-8b8b-123456789abc',
    })
    const rows = await waitUntil('failed notice', async () => {
      const r = await callbackRows(job.id)
      return r[0]?.status === 'failed' ? r : null
    })
    assert.equal(rows[0].error_class, 'dify_error')
    assert.match(rows[0].error_message, /Conversation Not Exists|404/)
  })

  it('refuses at creation what cannot work: a workflow app, no conversation, fields without notify', async () => {
    const base = { url: `${target.url}/ok`, notify: 'conversation' }
    await rejects422(
      create('webhook', 'x', { ...base, notify_app: 'flow', notify_conversation_id: CONVERSATION }),
      'notify_app',
      /workflow app, which has no conversations/,
    )
    await rejects422(
      create('webhook', 'x', { ...base, notify_app: 'helper' }),
      'notify_conversation_id',
      /required/,
    )
    await rejects422(
      create('webhook', 'x', { ...base, notify_app: 'nope', notify_conversation_id: CONVERSATION }),
      'notify_app',
      /no Dify app named "nope"/,
    )
    await rejects422(
      create('webhook', 'x', { url: `${target.url}/ok`, notify_conversation_id: CONVERSATION }),
      'notify_conversation_id',
      /only with notify "conversation"/,
    )
    await rejects422(
      create('webhook', 'x', { url: `${target.url}/ok`, notify: 'email' }),
      'notify',
      /not one of: conversation, whatsapp/,
    )
  })
})

describe('notify "whatsapp"', () => {
  it('sends the outcome sentence to the number through the limiter', async () => {
    const { job } = await create('webhook', 'Invoice reminder', {
      url: `${target.url}/ok`,
      notify: 'whatsapp',
      notify_to: '+55 11 98888-7777',
    })
    assert.equal(job.callback?.to, NUMBER)
    const message = await waitUntil('WhatsApp notice', () =>
      evolution.delivered.find((m) => m.text.includes('Invoice reminder')),
    )
    assert.equal(message.number, NUMBER)
    assert.match(message.text, /^Scheduled job "Invoice reminder" succeeded\. Ran /)
    const rows = await waitUntil('recorded', async () => {
      const r = await callbackRows(job.id)
      return r[0]?.status === 'succeeded' ? r : null
    })
    assert.equal(rows[0].output.message_id, message.id)
    const slots = await scheduler.pool.query('select count(*)::int as n from whatsapp_send_slots')
    assert.ok(slots.rows[0].n >= 1, 'the send took a limiter slot')
  })

  it('refuses a number that is not on WhatsApp, or none, at creation', async () => {
    evolution.unknownNumbers.add('5511900000000')
    await rejects422(
      create('webhook', 'x', {
        url: `${target.url}/ok`,
        notify: 'whatsapp',
        notify_to: '+55 11 90000-0000',
      }),
      'notify_to',
      /WhatsApp/,
    )
    await rejects422(
      create('webhook', 'x', { url: `${target.url}/ok`, notify: 'whatsapp' }),
      'notify_to',
      /required/,
    )
  })
})
