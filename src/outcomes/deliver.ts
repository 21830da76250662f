/**
 * Delivering one queued callback: read the run it reports, open the callback's own execution row,
 * send (a signed POST through the webhook action, a Dify chat message, or a WhatsApp text under the
 * limiter), record how it went, and tell pg-boss whether to retry. A callback's failure never touches
 * the job or the run it reports, and a callback has no callback of its own.
 */
import type { JobResultStatus, JobWithMetadata, PgBoss } from 'pg-boss'
import type { Pool } from '../db/pool.ts'
import type { Logger } from '../logger.ts'
import { webhookMessageId } from '../outbound/signing.ts'
import type {
  ActionResult,
  AnyActionDefinition,
  PreparedAction,
} from '../scheduler/action-contract.ts'
import type { ActionRegistry } from '../scheduler/action-registry.ts'
import { executionIdFor } from '../scheduler/engine/boss.ts'
import {
  type ExecutionOutcome,
  type ExecutionRecord,
  findExecution,
} from '../scheduler/repository/executions.ts'
import { findJob, type JobRecord } from '../scheduler/repository/jobs.ts'
import { ERROR_CLASS } from '../scheduler/states.ts'
import type { Clock } from '../time/clock.ts'
import { type CallbackTarget, wantsCallback } from './callback-input.ts'
import { outcomePayload, outcomeSentenceForAgent, outcomeSentenceForPerson } from './payload.ts'
import {
  CALLBACK_QUEUE,
  type CallbackJobData,
  type CallbackQueueSettings,
  callbackJobOptions,
  derivedUuid,
} from './queue.ts'
import { finishCallbackAttempt, isCallbackDelivered, openCallbackAttempt } from './repository.ts'

export interface CallbackDeliveryDeps {
  pool: Pool
  boss: PgBoss
  registry: ActionRegistry
  clock: Clock
  logger: Logger
  settings: CallbackQueueSettings
  /** Aborted when the server stops: sends in flight give up (and are tried again later). */
  stopSignal: AbortSignal
}

/** The action that carries a target, and what to hand it. */
function delivery(
  registry: ActionRegistry,
  target: CallbackTarget,
  job: JobRecord,
  execution: ExecutionRecord,
): { action: AnyActionDefinition | undefined; prepared: PreparedAction<unknown, unknown> } {
  const spec = job.callback
  if (!spec) throw new Error('a callback without a spec')
  switch (target) {
    case 'url':
      return {
        action: registry.get('webhook'),
        prepared: {
          params: {
            url: spec.url,
            method: 'POST',
            header_names: spec.header_names,
            body: JSON.stringify(outcomePayload(job, execution, registry)),
            body_type: 'json',
            content_type: null,
          },
          secrets: { headers: job.callbackSecrets.headers ?? {} },
        },
      }
    case 'conversation':
      return {
        action: registry.get('dify'),
        prepared: {
          params: {
            app: spec.app,
            mode: 'chat',
            inputs: {},
            query: outcomeSentenceForAgent(job, execution),
            conversation_id: spec.conversation_id,
            user: spec.user,
          },
          secrets: {},
        },
      }
    case 'whatsapp':
      return {
        action: registry.get('whatsapp'),
        prepared: {
          params: { to: spec.to, message: outcomeSentenceForPerson(job, execution) },
          secrets: {},
        },
      }
    default: {
      const unknown: never = target
      throw new Error(`unknown callback target ${String(unknown)}`)
    }
  }
}

const NOT_CONFIGURED: Record<CallbackTarget, string> = {
  url: 'webhook',
  conversation: 'Dify (DIFY_APPS)',
  whatsapp: 'WhatsApp (EVOLUTION_*)',
}

