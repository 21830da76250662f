/** Starting and stopping the ClickUp queues: their workers and the periodic reconciliation. */

import { runReconciliation } from './activity.ts'
import { processEvent } from './apply.ts'
import type { ClickUpContext } from './context.ts'
import {
  EVENTS_QUEUE,
  type EventJobData,
  RECONCILE_QUEUE,
  WRITEBACK_QUEUE,
  type WritebackJobData,
} from './queues.ts'
import { writeBack } from './writeback.ts'

/** `abort` cancels in-flight ClickUp calls on stop. */
export function createLifecycle(svc: ClickUpContext, abort: AbortController) {
  let timer: NodeJS.Timeout | undefined

  async function start() {
    for (const queue of [EVENTS_QUEUE, WRITEBACK_QUEUE, RECONCILE_QUEUE]) {
      await svc.boss.createQueue(queue)
    }
    if (!svc.runWorkers) return
    await startWorkers(svc)
    timer = scheduleReconcile(svc)
  }

  async function stop() {
    if (timer) clearInterval(timer)
    abort.abort()
  }

  return { start, stop }
}

async function startWorkers(svc: ClickUpContext) {
  const options = { batchSize: 1, pollingIntervalSeconds: 0.5 }
  await svc.boss.work<EventJobData>(EVENTS_QUEUE, options, async ([job]) => {
    if (job) await processEvent(svc, job.data)
  })
  await svc.boss.work<WritebackJobData>(WRITEBACK_QUEUE, options, async ([job]) => {
    if (job) await writeBack(svc, job.data)
  })
  await svc.boss.work(RECONCILE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => {
    await runReconciliation(svc)
  })
}

function scheduleReconcile(svc: ClickUpContext): NodeJS.Timeout | undefined {
  const minutes = svc.config.reconcileIntervalMinutes
  if (minutes <= 0) return undefined
  const timer = setInterval(() => {
    // One pass per interval across replicas: a singleton key within the interval.
    svc.boss
      .send(RECONCILE_QUEUE, {}, { singletonKey: 'reconcile', singletonSeconds: minutes * 60 - 5 })
      .catch((err) =>
        svc.logger.warn({ err: { message: err.message } }, 'could not queue reconciliation'),
      )
  }, minutes * 60_000)
  timer.unref()
  return timer
}
