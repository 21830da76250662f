/**
 * ClickUp API v2 client (plain fetch: the URL is the operator's CLICKUP_API_URL, never an agent's).
 * The personal token goes in `Authorization` without Bearer. Rate limits are waited out, but only so
 * long per call: a 429 (or a shared budget that is empty, see rate-budget.ts) waits until the reset
 * when that is within the call's wait budget, and otherwise fails the call with status 429. Queue
 * work is then retried later by pg-boss; an operator's request gets a 424.
 */
import type { Logger } from '../../logger.ts'
import type { RateBudget } from './rate-budget.ts'

const REQUEST_TIMEOUT_MS = 15_000
/** Total time one call may spend waiting for rate-limit resets (ClickUp's window is a minute). */
export const MAX_RATE_LIMIT_WAIT_MS = 65_000
const MIN_RATE_LIMIT_WAIT_MS = 250

export class ClickUpError extends Error {
  override name = 'ClickUpError'
  readonly status: number | null
  readonly code: string | null
  constructor(message: string, status: number | null, code: string | null = null) {
    super(message)
    this.status = status
    this.code = code
  }
}

export interface ClickUpTask {
  id: string
  name: string
  url?: string
  description?: string | null
  text_content?: string | null
  status?: { status: string; type?: string } | null
  due_date?: string | number | null
  start_date?: string | number | null
  archived?: boolean
  list?: { id: string | number } | null
  /** Unix ms (as text) of the task's last change: tells an older read of it from a newer one. */
  date_updated?: string | number | null
}

export interface ClickUpWebhook {
  id: string
  endpoint: string
  events: string[]
  health?: { status: string; fail_count: number }
  secret?: string
  team_id?: number | string
  list_id?: number | string | null
  folder_id?: number | string | null
  space_id?: number | string | null
}

export interface ClickUpClientOptions {
  apiUrl: string
  token: string
  logger: Logger
  /** Aborts rate-limit waits (shutdown). */
  signal?: AbortSignal
  timeoutMs?: number
  /** The rate limit shared with the other replicas; without one, only 429s are waited out. */
  budget?: RateBudget
  /** Total wait for rate limits per call (default MAX_RATE_LIMIT_WAIT_MS). */
  maxRateLimitWaitMs?: number
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ClickUpError('stopped while waiting', null))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new ClickUpError('stopped while waiting for the rate limit', null))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** X-RateLimit-Reset is a Unix timestamp (seconds; milliseconds tolerated); 5 s when absent. */
export function rateLimitWaitMs(reset: string | null, nowMs: number): number {
  const value = Number(reset)
  if (!reset || !Number.isFinite(value)) return 5_000
  const resetMs = value > 1e12 ? value : value * 1000
  return Math.max(MIN_RATE_LIMIT_WAIT_MS, resetMs - nowMs)
}

function rateLimited(path: string, waitMs: number, waitedMs: number): ClickUpError {
  return new ClickUpError(
    `ClickUp rate limit for ${path.split('?')[0]}: the next request is allowed in ${Math.ceil(waitMs / 1000)} s, past this call's wait budget (${Math.round(waitedMs / 1000)} s waited already)`,
    429,
    'RATE_LIMITED',
  )
}

export function createClickUpClient(options: ClickUpClientOptions) {
  const base = options.apiUrl.replace(/\/+$/, '')

  const maxWaitMs = options.maxRateLimitWaitMs ?? MAX_RATE_LIMIT_WAIT_MS

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let waitedMs = 0
    /** Sleeps `waitMs` if the call's budget allows, else fails the call as rate-limited. */
    const waitOut = async (waitMs: number) => {
      if (waitedMs + waitMs > maxWaitMs) throw rateLimited(path, waitMs, waitedMs)
      options.logger.warn(
        { path: path.split('?')[0], wait_ms: waitMs },
        'ClickUp rate limit reached; waiting',
      )
      await sleep(waitMs, options.signal)
      waitedMs += waitMs
    }
    for (;;) {
      const budgetWaitMs = (await options.budget?.take()) ?? 0
      if (budgetWaitMs > 0) {
        await waitOut(Math.max(MIN_RATE_LIMIT_WAIT_MS, budgetWaitMs))
        continue
      }
      let response: Response
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            Authorization: options.token,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
        })
      } catch (err) {
        throw new ClickUpError(`ClickUp unreachable: ${(err as Error).message}`, null)
      }
      await options.budget?.record(response.status, response.headers)
      if (response.status === 429) {
        await response.body?.cancel()
        await waitOut(rateLimitWaitMs(response.headers.get('x-ratelimit-reset'), Date.now()))
        continue
      }
      const text = await response.text()
      if (!response.ok) {
        let code: string | null = null
        let message = text.slice(0, 300)
        try {
          const parsed = JSON.parse(text) as { err?: string; ECODE?: string }
          code = parsed.ECODE ?? null
          message = parsed.err ?? message
        } catch {
          // Not JSON (a proxy page): keep the text.
        }
        throw new ClickUpError(
          `ClickUp ${method} ${path.split('?')[0]} answered ${response.status}: ${message}`,
          response.status,
          code,
        )
      }
      return (text ? JSON.parse(text) : {}) as T
    }
  }

  /** One page of a task listing (List or workspace) filtered by status, subtasks and closed included. */
  function taskPage(path: string, status: string, page: number) {
    const query = new URLSearchParams({
      'statuses[]': status,
      include_closed: 'true',
      subtasks: 'true',
      page: String(page),
    })
    return request<{ tasks: ClickUpTask[]; last_page?: boolean }>('GET', `${path}?${query}`)
  }

  return {
    /** The task, or null when ClickUp says it does not exist (deleted, or no access). */
    async getTask(taskId: string): Promise<ClickUpTask | null> {
      try {
        return await request<ClickUpTask>('GET', `/task/${encodeURIComponent(taskId)}`)
      } catch (err) {
        if (err instanceof ClickUpError && err.status === 404) return null
        throw err
      }
    },
    /** One page (up to 100) of a List's tasks in the given status, closed ones included. */
    listTasks(listId: string, status: string, page: number) {
      return taskPage(`/list/${encodeURIComponent(listId)}/task`, status, page)
    },
    /** Workspaces ("teams" in API v2) the token can see. */
    listTeams() {
      return request<{ teams: { id: string; name?: string }[] }>('GET', '/team')
    },
    /** Tasks of a whole workspace in a status, for rules without a List filter. */
    listTeamTasks(teamId: string, status: string, page: number) {
      return taskPage(`/team/${encodeURIComponent(teamId)}/task`, status, page)
    },
    comment(taskId: string, text: string) {
      return request<{ id: string }>('POST', `/task/${encodeURIComponent(taskId)}/comment`, {
        comment_text: text,
        notify_all: false,
      })
    },
    setStatus(taskId: string, status: string) {
      return request<ClickUpTask>('PUT', `/task/${encodeURIComponent(taskId)}`, { status })
    },
    createWebhook(teamId: string, body: Record<string, unknown>) {
      return request<{ id: string; webhook: ClickUpWebhook }>(
        'POST',
        `/team/${encodeURIComponent(teamId)}/webhook`,
        body,
      )
    },
    deleteWebhook(webhookId: string) {
      return request<Record<string, never>>('DELETE', `/webhook/${encodeURIComponent(webhookId)}`)
    },
    listWebhooks(teamId: string) {
      return request<{ webhooks: ClickUpWebhook[] }>(
        'GET',
        `/team/${encodeURIComponent(teamId)}/webhook`,
      )
    },
  }
}

export type ClickUpClient = ReturnType<typeof createClickUpClient>
