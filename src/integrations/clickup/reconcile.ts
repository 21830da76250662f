/** Reconciliation: re-applies the current state of every rule's tasks to fix drift from missed events. */
import { type Applied, type ApplyContext, applyLocked } from './apply.ts'
import type { ClickUpTask } from './client.ts'
import type { ClickUpContext } from './context.ts'
import * as inbox from './inbox-repository.ts'
import * as repo from './repository.ts'
import { webhookProblems } from './webhooks.ts'

const MAX_LIST_PAGES = 50
/** Inbox rows are kept this long; ClickUp's own retries of an event end within minutes. */
const EVENT_RETENTION_MS = 30 * 24 * 3_600_000

type Counts = Record<Applied, number>

export async function reconcile(svc: ClickUpContext) {
  const counts: Counts = {
    created: 0,
    updated: 0,
    cancelled: 0,
    unchanged: 0,
    skipped: 0,
    ignored: 0,
  }
  const now = svc.clock.now()
  const ctx: ApplyContext = { eventAt: now, statusTo: null, force: true }
  for (const rule of await repo.listRules(svc.pool)) {
    const seen = await reconcileListed(svc, rule, ctx, counts)
    await reconcileLinked(svc, rule, ctx, counts, seen)
  }
  const pruned = await inbox.pruneEvents(svc.pool, new Date(now.getTime() - EVENT_RETENTION_MS))
  const result = {
    webhook_problems: await webhookProblems(svc),
    events_pruned: pruned,
    // Every task checked was applied exactly once.
    tasks_checked: Object.values(counts).reduce((sum, n) => sum + n, 0),
    created: counts.created,
    updated: counts.updated,
    cancelled: counts.cancelled,
    unchanged: counts.unchanged + counts.ignored,
    skipped: counts.skipped,
  }
  svc.logger.info(result, 'ClickUp reconciliation done')
  return result
}

type TaskPage = (page: number) => Promise<{ tasks: ClickUpTask[]; last_page?: boolean }>

/**
 * Applies every task in the rule's trigger status: in its List, or, for a rule without one, in every
 * workspace the token sees. Returns the ids seen.
 */
async function reconcileListed(
  svc: ClickUpContext,
  rule: repo.RuleRecord,
  ctx: ApplyContext,
  counts: Counts,
): Promise<Set<string>> {
  const seen = new Set<string>()
  const listId = rule.listId
  const sources: TaskPage[] = listId
    ? [(page) => svc.client.listTasks(listId, rule.triggerStatus, page)]
    : (await svc.client.listTeams()).teams.map(
        (team) => (page: number) =>
          svc.client.listTeamTasks(String(team.id), rule.triggerStatus, page),
      )
  for (const listPage of sources) {
    for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
      const result = await listPage(page)
      for (const task of result.tasks) {
        if (seen.has(task.id)) continue
        seen.add(task.id)
        counts[await applyLocked(svc, rule, task.id, task, ctx)] += 1
      }
      if (result.last_page !== false || result.tasks.length === 0) break
    }
  }
  return seen
}

/** Jobs still waiting for tasks the listing did not return (moved, closed, deleted): reads each task again. */
async function reconcileLinked(
  svc: ClickUpContext,
  rule: repo.RuleRecord,
  ctx: ApplyContext,
  counts: Counts,
  seen: Set<string>,
): Promise<void> {
  for (const link of await repo.listActiveLinks(svc.pool, rule.id)) {
    if (seen.has(link.taskId)) continue
    const task = await svc.client.getTask(link.taskId)
    counts[await applyLocked(svc, rule, link.taskId, task, ctx)] += 1
  }
}
