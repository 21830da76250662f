/** ClickUp webhooks: registering one with its secret, listing them, and checking their health. */
import { ProblemError } from '../../problem-error.ts'
import type { ClickUpWebhook } from './client.ts'
import type { ClickUpContext } from './context.ts'
import * as repo from './repository.ts'
import { upstream } from './upstream.ts'

/** Events a webhook registered through this server subscribes to. */
export const WEBHOOK_EVENTS = [
  'taskCreated',
  'taskUpdated',
  'taskStatusUpdated',
  'taskDueDateUpdated',
  'taskDeleted',
  'taskMoved',
] as const

export interface WebhookInput {
  team_id: string
  endpoint?: string | null
  space_id?: string | null
  folder_id?: string | null
  list_id?: string | null
}

export async function registerWebhook(svc: ClickUpContext, input: WebhookInput) {
  const endpoint = input.endpoint || `${svc.config.publicUrl}/clickup/webhook`
  const location = webhookLocation(input)
  const events = [...WEBHOOK_EVENTS]
  const body: Record<string, unknown> = { endpoint, events }
  for (const [key, value] of Object.entries(location)) body[key] = Number(value)
  const created = await upstream(() => svc.client.createWebhook(input.team_id, body))
  const secret = created.webhook?.secret
  if (!secret) {
    throw new ProblemError({
      status: 424,
      type: 'clickup-error',
      title: 'ClickUp gave no secret',
      detail: `ClickUp created webhook ${created.id} but returned no secret, so its deliveries cannot be verified. Delete it in ClickUp and try again.`,
    })
  }
  await storeOrWithdraw(svc, {
    id: created.id,
    teamId: input.team_id,
    endpoint,
    events,
    location,
    secret,
  })
  return {
    id: created.id,
    team_id: input.team_id,
    endpoint,
    events,
    ...location,
    health: created.webhook?.health ?? null,
  }
}

/**
 * Stores the new webhook's secret. If that fails (the database is unreachable), the webhook is
 * deleted in ClickUp again: left there, it would send deliveries nobody can verify, and the caller
 * is told to retry anyway. A delete that fails too is logged with the id to delete by hand.
 */
async function storeOrWithdraw(
  svc: ClickUpContext,
  hook: Parameters<typeof repo.insertWebhook>[1],
): Promise<void> {
  try {
    await repo.insertWebhook(svc.pool, hook)
  } catch (err) {
    await svc.client.deleteWebhook(hook.id).then(
      () =>
        svc.logger.warn(
          { webhook_id: hook.id },
          'ClickUp webhook withdrawn: its secret could not be stored',
        ),
      (deleteErr: Error) =>
        svc.logger.error(
          { webhook_id: hook.id, err: { message: deleteErr.message } },
          'ClickUp webhook created but neither stored nor withdrawn: delete it in ClickUp',
        ),
    )
    throw err
  }
}

/** The space, folder and list ids the caller gave, as strings. */
function webhookLocation(input: WebhookInput): Record<string, string> {
  const location: Record<string, string> = {}
  for (const key of ['space_id', 'folder_id', 'list_id'] as const) {
    const value = input[key]
    if (value) location[key] = String(value)
  }
  return location
}

const idOrNull = (value: unknown) => (value == null ? null : String(value))

export async function listWebhooks(svc: ClickUpContext, teamId: string) {
  const stored = await repo.listWebhooks(svc.pool, teamId)
  const remote = await upstream(() => svc.client.listWebhooks(teamId))
  const storedIds = new Set(stored.map((hook) => hook.id))
  return {
    webhooks: remote.webhooks.map((hook) => ({
      id: hook.id,
      endpoint: hook.endpoint,
      events: hook.events,
      list_id: idOrNull(hook.list_id),
      folder_id: idOrNull(hook.folder_id),
      space_id: idOrNull(hook.space_id),
      health_status: hook.health?.status ?? null,
      fail_count: hook.health?.fail_count ?? null,
      secret_stored: storedIds.has(hook.id),
    })),
    // Stored here but no longer known to ClickUp (deleted there): re-register.
    missing_in_clickup: stored
      .filter((hook) => !remote.webhooks.some((r) => r.id === hook.id))
      .map((h) => h.id),
  }
}

export interface WebhookProblem {
  id: string
  team_id: string
  status: string
  fail_count: number | null
}

/**
 * Registered webhooks that are not healthy (failing, suspended) or gone from ClickUp: ClickUp sends
 * no notice when a hook stops, so each pass looks and logs a warning.
 */
export async function webhookProblems(svc: ClickUpContext): Promise<WebhookProblem[]> {
  const stored = await repo.listWebhooks(svc.pool)
  const problems: WebhookProblem[] = []
  for (const teamId of new Set(stored.map((hook) => hook.teamId))) {
    const remote = await remoteWebhooks(svc, teamId)
    if (!remote) continue
    for (const hook of stored.filter((h) => h.teamId === teamId)) {
      const found = remote.webhooks.find((r) => r.id === hook.id)
      const status = found ? (found.health?.status ?? 'unknown') : 'missing'
      if (status === 'active') continue
      problems.push({
        id: hook.id,
        team_id: teamId,
        status,
        fail_count: found?.health?.fail_count ?? null,
      })
    }
  }
  if (problems.length > 0) {
    svc.logger.warn(
      { webhooks: problems },
      'ClickUp webhooks need attention: register them again (POST /clickup/webhooks)',
    )
  }
  return problems
}

/** The team's webhooks as ClickUp sees them, or null (logged) when ClickUp cannot be read. */
async function remoteWebhooks(
  svc: ClickUpContext,
  teamId: string,
): Promise<{ webhooks: ClickUpWebhook[] } | null> {
  try {
    return await svc.client.listWebhooks(teamId)
  } catch (err) {
    svc.logger.warn(
      { team_id: teamId, err: { message: (err as Error).message } },
      'could not read ClickUp webhook health',
    )
    return null
  }
}
