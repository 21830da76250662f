/**
 * runAttempt turns whatever an action does (answers, throws, rejects, hangs past shutdown) into one
 * recorded outcome. The actions here are small real ActionDefinitions whose `execute` does exactly
 * that; everything around them is the engine's own code.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type {
  ActionResult,
  AnyActionDefinition,
  ExecutionContext,
} from '../../../src/scheduler/action-contract.ts'
import { createActionRegistry } from '../../../src/scheduler/action-registry.ts'
import type { ClaimedAttempt } from '../../../src/scheduler/engine/claim.ts'
import { createShutdownNotice, runAttempt } from '../../../src/scheduler/engine/run-attempt.ts'
import { ERROR_CLASS } from '../../../src/scheduler/states.ts'
import { systemClock } from '../../../src/time/clock.ts'
import { captureLogs } from '../../helpers/log-capture.ts'

const DUE = '2026-11-27T08:00:00.000Z'

/** An action kind whose execute is `execute`; the scheduling side is never called here. */
function action(
  kind: string,
  execute: (ctx: ExecutionContext) => Promise<ActionResult>,
): AnyActionDefinition {
  return {
    kind,
    execute: (_prepared: unknown, ctx: ExecutionContext) => execute(ctx),
  } as unknown as AnyActionDefinition
}

function claimed(actionKind: string): ClaimedAttempt {
  return {
    bossJob: {
      id: '5f0c6a5e-8a3b-4d2c-9e61-0a7f3c2b1d40',
      retryCount: 0,
      data: { job_id: 'b6a1f1de-3c0e-4a57-8f3e-2d9c7e5a4b10', due_at: DUE, generation: 1 },
    },
    queue: `occurrence-${actionKind}`,
    job: {
      id: 'b6a1f1de-3c0e-4a57-8f3e-2d9c7e5a4b10',
      actionKind,
      actionParams: {},
      actionSecrets: {},
      timeoutSeconds: 5,
      maxAttempts: 3,
    },
    executionId: '5f0c6a5e-8a3b-4d2c-9e61-0a7f3c2b1d40',
    attempt: 1,
    dueAt: new Date(DUE),
    manual: false,
    latenessMs: 0,
  } as unknown as ClaimedAttempt
}

function setup(...definitions: AnyActionDefinition[]) {
  const logs = captureLogs()
  const shutdown = createShutdownNotice()
  const deps = {
    registry: createActionRegistry(definitions),
    clock: systemClock,
    logger: logs.logger,
    shutdown: shutdown.notice,
  }
  return { deps, logs, abort: shutdown.abort }
}

describe('runAttempt', () => {
  it('records what the action answered, with the attempt identity it was given', async () => {
    let seen: ExecutionContext | undefined
    const { deps } = setup(
      action('answers', async (ctx) => {
        seen = ctx
        return { ok: true, requestSummary: { sent: 1 }, responseStatus: 204 }
      }),
    )
    const outcome = await runAttempt(deps, claimed('answers'))
    assert.equal(outcome.status, 'succeeded')
    assert.equal(outcome.responseStatus, 204)
    assert.deepEqual(outcome.requestSummary, { sent: 1 })
    assert.equal(outcome.errorClass, undefined)
    assert.equal(seen?.occurrenceAt, DUE)
    assert.equal(seen?.attempt, 1)
    assert.equal(seen?.timeoutMs, 5_000)
    assert.equal(seen?.signal.aborted, false)
  })

  for (const [how, execute] of [
    [
      'throws before returning a promise',
      () => {
        throw new Error('secret internals')
      },
    ],
    ['returns a rejected promise', async () => Promise.reject(new Error('secret internals'))],
  ] as const) {
    it(`records an action that ${how} as an internal failure, without its message`, async () => {
      const { deps, logs } = setup(action('broken', execute as () => Promise<ActionResult>))
      const outcome = await runAttempt(deps, claimed('broken'))
      assert.equal(outcome.status, 'failed')
      assert.equal(outcome.errorClass, ERROR_CLASS.internal)
      assert.equal(outcome.errorMessage, 'The action failed unexpectedly.')
      const threw = logs.lines().find((line) => line.msg === 'action threw')
      assert.ok(threw, 'the throw is logged for the operator')
      assert.equal(threw.execution_id, '5f0c6a5e-8a3b-4d2c-9e61-0a7f3c2b1d40')
      assert.equal(threw.due_at, DUE)
    })
  }

  it('records an unknown action kind as an internal failure', async () => {
    const { deps } = setup()
    const outcome = await runAttempt(deps, claimed('missing'))
    assert.equal(outcome.status, 'failed')
    assert.equal(outcome.errorClass, ERROR_CLASS.internal)
    assert.match(outcome.errorMessage ?? '', /no "missing" action/)
  })

  it('gives up on a hanging action at shutdown: aborts its signal and defers the occurrence', async () => {
    let signal: AbortSignal | undefined
    const { deps, abort } = setup(
      action('hangs', (ctx) => {
        signal = ctx.signal
        return new Promise(() => {})
      }),
    )
    const running = runAttempt(deps, claimed('hangs'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    abort()
    const outcome = await running
    assert.equal(signal?.aborted, true)
    assert.equal(outcome.status, 'failed')
    assert.equal(outcome.errorClass, ERROR_CLASS.shutdown)
    assert.ok(outcome.deferUntil, 'the occurrence runs again instead of using up a retry')
    assert.equal(outcome.deferUntil?.getTime(), outcome.finishedAt.getTime())
  })
})
