/**
 * Job definitions in scheduled_jobs: create, read, update and the look-ups that make creates
 * idempotent; rows are mapped to camelCase records here. What the engine writes to the same rows
 * when it claims and settles occurrences is in claims.ts and outcomes.ts.
 */
import type { Queryable } from '../../db/pool.ts'
import type { CallbackSecrets, CallbackSpec } from '../../outcomes/callback-input.ts'
import type { JobStatus } from '../states.ts'
import type { Schedule } from '../timing/index.ts'

export interface LastExecutionSummary {
  id: string
  status: string
  attempt: number
  occurrenceAt: Date
  finishedAt: Date | null
  responseStatus: number | null
  errorClass: string | null
  errorMessage: string | null
}

export interface JobRecord {
  id: string
  name: string
  description: string | null
  status: JobStatus
  actionKind: string
  actionParams: Record<string, unknown>
  actionSecrets: Record<string, unknown>
  schedule: Schedule
  timezone: string
  generation: number
  nextRunAt: Date | null
  occurrencesPlanned: number
  runCount: number
  maxAttempts: number
  timeoutSeconds: number
  dedupeKey: string | null
  contentHash: string
  createdBy: string
  tags: string[]
  source: string
  sourceRef: string | null
  lastExecutionId: string | null
  /** What to call when a run settles (issue 20); null when nothing. */
  callback: CallbackSpec | null
  /** The callback's header values: write-only. */
  callbackSecrets: CallbackSecrets
  createdAt: Date
  updatedAt: Date
  lastExecution: LastExecutionSummary | null
}

export type NewJob = Omit<
  JobRecord,
  'createdAt' | 'updatedAt' | 'lastExecutionId' | 'lastExecution' | 'runCount'
> & { now: Date }

const DEFINITION_COLUMNS = `
  j.id, j.name, j.description, j.status, j.action_kind, j.action_params, j.action_secrets, j.schedule,
  j.timezone, j.generation, j.next_run_at, j.occurrences_planned, j.run_count, j.max_attempts,
  j.timeout_seconds, j.dedupe_key, j.content_hash, j.created_by, j.tags, j.source, j.source_ref,
  j.last_execution_id, j.callback, j.callback_secrets, j.created_at, j.updated_at`

const JOB_COLUMNS = `${DEFINITION_COLUMNS},
  e.id as le_id, e.status as le_status, e.attempt as le_attempt, e.occurrence_at as le_occurrence_at,
  e.finished_at as le_finished_at, e.response_status as le_response_status,
  e.error_class as le_error_class, e.error_message as le_error_message`

const FROM_JOBS = 'scheduled_jobs j left join job_executions e on e.id = j.last_execution_id'

/** `select … from …` for jobs with their last execution; list-jobs.ts adds its own where clause. */
export const JOB_SELECT = `select ${JOB_COLUMNS} from ${FROM_JOBS}`

// biome-ignore lint/suspicious/noExplicitAny: a raw pg row, mapped field by field below
type Row = Record<string, any>

export function mapJobRow(row: Row): JobRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    actionKind: row.action_kind,
    actionParams: row.action_params,
    actionSecrets: row.action_secrets,
    schedule: row.schedule,
    timezone: row.timezone,
    generation: row.generation,
    nextRunAt: row.next_run_at,
    occurrencesPlanned: row.occurrences_planned,
    runCount: row.run_count,
    maxAttempts: row.max_attempts,
    timeoutSeconds: row.timeout_seconds,
    dedupeKey: row.dedupe_key,
    contentHash: row.content_hash,
    createdBy: row.created_by,
    tags: row.tags,
    source: row.source,
    sourceRef: row.source_ref,
    lastExecutionId: row.last_execution_id,
    callback: row.callback ?? null,
    callbackSecrets: row.callback_secrets ?? {},
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastExecution: row.le_id
      ? {
          id: row.le_id,
          status: row.le_status,
          attempt: row.le_attempt,
          occurrenceAt: row.le_occurrence_at,
          finishedAt: row.le_finished_at,
          responseStatus: row.le_response_status,
          errorClass: row.le_error_class,
          errorMessage: row.le_error_message,
        }
      : null,
  }
}

