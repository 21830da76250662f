/** updateJob: change name, description, tags, limits, timing or action fields; the pending occurrence is replaced atomically. */
import { withTransaction } from '../../db/pool.ts'
import { validationProblem } from '../../problem-error.ts'
import { type JobPatch, type JobRecord, updateJob as writeJob } from '../repository/jobs.ts'
import { JOB_STATUS } from '../states.ts'
import { firstOccurrence } from '../timing/index.ts'
import { recordChange } from './audit.ts'
import {
  enqueuePending,
  lockJob,
  refuseTransition,
  replacePending,
  withdrawn,
  withdrawStale,
} from './change-job.ts'
import type { Actor, ServiceContext } from './context.ts'
import { assertJobId, isGiven, parseTags, TIMING_FIELDS } from './fields.ts'
import { type JobChangeResult, jobChangeResult, timingWarnings } from './results.ts'
import { parseUpdateTiming } from './update-timing.ts'

/** Action fields that belong to another kind than the job's are a mistake worth naming. */
function foreignActionFields(
  ctx: ServiceContext,
  kind: string,
  input: Record<string, unknown>,
): string[] {
  const own = new Set(Object.keys(ctx.registry.get(kind)?.fields ?? {}))
  return ctx.registry
    .all()
    .filter((action) => action.kind !== kind)
    .flatMap((action) => Object.keys(action.fields))
    .filter((field) => !own.has(field) && isGiven(input[field]))
}

/** The audit entry of an update: the names of the fields given, and the new timing as sent. */
function updateDetail(input: Record<string, unknown>, before: JobRecord, after: JobRecord) {
  const given = Object.keys(input).filter((field) => isGiven(input[field]))
  const timing = Object.fromEntries(
    TIMING_FIELDS.filter((field) => isGiven(input[field])).map((field) => [field, input[field]]),
  )
  return {
    fields: given,
    ...(Object.keys(timing).length > 0 ? { timing } : {}),
    ...(before.status !== after.status ? { from: before.status, to: after.status } : {}),
  }
}

function refuseUpdate(job: JobRecord): never {
  return refuseTransition(job, 'update', [
    JOB_STATUS.scheduled,
    JOB_STATUS.paused,
    JOB_STATUS.completed,
    JOB_STATUS.failed,
  ])
}

/**
 * Changes the fields sent. New timing is read in the job's own zone unless `timezone` is sent, and
 * timing modifiers sent alone apply to the job's current timing (see update-timing.ts).
 */
export async function updateJob(
  ctx: ServiceContext,
  id: string,
  input: Record<string, unknown>,
  actor: Actor,
): Promise<JobChangeResult> {
  assertJobId(id)
  const now = ctx.clock.now()
  // Timing and action fields are checked against the current job before the transaction (DNS
  // checks are slow); the transaction locks the job again and applies them.
  const current = await withTransaction(ctx.pool, (tx) => lockJob(tx, id))
  if (current.status === JOB_STATUS.cancelled) refuseUpdate(current)
  const parsed = parseUpdateTiming(ctx, current, input, now)
  const foreign = foreignActionFields(ctx, current.actionKind, input)
  if (foreign.length > 0) {
    throw validationProblem(
      foreign.map((field) => ({
        field,
        message: `does not apply to a ${current.actionKind} job.`,
        hint: `Remove ${field}; a job's action type cannot change. Cancel it and create a new job instead.`,
      })),
    )
  }
  const action = ctx.registry.get(current.actionKind)
  const ownFields = Object.keys(action?.fields ?? {})
  const actionChanged = action !== undefined && ownFields.some((field) => isGiven(input[field]))
  const prepared = actionChanged
    ? await action.prepareUpdate(input, {
        params: current.actionParams,
        secrets: current.actionSecrets,
      })
    : null

  let before: JobRecord | undefined
  const job = await withTransaction(ctx.pool, async (tx) => {
    const locked = await lockJob(tx, id)
    before = locked
    if (locked.status === JOB_STATUS.cancelled) refuseUpdate(locked)
    const patch: JobPatch = {}
    if (isGiven(input.name)) patch.name = String(input.name).trim()
    if (isGiven(input.description)) patch.description = String(input.description)
    if (isGiven(input.tags)) patch.tags = parseTags(input.tags)
    if (isGiven(input.max_attempts)) patch.maxAttempts = Number(input.max_attempts)
    if (isGiven(input.timeout_seconds)) patch.timeoutSeconds = Number(input.timeout_seconds)
    if (prepared) {
      patch.actionParams = prepared.params as Record<string, unknown>
      patch.actionSecrets = prepared.secrets as Record<string, unknown>
    }
    if (parsed) {
      patch.schedule = parsed.schedule
      patch.timezone = parsed.schedule.timezone
    }
    const deliveryChanged =
      parsed !== null ||
      prepared !== null ||
      patch.maxAttempts !== undefined ||
      patch.timeoutSeconds !== undefined
    if (!deliveryChanged) {
      const written = (await writeJob(tx, id, patch, now)) ?? locked
      if (Object.keys(patch).length > 0) {
        await recordChange(tx, written, actor, 'update', updateDetail(input, locked, written), now)
      }
      return written
    }
    // New timing starts a fresh plan; other delivery changes re-plan the same pending due time.
    const paused = locked.status === JOB_STATUS.paused
    const nextRunAt = parsed ? firstOccurrence(parsed.schedule) : (locked.nextRunAt ?? null)
    const replanned = await replacePending(
      tx,
      locked,
      {
        ...patch,
        ...(paused
          ? parsed
            ? { nextRunAt: null, occurrencesPlanned: 0 }
            : withdrawn(locked)
          : parsed
            ? { status: JOB_STATUS.scheduled, nextRunAt, occurrencesPlanned: 1 }
            : { nextRunAt }),
      },
      now,
    )
    if (!paused) await enqueuePending(ctx, tx, replanned)
    await recordChange(tx, replanned, actor, 'update', updateDetail(input, locked, replanned), now)
    return replanned
  })
  if (before) await withdrawStale(ctx, before, job)
  if (job.nextRunAt) ctx.engine.notifyPlanned(job.nextRunAt)
  const warnings = [...(parsed ? timingWarnings(parsed, now) : []), ...(prepared?.warnings ?? [])]
  return jobChangeResult(ctx, job, now, { warnings })
}
