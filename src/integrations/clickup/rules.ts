/** Rules: validating operator input, rendering {{task.*}} templates and working out a job's run time. */
import { randomUUID } from 'node:crypto'
import { toStorableText } from '../../db/storable-text.ts'
import { type FieldError, validationProblem } from '../../problem-error.ts'
import type { ActionRegistry } from '../../scheduler/action-registry.ts'
import { parseSignedDuration } from '../../scheduler/timing/index.ts'
import type { ClickUpTask } from './client.ts'
import type { NewRule, RuleRecord, RunAtField } from './repository.ts'

/** 9999-12-31T23:59:59.999Z: a later "date" is not one ClickUp could have set. */
const MAX_DATE_MS = 253_402_300_799_999
export const RUN_AT_FIELDS: readonly RunAtField[] = ['due_date', 'start_date', 'now']
const RULE_OWN_FIELDS = [
  'name',
  'list_id',
  'trigger_status',
  'run_at_field',
  'offset',
  'action',
  'on_success_comment',
  'on_success_status',
  'on_failure_comment',
  'on_failure_status',
] as const

const given = (value: unknown) => value !== undefined && value !== null && value !== ''
const text = (value: unknown) => (given(value) ? String(value).trim() : null)

/** Status names compare trimmed and case-insensitively (ClickUp shows them upper-cased). */
export function sameStatus(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase() && !!a
}

/** The rule as flat fields (what the ops API returns and what PATCH merges onto). */
export function ruleToInput(rule: RuleRecord): Record<string, unknown> {
  return {
    name: rule.name,
    list_id: rule.listId,
    trigger_status: rule.triggerStatus,
    run_at_field: rule.runAtField,
    offset: rule.offset,
    action: rule.action,
    ...rule.actionFields,
    on_success_comment: rule.onSuccessComment,
    on_success_status: rule.onSuccessStatus,
    on_failure_comment: rule.onFailureComment,
    on_failure_status: rule.onFailureStatus,
  }
}

/** Validates flat rule input against the registry; `id` is kept (update) or made (create). */
export function parseRuleInput(
  registry: ActionRegistry,
  input: Record<string, unknown>,
  id: string = randomUUID(),
): NewRule {
  const errors: FieldError[] = []
  for (const field of ['name', 'trigger_status', 'action'] as const) {
    if (!given(input[field])) {
      errors.push({ field, message: 'is required.', hint: `Provide ${field}.` })
    }
  }
  const runAtField = (text(input.run_at_field) ?? 'due_date') as RunAtField
  if (!RUN_AT_FIELDS.includes(runAtField)) {
    errors.push({
      field: 'run_at_field',
      message: `"${runAtField}" is not supported.`,
      hint: 'Use due_date, start_date or now.',
    })
  }
  const offset = text(input.offset)
  let offsetMs = 0
  if (offset) {
    const ms = parseSignedDuration(offset)
    if (ms === null) {
      errors.push({
        field: 'offset',
        message: `"${offset}" is not a duration.`,
        hint: 'Use e.g. -15m (15 minutes before), 1h (an hour after) or -1d.',
      })
    } else offsetMs = ms
  }
  const actionKind = text(input.action)
  const action = actionKind ? registry.get(actionKind) : undefined
  if (actionKind && !action) {
    errors.push({
      field: 'action',
      message: `"${actionKind}" is not an available action.`,
      hint: `Use one of: ${registry.kinds().join(', ')}.`,
    })
  }
  const actionFields: Record<string, unknown> = {}
  if (action) {
    const own = new Set(Object.keys(action.fields))
    for (const required of action.requiredFields) {
      if (!given(input[required])) {
        errors.push({
          field: required,
          message: `is required for a ${action.kind} rule.`,
          hint: `Provide ${required}; {{task.name}}, {{task.url}}, {{task.id}}, {{task.status}}, {{task.due_date}} and {{task.description}} are filled in per task.`,
        })
      }
    }
    for (const [field, value] of Object.entries(input)) {
      if ((RULE_OWN_FIELDS as readonly string[]).includes(field) || !given(value)) continue
      if (own.has(field)) actionFields[field] = value
      else {
        errors.push({
          field,
          message: `does not apply to a ${action.kind} rule.`,
          hint: `Remove ${field}, or choose the action it belongs to.`,
        })
      }
    }
  }
  if (errors.length > 0) throw validationProblem(errors)
  return {
    id,
    name: String(input.name).trim(),
    listId: text(input.list_id),
    triggerStatus: String(input.trigger_status).trim(),
    runAtField,
    offset,
    offsetMs,
    action: actionKind as string,
    actionFields,
    onSuccessComment: text(input.on_success_comment),
    onSuccessStatus: text(input.on_success_status),
    onFailureComment: text(input.on_failure_comment),
    onFailureStatus: text(input.on_failure_status),
  }
}

