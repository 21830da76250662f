/** Creating a job: validate, then insert it and its first occurrence in one transaction, idempotently. */
import { randomUUID } from 'node:crypto'
import { withTransaction } from '../../db/pool.ts'
import { conflictProblem, validationProblem } from '../../problem-error.ts'
import {
  findJobByDedupeKey,
  findRecentIdenticalJob,
  insertJob,
  type JobRecord,
  lockCreation,
} from '../repository/jobs.ts'
import { JOB_STATUS } from '../states.ts'
import { firstOccurrence, parseTiming } from '../timing/index.ts'
import { changeEntry } from './audit.ts'
import type { Actor, ServiceContext } from './context.ts'
import { contentHash, DEFAULT_MAX_ATTEMPTS, isGiven, parseTags, timingInput } from './fields.ts'
import { type JobChangeResult, jobChangeResult, timingWarnings } from './results.ts'

function requireAction(ctx: ServiceContext, kind: string) {
  const action = ctx.registry.get(kind)
  if (!action) throw new Error(`no action registered for kind ${kind}`)
  return action
}

function missingRequiredFields(input: Record<string, unknown>, required: readonly string[]) {
  const missing = required.filter((field) => !isGiven(input[field]))
  if (missing.length > 0) {
    throw validationProblem(
      missing.map((field) => ({
        field,
        message: 'is required.',
        hint: `Provide ${field}; if the user did not give it, ask them rather than guessing.`,
      })),
    )
  }
}

/**
 * Creates a job of `kind`. Idempotent: the same dedupe_key with the same content, or an identical
 * request from the same actor within the identical-request window, returns the existing job with
 * `duplicate: true`; the same dedupe_key with different content is a 409.
 */
export async function createJob(
  ctx: ServiceContext,
  kind: string,
  input: Record<string, unknown>,
  actor: Actor,
): Promise<JobChangeResult> {
  const action = requireAction(ctx, kind)
  const now = ctx.clock.now()
  missingRequiredFields(input, ['name', ...action.requiredFields])
  const parsed = parseTiming(timingInput(input), {
    now,
    defaultTimezone: ctx.settings.defaultTimezone,
    minIntervalMs: ctx.settings.minIntervalMs,
    maxAheadMs: ctx.settings.maxAheadMs,
  })
  const { schedule } = parsed
  const tags = parseTags(input.tags)
  const prepared = await action.prepare(input)
  const callback = ctx.callbacks
    ? await ctx.callbacks.prepare(input, { kind, params: prepared.params })
    : { spec: null, secrets: {} }
  const hash = contentHash(kind, input)
  const dedupeKey = isGiven(input.dedupe_key) ? String(input.dedupe_key).trim() : null

  const outcome = await withTransaction(ctx.pool, async (tx) => {
    const existing = await findExisting(ctx, tx, { dedupeKey, hash, actor, now })
    if (existing) return { job: existing, duplicate: true }
    const id = randomUUID()
    const firstRun = firstOccurrence(schedule)
    const record: JobRecord = await insertJob(
      tx,
      {
        id,
        name: String(input.name).trim(),
        description: isGiven(input.description) ? String(input.description) : null,
        status: JOB_STATUS.scheduled,
        actionKind: kind,
        actionParams: prepared.params,
        actionSecrets: prepared.secrets,
        schedule,
        timezone: schedule.timezone,
        generation: 1,
        nextRunAt: firstRun,
        occurrencesPlanned: 1,
        maxAttempts: isGiven(input.max_attempts)
          ? Number(input.max_attempts)
          : DEFAULT_MAX_ATTEMPTS,
        timeoutSeconds: isGiven(input.timeout_seconds)
          ? Number(input.timeout_seconds)
          : action.defaultTimeoutSeconds,
        dedupeKey,
        contentHash: hash,
        createdBy: actor.name,
        tags,
        source: actor.source ?? 'api',
        sourceRef: actor.sourceRef ?? null,
        callback: callback.spec,
        callbackSecrets: callback.secrets,
        now,
      },
      changeEntry(actor, 'create', { action: kind }),
    )
    await ctx.engine.enqueueScheduled(tx, record, firstRun)
    return { job: record, duplicate: false }
  })
  if (!outcome.duplicate && outcome.job.nextRunAt) ctx.engine.notifyPlanned(outcome.job.nextRunAt)
  return jobChangeResult(ctx, outcome.job, now, {
    duplicate: outcome.duplicate,
    warnings: outcome.duplicate
      ? []
      : [...timingWarnings(parsed, now), ...(prepared.warnings ?? [])],
  })
}

async function findExisting(
  ctx: ServiceContext,
  tx: Parameters<typeof lockCreation>[0],
  {
    dedupeKey,
    hash,
    actor,
    now,
  }: { dedupeKey: string | null; hash: string; actor: Actor; now: Date },
): Promise<JobRecord | null> {
  if (dedupeKey) {
    // Serialise creators of the same key across replicas; the unique index is the final guard.
    await lockCreation(tx, `dedupe:${dedupeKey}`)
    const existing = await findJobByDedupeKey(tx, dedupeKey)
    if (!existing) return null
    if (existing.contentHash === hash) return existing
    throw conflictProblem(
      `dedupe_key "${dedupeKey}" already belongs to job ${existing.id} ("${existing.name}") with different content. Use another dedupe_key, or updateJob to change that job.`,
      { job_id: existing.id },
    )
  }
  await lockCreation(tx, `identical:${actor.name}:${hash}`)
  const since = new Date(now.getTime() - ctx.settings.identicalRequestWindowMs)
  return findRecentIdenticalJob(tx, actor.name, hash, since)
}
