/** SQL for the ClickUp tables: rules, registered webhooks and (rule, task) links (the inbox: inbox-repository.ts). */
import type { Queryable } from '../../db/pool.ts'

export type RunAtField = 'due_date' | 'start_date' | 'now'

export interface RuleRecord {
  id: string
  name: string
  listId: string | null
  triggerStatus: string
  runAtField: RunAtField
  offset: string | null
  offsetMs: number
  action: string
  actionFields: Record<string, unknown>
  onSuccessComment: string | null
  onSuccessStatus: string | null
  onFailureComment: string | null
  onFailureStatus: string | null
  createdAt: Date
  updatedAt: Date
}

export type NewRule = Omit<RuleRecord, 'createdAt' | 'updatedAt'>

type Row = Record<string, unknown>

function mapRule(row: Row): RuleRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    listId: (row.list_id as string | null) ?? null,
    triggerStatus: row.trigger_status as string,
    runAtField: row.run_at_field as RunAtField,
    offset: (row.offset_text as string | null) ?? null,
    offsetMs: Number(row.offset_ms),
    action: row.action as string,
    actionFields: (row.action_fields as Record<string, unknown>) ?? {},
    onSuccessComment: (row.on_success_comment as string | null) ?? null,
    onSuccessStatus: (row.on_success_status as string | null) ?? null,
    onFailureComment: (row.on_failure_comment as string | null) ?? null,
    onFailureStatus: (row.on_failure_status as string | null) ?? null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  }
}

const RULE_COLUMNS = `id, name, list_id, trigger_status, run_at_field, offset_text, offset_ms, action,
  action_fields, on_success_comment, on_success_status, on_failure_comment, on_failure_status,
  created_at, updated_at`

function ruleValues(rule: NewRule): unknown[] {
  return [
    rule.id,
    rule.name,
    rule.listId,
    rule.triggerStatus,
    rule.runAtField,
    rule.offset,
    rule.offsetMs,
    rule.action,
    JSON.stringify(rule.actionFields),
    rule.onSuccessComment,
    rule.onSuccessStatus,
    rule.onFailureComment,
    rule.onFailureStatus,
  ]
}

export async function insertRule(db: Queryable, rule: NewRule): Promise<RuleRecord> {
  const result = await db.query(
    `insert into clickup_rules (id, name, list_id, trigger_status, run_at_field, offset_text, offset_ms,
       action, action_fields, on_success_comment, on_success_status, on_failure_comment, on_failure_status)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13)
     returning ${RULE_COLUMNS}`,
    ruleValues(rule),
  )
  return mapRule(result.rows[0] as Row)
}

export async function replaceRule(db: Queryable, rule: NewRule): Promise<RuleRecord | null> {
  const result = await db.query(
    `update clickup_rules set name = $2, list_id = $3, trigger_status = $4, run_at_field = $5,
       offset_text = $6, offset_ms = $7, action = $8, action_fields = $9::jsonb,
       on_success_comment = $10, on_success_status = $11, on_failure_comment = $12,
       on_failure_status = $13, updated_at = now()
     where id = $1 returning ${RULE_COLUMNS}`,
    ruleValues(rule),
  )
  return result.rows[0] ? mapRule(result.rows[0] as Row) : null
}

export async function findRule(db: Queryable, id: string): Promise<RuleRecord | null> {
  const result = await db.query(`select ${RULE_COLUMNS} from clickup_rules where id = $1`, [id])
  return result.rows[0] ? mapRule(result.rows[0] as Row) : null
}

export async function listRules(db: Queryable): Promise<RuleRecord[]> {
  const result = await db.query(`select ${RULE_COLUMNS} from clickup_rules order by created_at, id`)
  return result.rows.map((row) => mapRule(row as Row))
}

/**
 * Holds the rule for the caller's transaction: FOR SHARE while a task is applied, FOR UPDATE while it
 * is deleted, so a delete waits for applies in flight and applies after it find no rule. False when
 * the rule is gone.
 */
export async function lockRule(
  db: Queryable,
  id: string,
  mode: 'share' | 'update',
): Promise<boolean> {
  const result = await db.query(
    `select 1 from clickup_rules where id = $1 ${mode === 'share' ? 'for share' : 'for update'}`,
    [id],
  )
  return (result.rowCount ?? 0) > 0
}

export async function deleteRule(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query('delete from clickup_rules where id = $1', [id])
  return (result.rowCount ?? 0) > 0
}

// --- webhooks ---

export interface StoredWebhook {
  id: string
  teamId: string
  endpoint: string
  events: string[]
  location: Record<string, string>
  createdAt: Date
}

