/** Runs one claimed attempt: the action under a timeout and the shutdown signal, then its recorded outcome. */
import type { ActionRegistry } from '../../actions/registry.ts'
import type { ActionResult, ExecutionContext } from '../../actions/types.ts'
import type { Logger } from '../../logger.ts'
import type { Clock } from '../../time/clock.ts'
import type { ExecutionOutcome } from '../repository/executions.ts'
import { ERROR_CLASS } from '../states.ts'
import type { ClaimedAttempt } from './claim.ts'

export interface RunAttemptDeps {
  registry: ActionRegistry
  clock: Clock
  logger: Logger
  /** Aborted when shutdown gives up waiting. */
  shutdownSignal: AbortSignal
}

/** The attempt's identity on every log line about it. */
function attemptBindings(attempt: ClaimedAttempt) {
  return {
    job_id: attempt.job.id,
    execution_id: attempt.executionId,
    due_at: attempt.dueAt.toISOString(),
    attempt: attempt.attempt,
  }
}

async function runAction(deps: RunAttemptDeps, attempt: ClaimedAttempt): Promise<ActionResult> {
  const action = deps.registry.get(attempt.job.actionKind)
  if (!action) {
    return {
      ok: false,
      requestSummary: {},
      errorClass: ERROR_CLASS.internal,
      errorMessage: `This server has no "${attempt.job.actionKind}" action.`,
    }
  }
  const timeoutMs = attempt.job.timeoutSeconds * 1000
  // Actions enforce timeoutMs themselves (and classify it); this later deadline is the backstop for
  // one that does not, so a hung action can never hold its slot forever. One controller and one timer
  // per attempt: AbortSignal.timeout/any cost several times more on this hot path (GC-tracked links).
  const stop = new AbortController()
  let timedOut = false
  const backstop = setTimeout(() => {
    if (stop.signal.aborted) return
    timedOut = true
    stop.abort()
  }, timeoutMs + BACKSTOP_MARGIN_MS)
  const onShutdown = () => stop.abort()
  if (deps.shutdownSignal.aborted) stop.abort()
  else deps.shutdownSignal.addEventListener('abort', onShutdown, { once: true })
  // Created only when something is logged: most attempts log nothing but their finish line.
  let log: Logger | undefined
  const context: ExecutionContext = {
    jobId: attempt.job.id,
    executionId: attempt.executionId,
    occurrenceAt: attempt.dueAt.toISOString(),
    attempt: attempt.attempt,
    signal: stop.signal,
    timeoutMs,
    get log() {
      log ??= deps.logger.child(attemptBindings(attempt))
      return log
    },
  }
  try {
    const execution = action.execute(
      { params: attempt.job.actionParams, secrets: attempt.job.actionSecrets },
      context,
    )
    return await Promise.race([execution, abandonedWhen(stop.signal, () => timedOut)])
  } catch (err) {
    // Actions report failures as results; a throw is a bug, recorded without internals.
    context.log.error({ err }, 'action threw')
    return {
      ok: false,
      requestSummary: {},
      errorClass: ERROR_CLASS.internal,
      errorMessage: 'The action failed unexpectedly.',
    }
  } finally {
    clearTimeout(backstop)
    deps.shutdownSignal.removeEventListener('abort', onShutdown)
  }
}

const BACKSTOP_MARGIN_MS = 1_000

/** Resolves with a failed result when the signal fires; the action may still be winding down. */
function abandonedWhen(signal: AbortSignal, timedOut: () => boolean): Promise<ActionResult> {
  return new Promise((resolve) => {
    const settle = () =>
      resolve({
        ok: false,
        requestSummary: {},
        errorClass: timedOut() ? ERROR_CLASS.timeout : ERROR_CLASS.shutdown,
        errorMessage: timedOut()
          ? 'The action did not finish within its timeout.'
          : 'The server shut down before the action finished.',
      })
    if (signal.aborted) settle()
    else signal.addEventListener('abort', settle, { once: true })
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
  const result =
    !ran.ok &&
    deps.shutdownSignal.aborted &&
    ran.deferUntil === undefined &&
    ran.retryable !== false
      ? { ...ran, errorClass: ERROR_CLASS.shutdown, deferUntil: deps.clock.now() }
      : ran
  const durationMs = performance.now() - started
  const { ok, ...reported } = result
  const outcome: ExecutionOutcome = {
    ...reported,
    status: ok ? 'succeeded' : 'failed',
    finishedAt: deps.clock.now(),
    durationMs,
  }
  const level = result.ok ? 'info' : 'warn'
  if (deps.logger.isLevelEnabled(level)) {
    deps.logger[level](
      {
        ...attemptBindings(attempt),
        status: outcome.status,
        duration_ms: Math.round(durationMs),
        lateness_ms: attempt.latenessMs,
        response_status: result.responseStatus,
        error_class: result.errorClass,
      },
      'attempt finished',
    )
  }
  return outcome
}
