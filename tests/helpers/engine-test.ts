/**
 * The setup engine test files share: before their tests, a scheduler runtime on a fresh database and
 * a webhook receiver; after them, everything the file started is closed: the schedulers first (newest
 * first, so a replica stops before the database it shares is dropped), then everything else, newest
 * first. Every cleanup runs, and their failures are reported together.
 */
import { after, before } from 'node:test'
import { startTestScheduler, type TestScheduler, type TestSchedulerOptions } from './scheduler.ts'
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts'

export interface EngineTest {
  /** The file's scheduler (started in `before`). */
  readonly scheduler: TestScheduler
  /** The file's receiver (started in `before`). */
  readonly receiver: WebhookReceiver
  /** Another receiver, closed after the file's tests. */
  startReceiver(): Promise<WebhookReceiver>
  /** Another scheduler (e.g. a replica on `{ database: engine.scheduler.database }`), closed after the file's tests. */
  startScheduler(label: string, options?: TestSchedulerOptions): Promise<TestScheduler>
  /** Runs `cleanup` after the file's tests and its schedulers, before what was registered earlier. */
  onCleanup(cleanup: () => Promise<unknown>): void
}

export interface EngineTestOptions extends TestSchedulerOptions {
  /** false: start only the receiver (tests that build their own engines). */
  withScheduler?: boolean
  /**
   * More setup once the scheduler and receiver run (a replica, a warm-up). Here rather than in a
   * `before` of the file's own: node:test starts a file's top-level `before` hooks without waiting for
   * the previous one to finish.
   */
  setUp?: (engine: EngineTest) => Promise<void>
}

/** Registers the file's `before` and `after` hooks. `label` names the test database. */
export function useEngineTest(label: string, options: EngineTestOptions = {}): EngineTest {
  const schedulers: TestScheduler[] = []
  const cleanups: (() => Promise<unknown>)[] = []
  let scheduler: TestScheduler | undefined
  let receiver: WebhookReceiver | undefined

  const engine: EngineTest = {
    get scheduler() {
      if (!scheduler) throw new Error(`no scheduler: useEngineTest('${label}') starts none`)
      return scheduler
    },
    get receiver() {
      if (!receiver) throw new Error('the receiver starts in before()')
      return receiver
    },
    async startReceiver() {
      const started = await startWebhookReceiver()
      cleanups.push(() => started.close())
      return started
    },
    async startScheduler(name, schedulerOptions) {
      const started = await startTestScheduler(name, schedulerOptions)
      schedulers.push(started)
      return started
    },
    onCleanup(cleanup) {
      cleanups.push(cleanup)
    },
  }

  before(async () => {
    const { withScheduler = true, setUp, ...schedulerOptions } = options
    if (withScheduler) scheduler = await engine.startScheduler(label, schedulerOptions)
    receiver = await engine.startReceiver()
    await setUp?.(engine)
  })
  after(async () => {
    const errors: unknown[] = []
    const all = [...schedulers.reverse().map((s) => () => s.close()), ...cleanups.reverse()]
    for (const cleanup of all) await cleanup().catch((err) => errors.push(err))
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed')
  })
  return engine
}