export async function insertWebhook(
  db: Queryable,
  hook: Omit<StoredWebhook, 'createdAt'> & { secret: string },
): Promise<void> {
  await db.query(
    `insert into clickup_webhooks (id, team_id, endpoint, events, location, secret)
     values ($1, $2, $3, $4::jsonb, $5::jsonb, $6)
     on conflict (id) do update set secret = excluded.secret, endpoint = excluded.endpoint,
       events = excluded.events, location = excluded.location`,
    [
      hook.id,
      hook.teamId,
      hook.endpoint,
      JSON.stringify(hook.events),
      JSON.stringify(hook.location),
      hook.secret,
    ],
  )
}

export async function listWebhooks(db: Queryable, teamId?: string): Promise<StoredWebhook[]> {
  const result = await db.query(
    `select id, team_id, endpoint, events, location, created_at from clickup_webhooks
      where $1::text is null or team_id = $1 order by created_at`,
    [teamId ?? null],
  )
  return result.rows.map((row) => ({
    id: row.id,
    teamId: row.team_id,
    endpoint: row.endpoint,
    events: row.events,
    location: row.location,
    createdAt: row.created_at,
  }))
}

export async function webhookSecrets(db: Queryable): Promise<string[]> {
  const result = await db.query<{ secret: string }>('select secret from clickup_webhooks')
  return result.rows.map((row) => row.secret)
}

// --- (rule, task) links ---

export interface LinkRecord {
  ruleId: string
  taskId: string
  jobId: string | null
  seq: number
  runKey: string | null
  lastEventAt: Date | null
  lastNote: string | null
  /** The task's date_updated (ms) of the newest read applied; an older read is stale. */
  taskUpdatedMs: number | null
}

function mapLink(row: Row): LinkRecord {
  return {
    ruleId: row.rule_id as string,
    taskId: row.task_id as string,
    jobId: (row.job_id as string | null) ?? null,
    seq: Number(row.seq),
    runKey: (row.run_key as string | null) ?? null,
    lastEventAt: (row.last_event_at as Date | null) ?? null,
    lastNote: (row.last_note as string | null) ?? null,
    taskUpdatedMs: row.task_updated_ms === null ? null : Number(row.task_updated_ms),
  }
}

const LINK_COLUMNS =
  'rule_id, task_id, job_id, seq, run_key, last_event_at, last_note, task_updated_ms'

export async function findLink(
  db: Queryable,
  ruleId: string,
  taskId: string,
): Promise<LinkRecord | null> {
  const result = await db.query(
    `select ${LINK_COLUMNS} from clickup_rule_tasks where rule_id = $1 and task_id = $2`,
    [ruleId, taskId],
  )
  return result.rows[0] ? mapLink(result.rows[0] as Row) : null
}

export async function findLinkByJob(db: Queryable, jobId: string): Promise<LinkRecord | null> {
  const result = await db.query(
    `select ${LINK_COLUMNS} from clickup_rule_tasks where job_id = $1 limit 1`,
    [jobId],
  )
  return result.rows[0] ? mapLink(result.rows[0] as Row) : null
}

export async function listLinksOfTask(db: Queryable, taskId: string): Promise<LinkRecord[]> {
  const result = await db.query(
    `select ${LINK_COLUMNS} from clickup_rule_tasks where task_id = $1`,
    [taskId],
  )
  return result.rows.map((row) => mapLink(row as Row))
}

/** Links of a rule whose job is still scheduled or paused. */
export async function listActiveLinks(db: Queryable, ruleId: string): Promise<LinkRecord[]> {
  const result = await db.query(
    `select l.rule_id, l.task_id, l.job_id, l.seq, l.run_key, l.last_event_at, l.last_note,
            l.task_updated_ms
       from clickup_rule_tasks l join scheduled_jobs j on j.id = l.job_id
      where l.rule_id = $1 and j.status in ('scheduled', 'paused')`,
    [ruleId],
  )
  return result.rows.map((row) => mapLink(row as Row))
}

export async function saveLink(db: Queryable, link: LinkRecord): Promise<void> {
  await db.query(
    `insert into clickup_rule_tasks (rule_id, task_id, job_id, seq, run_key, last_event_at, last_note,
       task_updated_ms)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (rule_id, task_id) do update set job_id = excluded.job_id, seq = excluded.seq,
       run_key = excluded.run_key,
       last_event_at = greatest(clickup_rule_tasks.last_event_at, excluded.last_event_at),
       last_note = excluded.last_note,
       task_updated_ms = greatest(clickup_rule_tasks.task_updated_ms, excluded.task_updated_ms),
       updated_at = now()`,
    [
      link.ruleId,
      link.taskId,
      link.jobId,
      link.seq,
      link.runKey,
      link.lastEventAt,
      link.lastNote,
      link.taskUpdatedMs,
    ],
  )
}

/** Serialises processing of one task across workers and replicas (held until the transaction ends). */
export async function lockTask(db: Queryable, taskId: string): Promise<void> {
  await db.query('select pg_advisory_xact_lock(hashtext($1))', [`clickup-task:${taskId}`])
}
