/** Runs one claimed attempt: the action under a timeout and the shutdown signal, then its recorded outcome. */

import type { Logger } from '../../logger.ts'
import { webhookMessageId } from '../../outbound/signing.ts'
import type { Clock } from '../../time/clock.ts'
import type { ActionResult, ExecutionContext } from '../action-contract.ts'
import type { ActionRegistry } from '../action-registry.ts'
import type { ExecutionOutcome } from '../repository/executions.ts'
import { ERROR_CLASS } from '../states.ts'
import type { ClaimedAttempt } from './claim.ts'

/**
 * Shutdown giving up on running attempts. Not an AbortSignal: hundreds of attempts adding and removing
 * a listener on one shared EventTarget cost a list walk each; a Set does not.
 */
export interface ShutdownNotice {
  readonly aborted: boolean
  /** Calls `listener` on abort; returns the function that unsubscribes it. */
  onAbort(listener: () => void): () => void
}

/** A ShutdownNotice and the function that fires it (once). */
export function createShutdownNotice(): { notice: ShutdownNotice; abort(): void } {
  const listeners = new Set<() => void>()
  let aborted = false
  return {
    notice: {
      get aborted() {
        return aborted
      },
      onAbort(listener) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    },
    abort() {
      if (aborted) return
      aborted = true
      for (const listener of [...listeners]) listener()
    },
  }
}

export interface RunAttemptDeps {
  registry: ActionRegistry
  clock: Clock
  logger: Logger
  /** Fires when shutdown gives up waiting. */
  shutdown: ShutdownNotice
}

/** The attempt's identity on every log line about it. */
function attemptBindings(attempt: ClaimedAttempt) {
  return {
    job_id: attempt.job.id,
    execution_id: attempt.executionId,
    due_at: attempt.bossJob.data.due_at,
    attempt: attempt.attempt,
  }
}

/**
 * What an action sees of its attempt. A class, not an object literal: a literal with a getter is
 * built through V8's slow path on every attempt.
 */
class AttemptContext implements ExecutionContext {
  readonly jobId: string
  readonly executionId: string
  readonly occurrenceAt: string
  readonly attempt: number
  readonly signal: AbortSignal
  readonly timeoutMs: number
  readonly #logger: Logger
  readonly #claimed: ClaimedAttempt
  #log: Logger | undefined
  #messageId: string | undefined

  constructor(logger: Logger, claimed: ClaimedAttempt, signal: AbortSignal, timeoutMs: number) {
    this.jobId = claimed.job.id
    this.executionId = claimed.executionId
    this.occurrenceAt = claimed.bossJob.data.due_at
    this.attempt = claimed.attempt
    this.signal = signal
    this.timeoutMs = timeoutMs
    this.#logger = logger
    this.#claimed = claimed
  }

  /** Derived only when an action asks (webhooks): a hash per attempt is not free. */
  get messageId(): string {
    this.#messageId ??= webhookMessageId(
      this.jobId,
      this.occurrenceAt,
      this.#claimed.manual ? 'manual' : 'scheduled',
    )
    return this.#messageId
  }

  /** Created only when something is logged: most attempts log nothing but their finish line. */
  get log(): Logger {
    this.#log ??= this.#logger.child(attemptBindings(this.#claimed))
    return this.#log
  }
}

function internalError(errorMessage: string): ActionResult {
  return { ok: false, requestSummary: {}, errorClass: ERROR_CLASS.internal, errorMessage }
}

const BACKSTOP_MARGIN_MS = 1_000

/**
 * The action's result, or a failure if it outlives its timeout (plus a margin) or shutdown gives up on
 * it. Actions enforce timeoutMs themselves (and classify it); the backstop is for one that does not, so
 * a hung action can never hold its slot forever. One promise, one controller and one timer per
 * attempt: this runs for every occurrence, and Promise.race, AbortSignal.timeout/any and async
 * wrappers each cost measurable main-thread time there.
 */
function runAction(deps: RunAttemptDeps, attempt: ClaimedAttempt): Promise<ActionResult> {
  const action = deps.registry.get(attempt.job.actionKind)
  if (!action) {
    return Promise.resolve(internalError(`This server has no "${attempt.job.actionKind}" action.`))
  }
  const timeoutMs = attempt.job.timeoutSeconds * 1000
  const stop = new AbortController()
  const context = new AttemptContext(deps.logger, attempt, stop.signal, timeoutMs)
  return new Promise<ActionResult>((resolve) => {
    let settled = false
    const settle = (result: ActionResult) => {
      if (settled) return
      settled = true
      clearTimeout(backstop)
      unsubscribe()
      resolve(result)
    }
    const abandon = (errorClass: string, errorMessage: string) => {
      if (settled) return
      stop.abort()
      settle({ ok: false, requestSummary: {}, errorClass, errorMessage })
    }
    const backstop = setTimeout(
      () => abandon(ERROR_CLASS.timeout, 'The action did not finish within its timeout.'),
      timeoutMs + BACKSTOP_MARGIN_MS,
    )
    const unsubscribe = deps.shutdown.onAbort(() =>
      abandon(ERROR_CLASS.shutdown, 'The server shut down before the action finished.'),
    )
    if (deps.shutdown.aborted) {
      abandon(ERROR_CLASS.shutdown, 'The server shut down before the action finished.')
    }
    let execution: Promise<ActionResult>
    try {
      execution = action.execute(
        { params: attempt.job.actionParams, secrets: attempt.job.actionSecrets },
        context,
      )
    } catch (err) {
      execution = Promise.reject(err)
    }
    execution.then(
      (result) => settle(result),
      (err: unknown) => {
        // Actions report failures as results; a throw is a bug, recorded without internals.
        context.log.error({ err }, 'action threw')
        settle(internalError('The action failed unexpectedly.'))
      },
    )
  })
}

/** Runs the action and turns its result into the outcome to record. Never throws. */
export async function runAttempt(
  deps: RunAttemptDeps,
  attempt: ClaimedAttempt,
): Promise<ExecutionOutcome> {
  const started = performance.now()
  const ran = await runAction(deps, attempt)
  // An attempt cut short by shutdown was not the target's fault: it runs again at once (on another
  // replica, or after restart) without using up one of its attempts.
  const shutDown =
    !ran.ok && deps.shutdown.aborted && ran.deferUntil === undefined && ran.retryable !== false
  const durationMs = performance.now() - started
  const finishedAt = deps.clock.now()
  // Field by field rather than by spreading: one object shape for every outcome, built once.
  const outcome: ExecutionOutcome = {
    status: ran.ok ? 'succeeded' : 'failed',
    finishedAt,
    durationMs,
    requestSummary: ran.requestSummary,
    responseStatus: ran.responseStatus,
    responseHeaders: ran.responseHeaders,
    responseBody: ran.responseBody,
    responseTruncated: ran.responseTruncated,
    output: ran.output,
    errorClass: shutDown ? ERROR_CLASS.shutdown : ran.errorClass,
    errorMessage: ran.errorMessage,
    retryable: ran.retryable,
    deferUntil: shutDown ? finishedAt : ran.deferUntil,
  }
  const level = ran.ok ? 'info' : 'warn'
  if (deps.logger.isLevelEnabled(level)) {
    deps.logger[level](
      {
        ...attemptBindings(attempt),
        status: outcome.status,
        duration_ms: Math.round(durationMs),
        lateness_ms: attempt.latenessMs,
        response_status: outcome.responseStatus,
        error_class: outcome.errorClass,
      },
      'attempt finished',
    )
  }
  return outcome
}