/** Stand-in task values for checking a rule's fields before any task exists. */
const SAMPLE_TASK: ClickUpTask = {
  id: '86c0abcd',
  name: 'Sample task',
  url: 'https://app.clickup.com/t/86c0abcd',
  text_content: 'Sample description',
  status: { status: 'scheduled' },
  due_date: String(Date.UTC(2030, 0, 1, 9)),
}

/**
 * Checks the rule's action fields as the action will when a task fires it (the webhook URL against
 * the SSRF policy, header values that can be sent…), with {{task.*}} filled in by sample values, so
 * a rule that could never produce a job is refused now (422) instead of failing silently later.
 */
export async function checkRuleAction(registry: ActionRegistry, rule: NewRule): Promise<void> {
  const action = registry.get(rule.action)
  if (!action?.checkInput) return
  await action.checkInput(renderFields(rule.actionFields, taskVariables(SAMPLE_TASK)))
}

/** A task date (Unix ms as text or number), or null when absent or not a time JavaScript can hold. */
export function taskDate(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null
  const ms = Number(value)
  return Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_DATE_MS ? ms : null
}

export type RunPlan = { ok: true; at: Date; runKey: string } | { ok: false; reason: string }

/**
 * When the rule's job should run for this task: the task's date plus the offset, or now. A time in
 * the past runs now. A task without the needed date has no plan (the caller skips it and notes why).
 */
export function planRun(rule: RuleRecord, task: ClickUpTask, now: Date): RunPlan {
  if (rule.runAtField === 'now') return { ok: true, at: now, runKey: 'now' }
  const dateMs = taskDate(task[rule.runAtField])
  if (dateMs === null) {
    return {
      ok: false,
      reason: `task has no ${rule.runAtField}; nothing is scheduled until it gets one`,
    }
  }
  const at = new Date(Math.max(dateMs + rule.offsetMs, now.getTime()))
  return { ok: true, at, runKey: `${rule.runAtField}:${dateMs}:${rule.offsetMs}` }
}

/** Template values of a task; text ClickUp sent that PostgreSQL cannot store is replaced. */
export function taskVariables(task: ClickUpTask): Record<string, string> {
  const due = taskDate(task.due_date)
  const text = (value: unknown) => toStorableText(typeof value === 'string' ? value : '')
  return {
    'task.id': text(task.id),
    'task.name': text(task.name),
    'task.url': text(task.url ?? `https://app.clickup.com/t/${task.id}`),
    'task.description': text(task.text_content ?? task.description),
    'task.status': text(task.status?.status),
    'task.due_date': due === null ? '' : new Date(due).toISOString(),
  }
}

/** Replaces {{name}} (spaces allowed inside the braces); unknown names are left as they are. */
export function renderTemplate(template: string, variables: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_.]+)\s*\}\}/gi, (whole, name: string) =>
    Object.hasOwn(variables, name) ? (variables[name] as string) : whole,
  )
}

function isJsonText(value: string): boolean {
  try {
    JSON.parse(value.replace(/\{\{\s*[a-z_.]+\s*\}\}/gi, 'x'))
    return /^\s*[[{]/.test(value)
  } catch {
    return false
  }
}

/**
 * Renders every text field. In a field holding JSON text (a webhook body, Dify inputs) values are
 * JSON-escaped, so a task name with quotes or line breaks keeps the JSON valid.
 */
export function renderFields(
  fields: Record<string, unknown>,
  variables: Record<string, string>,
): Record<string, unknown> {
  const escaped = Object.fromEntries(
    Object.entries(variables).map(([k, v]) => [k, JSON.stringify(v).slice(1, -1)]),
  )
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      typeof value === 'string'
        ? renderTemplate(value, isJsonText(value) ? escaped : variables)
        : value,
    ]),
  )
}
