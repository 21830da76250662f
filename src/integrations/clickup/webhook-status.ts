/**
 * The registered webhooks as people see them: each stored hook with ClickUp's health for it, and
 * re-registration of one that is suspended, failing or gone.
 */
import { notFoundProblem } from '../../problem-error.ts'
import type { ClickUpWebhook } from './client.ts'
import type { ClickUpContext } from './context.ts'
import * as repo from './repository.ts'
import { registerWebhook } from './webhooks.ts'

export interface WebhookStatus {
  id: string
  team_id: string
  endpoint: string
  location: Record<string, string>
  /** ClickUp's health status (`active`, `failing`, `suspended`), `missing` when ClickUp no longer has it, `unknown` when ClickUp could not be read. */
  health: string
  fail_count: number | null
  /** Stored here (registered through this server): its signing secret is known. */
  secret_stored: boolean
  created_at: string | null
}

/**
 * How long the overview waits for ClickUp per workspace: a page must not hang on ClickUp's rate-limit
 * waits (the client waits out 429s, up to a minute each).
 */
const OVERVIEW_TIMEOUT_MS = 5_000

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export interface WebhookOverview {
  webhooks: WebhookStatus[]
  /** Teams whose webhooks ClickUp would not list, with the reason. */
  errors: { team_id: string; message: string }[]
}

function locationOf(hook: ClickUpWebhook): Record<string, string> {
  const location: Record<string, string> = {}
  for (const key of ['space_id', 'folder_id', 'list_id'] as const) {
    if (hook[key] != null) location[key] = String(hook[key])
  }
  return location
}

/** Every stored webhook with its health, plus hooks ClickUp lists for those teams that are not stored. */
export async function webhookOverview(svc: ClickUpContext): Promise<WebhookOverview> {
  const stored = await repo.listWebhooks(svc.pool)
  const webhooks: WebhookStatus[] = []
  const errors: WebhookOverview['errors'] = []
  for (const teamId of new Set(stored.map((hook) => hook.teamId))) {
    let remote: ClickUpWebhook[] | null = null
    try {
      remote = (await withTimeout(svc.client.listWebhooks(teamId), OVERVIEW_TIMEOUT_MS, 'ClickUp'))
        .webhooks
    } catch (err) {
      errors.push({ team_id: teamId, message: (err as Error).message })
    }
    for (const hook of stored.filter((h) => h.teamId === teamId)) {
      const found = remote?.find((r) => r.id === hook.id)
      webhooks.push({
        id: hook.id,
        team_id: teamId,
        endpoint: hook.endpoint,
        location: hook.location,
        health: remote === null ? 'unknown' : (found?.health?.status ?? 'missing'),
        fail_count: found?.health?.fail_count ?? null,
        secret_stored: true,
        created_at: hook.createdAt.toISOString(),
      })
    }
    for (const hook of remote ?? []) {
      if (stored.some((h) => h.id === hook.id)) continue
      webhooks.push({
        id: hook.id,
        team_id: teamId,
        endpoint: hook.endpoint,
        location: locationOf(hook),
        health: hook.health?.status ?? 'unknown',
        fail_count: hook.health?.fail_count ?? null,
        secret_stored: false,
        created_at: null,
      })
    }
  }
  return { webhooks, errors }
}

/**
 * Registers a stored webhook again (same team, location and endpoint) and then deletes the old one in
 * ClickUp and here. The new hook is stored first, so a failure half-way leaves a working hook, never
 * none. Whether ClickUp revives a suspended hook in place is not documented, so it is replaced.
 */
export async function reregisterWebhook(svc: ClickUpContext, id: string) {
  const stored = (await repo.listWebhooks(svc.pool)).find((hook) => hook.id === id)
  if (!stored) {
    throw notFoundProblem(
      'Webhook',
      `No webhook "${id}" was registered through this server; register one with POST /clickup/webhooks.`,
    )
  }
  const created = await registerWebhook(svc, {
    team_id: stored.teamId,
    endpoint: stored.endpoint,
    ...stored.location,
  })
  try {
    await svc.client.deleteWebhook(id)
  } catch (err) {
    const status = (err as { status?: number | null }).status
    if (status !== 404) {
      svc.logger.warn(
        { webhook_id: id, err: { message: (err as Error).message } },
        'the replaced ClickUp webhook could not be deleted there; delete it in ClickUp by hand',
      )
    }
  }
  await repo.deleteStoredWebhook(svc.pool, id)
  return { replaced: id, ...created }
}
