/** The operator's rule operations: list, read, create, update and delete (which cancels the jobs). */
import { withTransaction } from '../../db/pool.ts'
import { notFoundProblem } from '../../problem-error.ts'
import { ACTOR, type ClickUpContext } from './context.ts'
import * as repo from './repository.ts'
import { checkRuleAction, parseRuleInput, ruleToInput } from './rules.ts'

/**
 * The rule as the ops API shows it. Secret action fields (webhook `headers`) are write-only, like a
 * webhook job's: the view names the headers but never shows their values.
 */
function ruleView(svc: ClickUpContext, rule: repo.RuleRecord) {
  const fields = ruleToInput(rule)
  const secretFields = svc.registry.get(rule.action)?.secretFields ?? {}
  for (const [field, describe] of Object.entries(secretFields)) {
    if (fields[field] === undefined) continue
    const shown = describe(fields[field])
    delete fields[field]
    Object.assign(fields, shown)
  }
  return {
    id: rule.id,
    ...fields,
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
  }
}

async function loadRule(svc: ClickUpContext, id: string) {
  const rule = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findRule(svc.pool, id) : null
  if (!rule)
    throw notFoundProblem(
      'Rule',
      `There is no ClickUp rule "${id}". GET /clickup/rules lists them.`,
    )
  return rule
}

export async function listRules(svc: ClickUpContext) {
  return { rules: (await repo.listRules(svc.pool)).map((rule) => ruleView(svc, rule)) }
}

export async function getRule(svc: ClickUpContext, id: string) {
  return ruleView(svc, await loadRule(svc, id))
}

export async function createRule(svc: ClickUpContext, input: Record<string, unknown>) {
  const rule = parseRuleInput(svc.registry, input)
  await checkRuleAction(svc.registry, rule)
  return ruleView(svc, await repo.insertRule(svc.pool, rule))
}

export async function updateRule(svc: ClickUpContext, id: string, input: Record<string, unknown>) {
  const current = await loadRule(svc, id)
  const merged = { ...ruleToInput(current) }
  for (const [key, value] of Object.entries(input)) if (value !== undefined) merged[key] = value
  // A new action drops the old action's fields.
  if (input.action && input.action !== current.action) {
    for (const key of Object.keys(current.actionFields)) if (!(key in input)) delete merged[key]
  }
  const rule = parseRuleInput(svc.registry, merged, current.id)
  await checkRuleAction(svc.registry, rule)
  const saved = await repo.replaceRule(svc.pool, rule)
  if (!saved) throw notFoundProblem('Rule', `ClickUp rule "${id}" was deleted meanwhile.`)
  return ruleView(svc, saved)
}

/**
 * Deletes the rule and cancels the jobs it was waiting to run. The rule row is locked first, which
 * waits for any task being applied under it, so every job such an apply creates is linked (and
 * cancelled here); applies that start later find no rule.
 */
export async function deleteRule(svc: ClickUpContext, id: string) {
  const rule = await loadRule(svc, id)
  const links = await withTransaction(svc.pool, async (tx) => {
    if (!(await repo.lockRule(tx, rule.id, 'update'))) return []
    const active = await repo.listActiveLinks(tx, rule.id)
    await repo.deleteRule(tx, rule.id)
    return active
  })
  for (const link of links) {
    if (link.jobId) await svc.scheduler.cancelJob(link.jobId, ACTOR)
  }
  return { id: rule.id, deleted: true }
}
