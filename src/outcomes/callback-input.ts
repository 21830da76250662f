/**
 * The callback a job asks for (issue 20): a signed POST of each run's outcome to `callback_url`,
 * and/or a notice into a Dify conversation or a WhatsApp chat (`notify`). Checked at creation like
 * an action's fields (422 naming the field, 424 when Evolution cannot check a number) and stored as
 * a non-secret spec plus write-only header values.
 */
import { parseRequestHeaders } from '../actions/request-headers.ts'
import type { DifyCatalog } from '../integrations/dify/index.ts'
import type { WhatsAppService } from '../integrations/whatsapp/index.ts'
import { type AddressPolicy, assertUrlAllowed, type HostResolver } from '../outbound/index.ts'
import { fieldProblem } from '../problem-error.ts'

export const CALLBACK_ON = ['success', 'failure', 'always'] as const
export type CallbackOn = (typeof CALLBACK_ON)[number]
export const NOTIFY_CHANNELS = ['conversation', 'whatsapp'] as const
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number]
/** Where one callback message goes: the URL, or one of the notify channels. */
export type CallbackTarget = 'url' | NotifyChannel

/** What scheduled_jobs.callback holds: everything but header values. */
export interface CallbackSpec {
  on: CallbackOn
  url: string | null
  header_names: string[]
  notify: NotifyChannel | null
  /** WhatsApp number (digits) for notify `whatsapp`. */
  to: string | null
  /** Dify app, conversation and user for notify `conversation`. */
  app: string | null
  conversation_id: string | null
  user: string | null
}

export interface CallbackSecrets {
  headers?: Record<string, string>
}

export interface PreparedCallback {
  spec: CallbackSpec | null
  secrets: CallbackSecrets
}

/** The action a callback is attached to (notify `conversation` defaults to a Dify job's own chat). */
export interface CallbackActionContext {
  kind: string
  params: Record<string, unknown>
}

export interface CallbackInputDeps {
  policy: AddressPolicy
  lookup?: HostResolver
  /** Present only when Dify apps are configured. */
  dify: { catalog: DifyCatalog; defaultUser: string } | null
  /** Present only when Evolution is configured. */
  whatsapp: WhatsAppService | null
}

const MAX_URL_LENGTH = 2048
const CONVERSATION_ID = /^[A-Za-z0-9-]{1,64}$/
const FIELDS = [
  'callback_url',
  'callback_on',
  'callback_headers',
  'notify',
  'notify_to',
  'notify_app',
  'notify_conversation_id',
  'notify_user',
] as const

const given = (value: unknown) =>
  value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '')
const text = (value: unknown) => String(value).trim()

/** The notify channels this server can use (Dify apps configured, Evolution configured). */
export function availableChannels(configured: { dify: unknown; whatsapp: unknown }) {
  return NOTIFY_CHANNELS.filter((c) =>
    Boolean(c === 'conversation' ? configured.dify : configured.whatsapp),
  )
}

/** The targets one run's outcome goes to, in a fixed order. */
export function callbackTargets(spec: CallbackSpec): CallbackTarget[] {
  return [...(spec.url ? (['url'] as const) : []), ...(spec.notify ? [spec.notify] : [])]
}

/** Does a run that ended with `status` get a callback under `on`? */
export function wantsCallback(on: CallbackOn, status: string): boolean {
  return on === 'always' || (on === 'success') === (status === 'succeeded')
}