/** Inserts a job; a duplicate dedupe_key raises 23505 (the service turns it into a replay or a 409). */
export async function insertJob(db: Queryable, job: NewJob): Promise<JobRecord> {
  // The row as stored (defaults included) comes back with the insert: one round trip, not two. A
  // new job has no last execution, so there is nothing to join.
  const result = await db.query({
    // Named: parsed once per connection, the create path's statements (pool.ts, Queryable).
    name: 'create-insert-job',
    text: `insert into scheduled_jobs as j (id, name, description, status, action_kind, action_params, action_secrets,
       schedule, timezone, generation, next_run_at, occurrences_planned, max_attempts, timeout_seconds,
       dedupe_key, content_hash, created_by, tags, source, source_ref, callback, callback_secrets,
       created_at, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$22,$23,$21,$21)
     returning ${DEFINITION_COLUMNS}`,
    values: [
      job.id,
      job.name,
      job.description,
      job.status,
      job.actionKind,
      job.actionParams,
      job.actionSecrets,
      job.schedule,
      job.timezone,
      job.generation,
      job.nextRunAt,
      job.occurrencesPlanned,
      job.maxAttempts,
      job.timeoutSeconds,
      job.dedupeKey,
      job.contentHash,
      job.createdBy,
      job.tags,
      job.source,
      job.sourceRef,
      job.now,
      job.callback,
      job.callbackSecrets,
    ],
  })
  return mapJobRow(result.rows[0] as Row)
}

/** The job, or null. With `forUpdate` the row stays locked until the caller's transaction ends. */
export async function findJob(
  db: Queryable,
  id: string,
  { forUpdate = false } = {},
): Promise<JobRecord | null> {
  const result = await db.query(
    `select ${JOB_COLUMNS} from ${FROM_JOBS} where j.id = $1 ${forUpdate ? 'for update of j' : ''}`,
    [id],
  )
  return result.rows[0] ? mapJobRow(result.rows[0]) : null
}

export async function findJobByDedupeKey(
  db: Queryable,
  dedupeKey: string,
): Promise<JobRecord | null> {
  const result = await db.query({
    name: 'create-find-dedupe-key',
    text: `select ${JOB_COLUMNS} from ${FROM_JOBS} where j.dedupe_key = $1`,
    values: [dedupeKey],
  })
  return result.rows[0] ? mapJobRow(result.rows[0]) : null
}

/** The newest job with the same creator and content created at or after `since` and not cancelled, or null. */
export async function findRecentIdenticalJob(
  db: Queryable,
  createdBy: string,
  contentHash: string,
  since: Date,
): Promise<JobRecord | null> {
  const result = await db.query({
    name: 'create-find-identical',
    text: `select ${JOB_COLUMNS} from ${FROM_JOBS}
     where j.created_by = $1 and j.content_hash = $2 and j.created_at >= $3 and j.status <> 'cancelled'
     order by j.created_at desc limit 1`,
    values: [createdBy, contentHash, since],
  })
  return result.rows[0] ? mapJobRow(result.rows[0]) : null
}

/** Serialises creators of the same content across replicas until the transaction ends. */
export async function lockCreation(db: Queryable, key: string): Promise<void> {
  await db.query({
    name: 'create-lock',
    text: 'select pg_advisory_xact_lock(hashtextextended($1, 0))',
    values: [key],
  })
}

/** Columns a caller may change through `updateJob`; identifiers come only from this map. */
const UPDATABLE = {
  name: 'name',
  description: 'description',
  status: 'status',
  actionParams: 'action_params',
  actionSecrets: 'action_secrets',
  schedule: 'schedule',
  timezone: 'timezone',
  generation: 'generation',
  nextRunAt: 'next_run_at',
  occurrencesPlanned: 'occurrences_planned',
  maxAttempts: 'max_attempts',
  timeoutSeconds: 'timeout_seconds',
  tags: 'tags',
  lastExecutionId: 'last_execution_id',
} as const

export type JobPatch = Partial<Pick<JobRecord, keyof typeof UPDATABLE>>

/** Applies the patch and returns the updated job (null when it does not exist). */
export async function updateJob(
  db: Queryable,
  id: string,
  patch: JobPatch,
  now: Date,
): Promise<JobRecord | null> {
  const sets: string[] = []
  const values: unknown[] = [id, now]
  for (const [key, column] of Object.entries(UPDATABLE) as [keyof JobPatch, string][]) {
    if (patch[key] === undefined) continue
    values.push(patch[key])
    sets.push(`${column} = $${values.length}`)
  }
  await db.query(
    `update scheduled_jobs set ${[...sets, 'updated_at = $2'].join(', ')} where id = $1`,
    values,
  )
  return findJob(db, id)
}