/** Runs the action under the target's timeout and the stop signal; never throws. */
async function send(
  deps: CallbackDeliveryDeps,
  action: AnyActionDefinition,
  prepared: PreparedAction<unknown, unknown>,
  context: { jobId: string; executionId: string; occurrenceAt: string; attempt: number },
  target: CallbackTarget,
  messageId: string,
): Promise<ActionResult> {
  const timeoutMs = deps.settings.timeoutSeconds[target] * 1000
  const signal = AbortSignal.any([deps.stopSignal, AbortSignal.timeout(timeoutMs)])
  let backstop: NodeJS.Timeout | undefined
  try {
    const late = new Promise<ActionResult>((resolve) => {
      // An action that ignores its signal cannot hold the worker beyond its timeout.
      backstop = setTimeout(
        () =>
          resolve({
            ok: false,
            requestSummary: {},
            errorClass: ERROR_CLASS.timeout,
            errorMessage: 'The callback did not finish within its timeout.',
          }),
        timeoutMs + 1_000,
      )
    })
    const run = action.execute(prepared, {
      ...context,
      messageId,
      signal,
      timeoutMs,
      log: deps.logger,
    })
    return await Promise.race([run, late])
  } catch (err) {
    deps.logger.error({ err, target }, 'callback action threw')
    return {
      ok: false,
      requestSummary: {},
      errorClass: ERROR_CLASS.internal,
      errorMessage: 'The callback failed unexpectedly.',
    }
  } finally {
    clearTimeout(backstop)
  }
}

/** Delivers one callback job; the status tells pg-boss to finish it, retry it or give up. */
export async function deliverCallback(
  deps: CallbackDeliveryDeps,
  bossJob: JobWithMetadata<CallbackJobData>,
): Promise<JobResultStatus> {
  const data = bossJob.data
  const [execution, job] = await Promise.all([
    findExecution(deps.pool, data.execution_id),
    findJob(deps.pool, data.job_id),
  ])
  // Nothing to report on (deleted by hand), a callback since removed, or already delivered.
  if (!execution || !job?.callback || execution.status === 'running') return 'completed'
  if (!wantsCallback(job.callback.on, execution.status)) return 'completed'
  if (await isCallbackDelivered(deps.pool, execution.id, data.target)) return 'completed'

  const attempt = (data.previous_attempts ?? 0) + bossJob.retryCount + 1
  const id = executionIdFor(bossJob.id, attempt)
  const startedAt = deps.clock.now()
  await openCallbackAttempt(deps.pool, {
    id,
    jobId: job.id,
    bossJobId: bossJob.id,
    occurrenceAt: execution.occurrenceAt,
    attempt,
    startedAt,
    latenessMs: Math.max(0, startedAt.getTime() - (execution.finishedAt ?? startedAt).getTime()),
    reportsExecutionId: execution.id,
    target: data.target,
  })
  const { action, prepared } = delivery(deps.registry, data.target, job, execution)
  const started = performance.now()
  const result: ActionResult = action
    ? await send(
        deps,
        action,
        prepared,
        {
          jobId: job.id,
          executionId: id,
          occurrenceAt: execution.occurrenceAt.toISOString(),
          attempt,
        },
        data.target,
        webhookMessageId('callback', execution.id, data.target),
      )
    : {
        ok: false,
        requestSummary: {},
        retryable: false,
        errorClass: ERROR_CLASS.internal,
        errorMessage: `This server no longer has ${NOT_CONFIGURED[data.target]} configured; the callback cannot be sent.`,
      }
  const outcome: ExecutionOutcome = {
    ...result,
    status: result.ok ? 'succeeded' : 'failed',
    requestSummary: { target: data.target, ...result.requestSummary },
    finishedAt: deps.clock.now(),
    durationMs: performance.now() - started,
  }
  await finishCallbackAttempt(deps.pool, id, outcome)
  const log = deps.logger[result.ok ? 'info' : 'warn'].bind(deps.logger)
  log(
    {
      job_id: job.id,
      execution_id: id,
      reports_execution_id: execution.id,
      target: data.target,
      attempt,
      status: outcome.status,
      response_status: result.responseStatus,
      error_class: result.errorClass,
    },
    'callback attempt finished',
  )
  if (result.ok) return 'completed'
  if (result.deferUntil) {
    // A WhatsApp notice waiting for its send slot: the same message again then, using no try.
    await deps.boss.insert(CALLBACK_QUEUE, [
      {
        id: derivedUuid(`${bossJob.id}|deferred|${bossJob.retryCount}`),
        data: { ...data, previous_attempts: attempt },
        startAfter: result.deferUntil,
        ...callbackJobOptions(deps.settings, data.target),
      },
    ])
    return 'completed'
  }
  // A refusal that would repeat (blocked URL, a maybe-delivered WhatsApp message) is not retried.
  return result.retryable === false ? 'deadletter' : 'failed'
}