export function createCallbackInput(deps: CallbackInputDeps) {
  async function parseUrl(value: unknown): Promise<string> {
    const raw = text(value)
    let url: URL | undefined
    try {
      url = new URL(raw)
    } catch {
      url = undefined
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || raw.length > MAX_URL_LENGTH) {
      throw fieldProblem(
        'callback_url',
        'must be an absolute http or https URL.',
        'Send the full URL that should receive the outcome, e.g. https://example.com/hooks/job-done.',
      )
    }
    if (url.username || url.password) {
      throw fieldProblem(
        'callback_url',
        'must not contain a user name or password.',
        'Put credentials in callback_headers instead, e.g. {"Authorization":"Bearer …"}.',
      )
    }
    try {
      await assertUrlAllowed(url.toString(), deps.policy, deps.lookup)
    } catch (err) {
      throw fieldProblem(
        'callback_url',
        `cannot be called: ${err instanceof Error ? err.message : String(err)}`,
        'Use a public http(s) URL. An operator can admit internal hosts with WEBHOOK_ALLOWLIST.',
      )
    }
    return url.toString()
  }

  function parseOn(value: unknown): CallbackOn {
    if (!given(value)) return 'always'
    const on = text(value).toLowerCase()
    if ((CALLBACK_ON as readonly string[]).includes(on)) return on as CallbackOn
    throw fieldProblem(
      'callback_on',
      `"${text(value)}" is not one of: ${CALLBACK_ON.join(', ')}.`,
      'Use "failure" to hear only about failed runs, "success" only about successful ones, or "always" (the default).',
    )
  }

  function parseChannel(value: unknown): NotifyChannel {
    const channel = text(value).toLowerCase()
    const available = availableChannels(deps)
    if ((available as string[]).includes(channel)) return channel as NotifyChannel
    const known = (NOTIFY_CHANNELS as readonly string[]).includes(channel)
    throw fieldProblem(
      'notify',
      known
        ? `"${channel}" is not available: this server has no ${channel === 'whatsapp' ? 'WhatsApp (Evolution API)' : 'Dify apps'} configured.`
        : `"${text(value)}" is not one of: ${available.join(', ') || '(none on this server)'}.`,
      available.length > 0
        ? `Use ${available.map((c) => `"${c}"`).join(' or ')}, or leave notify empty and use callback_url.`
        : 'Leave notify empty; use callback_url to receive the outcome.',
    )
  }

  function onlyWith(field: string, channel: NotifyChannel, actual: NotifyChannel | null) {
    throw fieldProblem(
      field,
      `applies only with notify "${channel}"${actual ? `, not "${actual}"` : ''}.`,
      `Send notify "${channel}" with it, or remove ${field}.`,
    )
  }

  async function conversation(input: Record<string, unknown>, action: CallbackActionContext) {
    const dify = deps.dify
    if (!dify) throw new Error('conversation notify without Dify')
    const ownChat = action.kind === 'dify'
    const appName = given(input.notify_app)
      ? text(input.notify_app)
      : ownChat
        ? String(action.params.app)
        : ''
    if (!appName) {
      throw fieldProblem(
        'notify_app',
        'is required with notify "conversation".',
        `Send the name of the Dify app whose conversation should hear the outcome: ${dify.catalog.names().join(', ')}.`,
      )
    }
    const app = dify.catalog.find(appName)
    if (!app) {
      throw fieldProblem(
        'notify_app',
        `there is no Dify app named "${appName}".`,
        `Use one of: ${dify.catalog.names().join(', ')}.`,
      )
    }
    if (app.mode !== 'chat' && app.mode !== 'agent') {
      throw fieldProblem(
        'notify_app',
        `"${app.name}" is a ${app.mode} app, which has no conversations.`,
        'Use a chat or agent app, or notify "whatsapp", or callback_url.',
      )
    }
    const sameApp = ownChat && String(action.params.app).toLowerCase() === app.name.toLowerCase()
    const conversationId = given(input.notify_conversation_id)
      ? text(input.notify_conversation_id)
      : sameApp && typeof action.params.conversation_id === 'string'
        ? action.params.conversation_id
        : ''
    if (!conversationId) {
      throw fieldProblem(
        'notify_conversation_id',
        'is required with notify "conversation".',
        "Send the conversation_id of the Dify conversation to post the outcome into (in a Dify app: the conversation's sys.conversation_id).",
      )
    }
    if (!CONVERSATION_ID.test(conversationId)) {
      throw fieldProblem(
        'notify_conversation_id',
        'is not a Dify conversation id.',
        'Use the conversation_id Dify gave the conversation (a UUID).',
      )
    }
    const user = given(input.notify_user)
      ? text(input.notify_user)
      : sameApp && typeof action.params.user === 'string'
        ? action.params.user
        : dify.defaultUser
    if (/[\p{Cc}]/u.test(user) || user.length > 200) {
      throw fieldProblem('notify_user', 'is not a plain identifier.', 'Use the Dify user id.')
    }
    return { app: app.name, conversation_id: conversationId, user }
  }

  /**
   * The callback the input asks for ({spec: null} when none). Throws a 422 ProblemError naming the
   * field, or a 424 when Evolution cannot check a WhatsApp number now.
   */
  async function prepare(
    input: Record<string, unknown>,
    action: CallbackActionContext,
  ): Promise<PreparedCallback> {
    if (!FIELDS.some((field) => given(input[field]))) return { spec: null, secrets: {} }
    const url = given(input.callback_url) ? await parseUrl(input.callback_url) : null
    if (!url && given(input.callback_headers)) {
      throw fieldProblem(
        'callback_headers',
        'applies only with callback_url.',
        'Send callback_url with it, or remove callback_headers.',
      )
    }
    const headers = url ? parseRequestHeaders('callback_headers', input.callback_headers) : {}
    const notify = given(input.notify) ? parseChannel(input.notify) : null
    if (given(input.notify_to) && notify !== 'whatsapp') onlyWith('notify_to', 'whatsapp', notify)
    for (const field of ['notify_app', 'notify_conversation_id', 'notify_user'] as const) {
      if (given(input[field]) && notify !== 'conversation') onlyWith(field, 'conversation', notify)
    }
    if (!url && !notify) {
      throw fieldProblem(
        'callback_on',
        'needs callback_url or notify.',
        'Send callback_url (a URL to receive the outcome) or notify, or remove callback_on.',
      )
    }
    const on = parseOn(input.callback_on)
    let to: string | null = null
    if (notify === 'whatsapp') {
      if (!given(input.notify_to)) {
        throw fieldProblem(
          'notify_to',
          'is required with notify "whatsapp".',
          'Send the phone number with country code that should get the outcome, e.g. +55 11 99999-9999; ask the user for it.',
        )
      }
      to = await (deps.whatsapp as WhatsAppService).verifyRecipient(input.notify_to, 'notify_to')
    }
    const chat = notify === 'conversation' ? await conversation(input, action) : null
    return {
      spec: {
        on,
        url,
        header_names: Object.keys(headers),
        notify,
        to,
        app: chat?.app ?? null,
        conversation_id: chat?.conversation_id ?? null,
        user: chat?.user ?? null,
      },
      secrets: Object.keys(headers).length > 0 ? { headers } : {},
    }
  }

  return { prepare, channels: () => availableChannels(deps) }
}

export type CallbackInput = ReturnType<typeof createCallbackInput>
